import { Injectable, Logger } from '@nestjs/common';

/** Complete: bills an order from the two fields version 1 has, and ignores any others. */
@Injectable()
export class BillingService {
  private readonly logger = new Logger('Billing');

  bill(order: unknown): void {
    const o = order as { orderId?: unknown; amount?: unknown } | undefined;
    if (typeof o?.orderId !== 'string' || typeof o.amount !== 'number') {
      this.logger.warn(`cannot bill ${JSON.stringify(order)}`);
      return;
    }
    this.logger.log(`billed order ${o.orderId}: amount ${o.amount}`);
  }
}
