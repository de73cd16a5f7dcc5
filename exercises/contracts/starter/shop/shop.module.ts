import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { redisConnection } from '../contract/redis';
import { ORDERS_CLIENT, OrdersController } from './orders.controller';

@Module({
  imports: [
    ClientsModule.register([
      {
        name: ORDERS_CLIENT,
        transport: Transport.REDIS,
        // TODO(5): every message this client publishes must leave as an envelope, stamped with
        //          version 2 for ORDER_PLACED.
        options: { ...redisConnection() },
      },
    ]),
  ],
  controllers: [OrdersController],
})
export class ShopModule {}
