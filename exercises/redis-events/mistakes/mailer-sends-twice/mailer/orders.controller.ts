import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RedisContext } from '@nestjs/microservices';
import { OrderEvent, SHOP } from '../common/channels';
import { Outbox } from './outbox';

@Controller()
export class OrdersController {
  constructor(private readonly outbox: Outbox) {}

  @EventPattern<string>(`${SHOP}.order.*`)
  async onOrderEvent(@Payload() order: OrderEvent, @Ctx() ctx: RedisContext): Promise<void> {
    await this.outbox.send(ctx.getChannel(), order);
  }
}
