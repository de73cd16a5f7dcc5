import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CHANNELS, PriceChanged } from '../common/channels';
import { PriceCache } from './price-cache';

@Controller()
export class PricesController {
  constructor(private readonly cache: PriceCache) {}

  // Each instance holds its own copy, so each instance must apply each change: nothing to claim here.
  @EventPattern<string>(CHANNELS.priceChanged)
  async onPriceChanged(@Payload() change: PriceChanged): Promise<void> {
    await this.cache.apply(change);
  }
}
