import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateBookingDto, GetBookingDto } from './booking.dto';
import { Booking, BookingsService } from './bookings.service';

@Controller()
export class BookingsController {
  private readonly logger = new Logger(BookingsController.name);

  constructor(private readonly bookings: BookingsService) {}

  @MessagePattern({ cmd: 'booking.create' })
  create(@Payload() request: CreateBookingDto): Booking {
    const booking = this.bookings.create(request);
    this.logger.log(`booked room ${booking.roomId} for ${booking.guest} as ${booking.id}`);
    return booking;
  }

  @MessagePattern({ cmd: 'booking.get' })
  find(@Payload() request: GetBookingDto): Booking {
    return this.bookings.find(request.id);
  }
}
