import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { BookingsController } from './bookings.controller';

@Module({
  imports: [
    ClientsModule.register([
      {
        name: 'BOOKINGS_SERVICE',
        transport: Transport.TCP,
        options: { host: '127.0.0.1', port: Number(process.env.BOOKINGS_PORT) },
      },
    ]),
  ],
  controllers: [BookingsController],
})
export class GatewayModule {}
