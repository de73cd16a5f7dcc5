import { ConflictException, Controller, Logger, NotFoundException } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateBookingDto, GetBookingDto } from './booking.dto';
import { Booking, BookingError, BookingsService } from './bookings.service';

@Controller()
export class BookingsController {
  private readonly logger = new Logger(BookingsController.name);

  constructor(private readonly bookings: BookingsService) {}

  @MessagePattern({ cmd: 'booking.create' })
  create(@Payload() request: CreateBookingDto): Booking {
    try {
      const booking = this.bookings.create(request);
      this.logger.log(`booked room ${booking.roomId} for ${booking.guest} as ${booking.id}`);
      return booking;
    } catch (error) {
      if (error instanceof BookingError && error.code === 'ROOM_TAKEN') throw new ConflictException(error.message);
      if (error instanceof BookingError) throw new NotFoundException(error.message);
      throw error;
    }
  }

  @MessagePattern({ cmd: 'booking.get' })
  find(@Payload() request: GetBookingDto): Booking {
    try {
      return this.bookings.find(request.id);
    } catch (error) {
      if (error instanceof BookingError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
