import { Injectable, Logger } from '@nestjs/common';
import { PriceChanged, SHOP } from '../common/channels';
import { INSTANCE, recordStore } from '../common/redis';

/** This instance's own copy of the prices: each instance of the cache service keeps one. */
@Injectable()
export class PriceCache {
  private readonly logger = new Logger(PriceCache.name);
  private readonly prices = new Map<string, number>();

  /** Updates this instance's copy, and records the change under `<SHOP>:cache:<INSTANCE_ID>` (the checker reads it). */
  async apply(change: PriceChanged): Promise<void> {
    this.prices.set(change.sku, change.price);
    await recordStore().rpush(`${SHOP}:cache:${INSTANCE}`, JSON.stringify(change));
    this.logger.log(`${INSTANCE}: ${change.sku} now costs ${change.price}`);
  }

  price(sku: string): number | undefined {
    return this.prices.get(sku);
  }
}
