import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { redisConnection } from '../common/redis';
import { SHOP_EVENTS, ShopController } from './shop.controller';

@Module({
  imports: [
    // wildcards, so that the mailer's pattern `<SHOP>.order.*` matches the order channels
    ClientsModule.register([{ name: SHOP_EVENTS, transport: Transport.REDIS, options: { ...redisConnection(), wildcards: true } }]),
  ],
  controllers: [ShopController],
})
export class ShopModule {}
