import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ORDER_PLACED, OrderPlacedV1 } from '../contract/orders';
import { BillingService } from './billing.service';

/** The old consumer: written for version 1, and it stays that way during the rollout. */
@Controller()
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @EventPattern<string>(ORDER_PLACED)
  bill(@Payload() order: OrderPlacedV1): void {
    this.billing.bill(order);
  }
}
