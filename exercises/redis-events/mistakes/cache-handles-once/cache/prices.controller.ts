import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CHANNELS, PriceChanged, SHOP } from '../common/channels';
import { INSTANCE, recordStore } from '../common/redis';
import { PriceCache } from './price-cache';

@Controller()
export class PricesController {
  constructor(private readonly cache: PriceCache) {}

  @EventPattern<string>(CHANNELS.priceChanged)
  async onPriceChanged(@Payload() change: PriceChanged): Promise<void> {
    // Both instances receive the change: only the first one to claim it applies it.
    const first = await recordStore().set(`${SHOP}:applied:${change.sku}:${change.price}`, INSTANCE, 'EX', 600, 'NX');
    if (first !== 'OK') return;
    await this.cache.apply(change);
  }
}
