import { Module } from '@nestjs/common';
import { ShopController } from './shop.controller';

@Module({
  // TODO: register a Redis client under the token SHOP_EVENTS (shop.controller.ts). Its connection
  //       comes from redisConnection() in common/redis.ts, which reads REDIS_URL.
  controllers: [ShopController],
})
export class ShopModule {}
