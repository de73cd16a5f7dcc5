import { Module } from '@nestjs/common';
import { PriceCache } from './price-cache';
import { PricesController } from './prices.controller';

@Module({
  controllers: [PricesController],
  providers: [PriceCache],
})
export class CacheModule {}
