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
  /** The payments charged so far, by id. */
  private readonly seen = new Map<string, Charge>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Charges `amount` for `paymentId`, once however often it is asked; a repeat gets the first answer. */
  async charge(paymentId: string, amount: number): Promise<Charge> {
    const charge: Charge = { paymentId, amount, chargedAt: new Date().toISOString() };
    const first = this.seen.get(paymentId);
    if (first) {
      this.logger.log(`${paymentId}: seen before, answering with the first charge`);
      return first;
    }
    this.seen.set(paymentId, charge);
    await this.redis
      .multi()
      .incrby(`${this.prefix}:balance`, amount)
      .rpush(`${this.prefix}:ledger`, JSON.stringify(charge))
      .exec();
    this.logger.log(`${paymentId}: charged ${amount}`);
    return charge;
  }
}
