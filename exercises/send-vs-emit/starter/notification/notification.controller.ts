import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrderCreated } from '../shared/order';
import { Notification, NotificationService } from './notification.service';

@Controller()
export class NotificationController {
  constructor(private readonly notifications: NotificationService) {}

  // TODO: run this for every 'order_created' event.
  async emailCustomer(@Payload() order: OrderCreated): Promise<void> {
    await this.notifications.emailCustomer(order);
  }

  // TODO: run this for every 'order_created' event too: both handlers must see every order.
  pushToWarehouse(@Payload() order: OrderCreated): void {
    this.notifications.pushToWarehouse(order);
  }

  // TODO: answer requests with the pattern { cmd: 'notifications' }.
  list(): Notification[] {
    return this.notifications.list();
  }
}
