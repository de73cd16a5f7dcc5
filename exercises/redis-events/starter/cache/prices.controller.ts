import { Controller } from '@nestjs/common';
import { PriceCache } from './price-cache';

@Controller()
export class PricesController {
  constructor(private readonly cache: PriceCache) {}

  // TODO: handle the event the shop publishes on CHANNELS.priceChanged (common/channels.ts) by
  //       applying the change to this instance's cache with cache.apply(change).
  //       The runner starts this service twice (cache-1, cache-2): each keeps its own copy of the prices.
}
