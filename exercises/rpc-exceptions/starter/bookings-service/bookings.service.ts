import { Injectable } from '@nestjs/common';
import { CreateBookingDto } from './booking.dto';

export interface Booking {
  id: string;
  roomId: string;
  guest: string;
  nights: number;
}

/** The error codes this service reports; the gateway turns them into HTTP statuses. */
export type BookingErrorCode = 'ROOM_NOT_FOUND' | 'ROOM_TAKEN' | 'BOOKING_NOT_FOUND';

/** A domain error: something the caller asked for that cannot be done. */
export class BookingError extends Error {
  constructor(
    readonly code: BookingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BookingError';
  }
}

const ROOMS = ['101', '102', '103', '201', '202', '203', '301', '302'];

@Injectable()
export class BookingsService {
  private readonly bookings = new Map<string, Booking>();
  private nextId = 1;

  create(request: CreateBookingDto): Booking {
    if (!ROOMS.includes(request.roomId)) {
      throw new BookingError('ROOM_NOT_FOUND', `There is no room ${request.roomId}`);
    }
    if ([...this.bookings.values()].some((b) => b.roomId === request.roomId)) {
      throw new BookingError('ROOM_TAKEN', `Room ${request.roomId} is already booked`);
    }
    const booking: Booking = { id: `b-${this.nextId++}`, roomId: request.roomId, guest: request.guest, nights: request.nights };
    this.bookings.set(booking.id, booking);
    return booking;
  }

  find(id: string): Booking {
    const booking = this.bookings.get(id);
    if (!booking) {
      throw new BookingError('BOOKING_NOT_FOUND', `There is no booking ${id}`);
    }
    return booking;
  }
}
