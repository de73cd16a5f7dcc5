import { Injectable, Logger } from '@nestjs/common';
import { OrderEvent, SHOP } from '../common/channels';
import { INSTANCE, recordStore } from '../common/redis';

/** "Sends" an e-mail about an order: it lands in the list `<SHOP>:outbox`, which the checker reads. */
@Injectable()
export class Outbox {
  private readonly logger = new Logger(Outbox.name);

  /** `channel` says what happened (`<SHOP>.order.placed`, …); `order` is the event's payload. */
  async send(channel: string, order: OrderEvent): Promise<void> {
    const mail = { channel, orderId: order.id, to: order.email, by: INSTANCE };
    await recordStore().rpush(`${SHOP}:outbox`, JSON.stringify(mail));
    this.logger.log(`${INSTANCE}: mailed ${order.email} about ${channel} (order ${order.id})`);
  }
}
