import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Charge } from '../payments-contract';

export const REDIS = 'REDIS';

/**
 * The money side of the service, kept in Redis under PAYMENTS_KEY_PREFIX: the balance, and the
 * ledger, a list with one entry per charge.
 */
@Injectable()
export class Ledger {
  private readonly logger = new Logger(Ledger.name);
  private readonly prefix = process.env.PAYMENTS_KEY_PREFIX ?? 'payments';

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async charge(paymentId: string, amount: number): Promise<Charge> {
    const charge: Charge = { paymentId, amount, chargedAt: new Date().toISOString() };
    // TODO: the same payment may arrive more than once: a retry after a lost reply, a redelivery,
    //       two copies at the same moment, a copy after this service restarted. Charge it once:
    //       a repeat changes nothing and is answered with the charge made the first time. Keep what
    //       you need for that in Redis, under keys that start with this.prefix, and remember a
    //       payment id for at least 24 hours (or for good): longer than any retry or redelivery.
    await this.redis
      .multi()
      .incrby(`${this.prefix}:balance`, amount)
      .rpush(`${this.prefix}:ledger`, JSON.stringify(charge))
      .exec();
    this.logger.log(`${paymentId}: charged ${amount}`);
    return charge;
  }
}
