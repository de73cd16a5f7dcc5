import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { OrderCreated } from '../shared/order';
import { InventoryService, StockReport } from './inventory.service';

@Controller()
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @MessagePattern('order_created')
  async reserveStock(@Payload() order: OrderCreated): Promise<void> {
    await this.inventory.reserve(order);
  }

  @MessagePattern({ cmd: 'stock' })
  stock(): StockReport {
    return this.inventory.report();
  }
}
