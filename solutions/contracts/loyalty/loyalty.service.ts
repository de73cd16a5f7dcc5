import { Injectable, Logger } from '@nestjs/common';
import { OrderPlacedV2 } from '../contract/orders';

/** Complete: one point per whole unit of the total, from a version 2 order. */
@Injectable()
export class LoyaltyService {
  private readonly logger = new Logger('Loyalty');

  score(order: OrderPlacedV2): void {
    const cents = order?.total?.cents;
    if (typeof order?.orderId !== 'string' || typeof cents !== 'number') {
      this.logger.warn(`cannot score ${JSON.stringify(order)}`);
      return;
    }
    this.logger.log(`order ${order.orderId} earned ${Math.floor(cents / 100)} points (${cents} ${order.total.currency})`);
  }
}
