import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrderCreated } from '../shared/order';
import { InventoryService, StockReport } from './inventory.service';

@Controller()
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  // TODO: run this for every 'order_created' event (an event: nobody waits for a reply).
  async reserveStock(@Payload() order: OrderCreated): Promise<void> {
    await this.inventory.reserve(order);
  }

  // TODO: answer requests with the pattern { cmd: 'stock' } (a request: the caller waits for this reply).
  stock(): StockReport {
    return this.inventory.report();
  }
}
