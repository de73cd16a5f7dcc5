import { Observable, retry, throwError, timer, TimeoutError } from 'rxjs';
import { errorCode } from './http-errors';

/** How long one attempt may wait for the payments service's answer. */
export const ATTEMPT_TIMEOUT_MS = 500;
/** How many times a failed attempt may be repeated (so at most 1 + MAX_RETRIES attempts). */
export const MAX_RETRIES = 3;
/** The wait before the first retry; it doubles before each next one: 100, 200, 400 ms. */
export const BACKOFF_MS = 100;

/** A failure that another attempt may not meet: no answer in time, or the service said it is unavailable. */
export function isTransient(error: unknown): boolean {
  return error instanceof TimeoutError || errorCode(error) === 'UNAVAILABLE';
}

/** The call to the payments service with a deadline per attempt and bounded retries of transient failures. */
export function withRetries<T>(request$: Observable<T>): Observable<T> {
  return request$.pipe(
    retry({
      count: MAX_RETRIES,
      delay: (error: unknown, retryCount: number) => (isTransient(error) ? timer(BACKOFF_MS * 2 ** (retryCount - 1)) : throwError(() => error)),
    }),
  );
}
