import { Injectable } from '@nestjs/common';
import { OrderCreated } from '../shared/order';
import { delay } from '../shared/delay';

export interface Notification {
  orderId: string;
  channel: 'email' | 'push';
  startedAt: number;
  finishedAt: number | null;
}

/** Provided: sends notifications and keeps a record of each one. */
@Injectable()
export class NotificationService {
  private readonly sent: Notification[] = [];

  async emailCustomer(order: OrderCreated): Promise<void> {
    const notification = this.record(order, 'email');
    await delay(1500); // the mail provider is slow
    notification.finishedAt = Date.now();
  }

  pushToWarehouse(order: OrderCreated): void {
    const notification = this.record(order, 'push');
    notification.finishedAt = Date.now();
  }

  list(): Notification[] {
    return this.sent.map((n) => ({ ...n }));
  }

  private record(order: OrderCreated, channel: Notification['channel']): Notification {
    const notification: Notification = { orderId: order.orderId, channel, startedAt: Date.now(), finishedAt: null };
    this.sent.push(notification);
    return notification;
  }
}
