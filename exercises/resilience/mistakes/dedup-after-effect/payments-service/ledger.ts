import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Charge } from '../payments-contract';

export const REDIS = 'REDIS';

/** How long a payment id is remembered: longer than any retry or redelivery of it can arrive. */
const REMEMBER_SECONDS = 24 * 60 * 60;

/**
 * The money side of the service, kept in Redis under PAYMENTS_KEY_PREFIX: the balance, and the
 * ledger, a list with one entry per charge.
 */
@Injectable()
export class Ledger {
  private readonly logger = new Logger(Ledger.name);
  private readonly prefix = process.env.PAYMENTS_KEY_PREFIX ?? 'payments';

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Charges `amount` for `paymentId`, once however often it is asked; a repeat gets the first answer. */
  async charge(paymentId: string, amount: number): Promise<Charge> {
    const charge: Charge = { paymentId, amount, chargedAt: new Date().toISOString() };
    const key = `${this.prefix}:charge:${paymentId}`;
    await this.redis
      .multi()
      .incrby(`${this.prefix}:balance`, amount)
      .rpush(`${this.prefix}:ledger`, JSON.stringify(charge))
      .exec();
    // Remember the payment, so that a repeat is answered with the first charge.
    const claimed = await this.redis.set(key, JSON.stringify(charge), 'EX', REMEMBER_SECONDS, 'NX');
    if (claimed !== 'OK') {
      this.logger.log(`${paymentId}: seen before, answering with the first charge`);
      const first = await this.redis.get(key);
      return first ? (JSON.parse(first) as Charge) : charge;
    }
    this.logger.log(`${paymentId}: charged ${amount}`);
    return charge;
  }
}
