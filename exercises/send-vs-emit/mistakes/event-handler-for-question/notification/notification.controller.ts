import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { OrderCreated } from '../shared/order';
import { Notification, NotificationService } from './notification.service';

@Controller()
export class NotificationController {
  constructor(private readonly notifications: NotificationService) {}

  @EventPattern('order_created')
  async emailCustomer(@Payload() order: OrderCreated): Promise<void> {
    await this.notifications.emailCustomer(order);
  }

  @EventPattern('order_created')
  pushToWarehouse(@Payload() order: OrderCreated): void {
    this.notifications.pushToWarehouse(order);
  }

  @EventPattern({ cmd: 'notifications' })
  list(): Notification[] {
    return this.notifications.list();
  }
}
