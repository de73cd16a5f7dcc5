import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { INVENTORY } from './clients';
import { OrdersController } from './orders.controller';

@Module({
  imports: [
    ClientsModule.register([
      {
        name: INVENTORY,
        transport: Transport.TCP,
        options: { host: '127.0.0.1', port: Number(process.env.INVENTORY_PORT) },
      },
      // TODO: register a second client, NOTIFICATION, for the notification service (NOTIFICATION_PORT).
      //       TCP has no broker: every consumer of an event needs its own client.
    ]),
  ],
  controllers: [OrdersController],
})
export class AppModule {}
