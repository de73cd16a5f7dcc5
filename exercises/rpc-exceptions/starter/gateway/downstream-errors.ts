import { HttpException, InternalServerErrorException } from '@nestjs/common';

/**
 * A failure of the bookings service as the gateway's HTTP answer.
 * TODO: read the error's `code` (the error is whatever the client's Observable failed with: an
 *       object from the service, a string, or an Error of the connection or of a timeout):
 *       INVALID_PAYLOAD -> 400, ROOM_NOT_FOUND and BOOKING_NOT_FOUND -> 404, ROOM_TAKEN -> 409,
 *       anything else -> 502 Bad Gateway.
 */
export function toHttpException(error: unknown): HttpException {
  return new InternalServerErrorException(`not mapped yet: ${String(error)}`);
}
