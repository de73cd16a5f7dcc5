import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ORDER_PLACED, OrderPlacedV1, OrderPlacedV2, toV2 } from '../contract/orders';
import { LoyaltyService } from './loyalty.service';

/** The new consumer: written for version 2, and it still gets version 1 from shops not yet upgraded. */
@Controller()
export class LoyaltyController {
  constructor(private readonly loyalty: LoyaltyService) {}

  @EventPattern({ cmd: ORDER_PLACED, v: 2 })
  score(@Payload() body: OrderPlacedV2): void {
    this.loyalty.score(body);
  }

  @EventPattern({ cmd: ORDER_PLACED, v: 1 })
  scoreV1(@Payload() body: OrderPlacedV1): void {
    this.loyalty.score(toV2(1, body));
  }
}
