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
        options: { ...redisConnection() },
      },
    ]),
  ],
  controllers: [OrdersController],
})
export class ShopModule {}
