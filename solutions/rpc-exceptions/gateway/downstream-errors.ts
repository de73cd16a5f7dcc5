import { BadGatewayException, BadRequestException, ConflictException, HttpException, Logger, NotFoundException } from '@nestjs/common';

const logger = new Logger('BookingsClient');

/** The HTTP answer for each error code the bookings service reports. */
const BY_CODE: Record<string, (message: string) => HttpException> = {
  INVALID_PAYLOAD: (message) => new BadRequestException(message),
  ROOM_NOT_FOUND: (message) => new NotFoundException(message),
  BOOKING_NOT_FOUND: (message) => new NotFoundException(message),
  ROOM_TAKEN: (message) => new ConflictException(message),
};

function field(error: unknown, name: 'code' | 'message'): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A downstream failure as the gateway's HTTP answer: a known code keeps its meaning; anything else
 * (an unknown code, "Internal server error", no answer in time, no connection) is the service's
 * fault, not the client's: 502 Bad Gateway.
 */
export function toHttpException(error: unknown): HttpException {
  const code = field(error, 'code');
  const toHttp = code !== undefined && Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined;
  if (toHttp) return toHttp(field(error, 'message') ?? code ?? '');
  logger.warn(`bookings service failed: ${field(error, 'message') ?? String(error)}${code ? ` (${code})` : ''}`);
  return new BadGatewayException('The bookings service could not handle the request');
}
