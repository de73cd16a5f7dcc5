import { Observable } from 'rxjs';

/** How long one attempt may wait for the payments service's answer. */
export const ATTEMPT_TIMEOUT_MS = 500;
/** How many times a failed attempt may be repeated (so at most 1 + MAX_RETRIES attempts). */
export const MAX_RETRIES = 3;
/** The wait before the first retry; it doubles before each next one: 100, 200, 400 ms. */
export const BACKOFF_MS = 100;

/** A failure that another attempt may not meet. */
export function isTransient(error: unknown): boolean {
  // TODO: two failures are worth another attempt: no answer within ATTEMPT_TIMEOUT_MS, and an error
  //       whose code is 'UNAVAILABLE' (errorCode() in http-errors.ts reads it). A declined card or an
  //       invalid request (codes DECLINED, INVALID) gets the same answer every time.
  void error;
  return false;
}

/** The call to the payments service, as the payments controller makes it. */
export function withRetries<T>(request$: Observable<T>): Observable<T> {
  // TODO: a send() waits for ever by default. Give each attempt ATTEMPT_TIMEOUT_MS to answer.
  // TODO: repeat an attempt that failed transiently (isTransient), at most MAX_RETRIES times, waiting
  //       BACKOFF_MS before the first retry and twice as long before each next one. Any other error
  //       reaches the caller at once, unchanged.
  return request$;
}
