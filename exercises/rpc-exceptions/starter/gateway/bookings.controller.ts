import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';

interface Booking {
  id: string;
  roomId: string;
  guest: string;
  nights: number;
}

@Controller('bookings')
export class BookingsController {
  constructor(@Inject('BOOKINGS_SERVICE') private readonly bookings: ClientProxy) {}

  // POST /bookings { roomId, guest, nights } -> 201 with the booking
  @Post()
  create(@Body() body: unknown): Promise<Booking> {
    return this.ask<Booking>({ cmd: 'booking.create' }, body);
  }

  // GET /bookings/:id -> 200 with the booking
  @Get(':id')
  find(@Param('id') id: string): Promise<Booking> {
    return this.ask<Booking>({ cmd: 'booking.get' }, { id });
  }

  private ask<T>(pattern: { cmd: string }, data: unknown): Promise<T> {
    // TODO: give up after 2 seconds without an answer (RxJS has an operator for it): a dead or
    //       stuck bookings service must not hang the gateway.
    // TODO: turn every error of the reply into an HTTP exception with toHttpException
    //       (downstream-errors.ts) before it reaches Nest's HTTP layer.
    return firstValueFrom(this.bookings.send<T>(pattern, data));
  }
}
