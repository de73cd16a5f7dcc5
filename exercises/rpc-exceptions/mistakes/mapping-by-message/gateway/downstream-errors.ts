import { BadGatewayException, BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/** A downstream failure as the gateway's HTTP answer, chosen by what the message says. */
export function toHttpException(error: unknown): HttpException {
  const message = messageOf(error);
  if (/not found|there is no/i.test(message)) return new NotFoundException(message);
  if (/already booked/i.test(message)) return new ConflictException(message);
  if (/must|should/i.test(message)) return new BadRequestException(message);
  return new BadGatewayException('The bookings service could not handle the request');
}
