import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RedisContext } from '@nestjs/microservices';
import { ORDER_PLACED, OrderPlacedV1, OrderPlacedV2 } from '../contract/orders';
import { LoyaltyService } from './loyalty.service';

/** The new consumer: written for version 2, and it still gets version 1 from shops not yet upgraded. */
@Controller()
export class LoyaltyController {
  constructor(private readonly loyalty: LoyaltyService) {}

  @EventPattern<string>(ORDER_PLACED)
  score(@Payload() body: OrderPlacedV1 | OrderPlacedV2, @Ctx() context: RedisContext): void {
    this.loyalty.score(body as OrderPlacedV2);
  }
}
