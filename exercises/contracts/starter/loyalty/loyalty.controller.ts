import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ORDER_PLACED, OrderPlacedV2 } from '../contract/orders';
import { LoyaltyService } from './loyalty.service';

/** The new consumer: written for version 2, and it still gets version 1 from shops not yet upgraded. */
@Controller()
export class LoyaltyController {
  constructor(private readonly loyalty: LoyaltyService) {}

  // TODO(8): this handler receives version 1 bodies too. Read the message's version (the RedisContext
  //          has the packet's metadata) and bring every body to version 2 before scoring it.
  @EventPattern<string>(ORDER_PLACED)
  score(@Payload() body: OrderPlacedV2): void {
    this.loyalty.score(body);
  }
}
