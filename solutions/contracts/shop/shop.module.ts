import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { EnvelopeSerializer } from '../contract/envelope';
import { ORDER_PLACED } from '../contract/orders';
import { redisConnection } from '../contract/redis';
import { ORDERS_CLIENT, OrdersController } from './orders.controller';

@Module({
  imports: [
    ClientsModule.register([
      {
        name: ORDERS_CLIENT,
        transport: Transport.REDIS,
        options: { ...redisConnection(), serializer: new EnvelopeSerializer({ [ORDER_PLACED]: 2 }) },
      },
    ]),
  ],
  controllers: [OrdersController],
})
export class ShopModule {}
