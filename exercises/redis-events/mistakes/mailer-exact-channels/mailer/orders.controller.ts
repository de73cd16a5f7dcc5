import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CHANNELS, OrderEvent } from '../common/channels';
import { Claims } from './claims';
import { Outbox } from './outbox';

@Controller()
export class OrdersController {
  constructor(
    private readonly claims: Claims,
    private readonly outbox: Outbox,
  ) {}

  @EventPattern<string>(CHANNELS.orderPlaced)
  async onPlaced(@Payload() order: OrderEvent): Promise<void> {
    await this.mailOnce(CHANNELS.orderPlaced, order);
  }

  @EventPattern<string>(CHANNELS.orderCancelled)
  async onCancelled(@Payload() order: OrderEvent): Promise<void> {
    await this.mailOnce(CHANNELS.orderCancelled, order);
  }

  private async mailOnce(channel: string, order: OrderEvent): Promise<void> {
    if (await this.claims.claim(`${channel}:${order.id}`)) await this.outbox.send(channel, order);
  }
}
