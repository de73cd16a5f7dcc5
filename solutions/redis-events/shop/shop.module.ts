import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { redisConnection } from '../common/redis';
import { SHOP_EVENTS, ShopController } from './shop.controller';

@Module({
  imports: [
    // A publisher needs no wildcards: it always publishes on one concrete channel.
    ClientsModule.register([{ name: SHOP_EVENTS, transport: Transport.REDIS, options: redisConnection() }]),
  ],
  controllers: [ShopController],
})
export class ShopModule {}
