import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { catchError, firstValueFrom, throwError, timeout } from 'rxjs';
import { toHttpException } from './downstream-errors';

/** How long the gateway waits for the bookings service before it answers 502. */
const REPLY_TIMEOUT_MS = 2000;

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
    const reply$ = this.bookings.send<T>(pattern, data).pipe(
      timeout(REPLY_TIMEOUT_MS),
      // A connection error or a timeout is an Error: let Nest deal with it.
      catchError((error: unknown) => throwError(() => (error instanceof Error ? error : toHttpException(error)))),
    );
    return firstValueFrom(reply$);
  }
}
