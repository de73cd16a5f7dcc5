import { BadGatewayException, BadRequestException, GatewayTimeoutException, HttpException, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { TimeoutError } from 'rxjs';

/** The `code` of an error the payments service answered with ({ code, message }), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = error && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = error && typeof error === 'object' ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : 'The payments service failed.';
}

/** What the HTTP caller gets when the call to the payments service finally failed. */
export function toHttpError(error: unknown): HttpException {
  if (error instanceof TimeoutError) return new GatewayTimeoutException('The payments service did not answer in time.');
  switch (errorCode(error)) {
    case 'INVALID':
      return new BadRequestException(errorMessage(error));
    case 'DECLINED':
      return new HttpException(errorMessage(error), HttpStatus.PAYMENT_REQUIRED);
    case 'UNAVAILABLE':
      return new ServiceUnavailableException(errorMessage(error));
    default:
      return new BadGatewayException(errorMessage(error));
  }
}
