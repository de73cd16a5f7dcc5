import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RedisContext } from '@nestjs/microservices';
import { OrderEvent, SHOP } from '../common/channels';
import { Outbox } from './outbox';

@Controller()
export class OrdersController {
  constructor(private readonly outbox: Outbox) {}

  @EventPattern<string>(`${SHOP}.order.*`)
  async onOrderEvent(@Payload() order: OrderEvent, @Ctx() ctx: RedisContext): Promise<void> {
    // Both instances get the event: let the first one do the mailing.
    if (process.env.INSTANCE_ID !== 'mailer-1') return;
    await this.outbox.send(ctx.getChannel(), order);
  }
}
