import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { BookingsModule } from './bookings.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BookingsModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: Number(process.env.BOOKINGS_PORT) },
  });
  // TODO: validate every message payload against its DTO class (booking.dto.ts) before a handler
  //       runs. What the validation throws is an HTTP exception: it must still reach the caller as
  //       an error with code 'INVALID_PAYLOAD', not as "Internal server error".
  // TODO: register the filter of rpc-errors.filter.ts for every handler of this microservice.
  await app.listen();
}

void bootstrap();
