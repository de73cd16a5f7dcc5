import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RedisContext } from '@nestjs/microservices';
import { OrderEvent, SHOP } from '../common/channels';
import { Claims } from './claims';
import { Outbox } from './outbox';

@Controller()
export class OrdersController {
  constructor(
    private readonly claims: Claims,
    private readonly outbox: Outbox,
  ) {}

  // One handler for everything the shop publishes.
  @EventPattern<string>(`${SHOP}.*`)
  async onOrderEvent(@Payload() order: OrderEvent, @Ctx() ctx: RedisContext): Promise<void> {
    const channel = ctx.getChannel(); // the concrete channel, e.g. <SHOP>.order.cancelled
    // Both mailer instances got this event: only the one that claims it sends the mail.
    if (!(await this.claims.claim(`${channel}:${order.id}`))) return;
    await this.outbox.send(channel, order);
  }
}
