import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { OrderCreated } from '../shared/order';
import { INVENTORY } from './clients';

@Controller()
export class OrdersController {
  // TODO: inject the NOTIFICATION client as well, once it is registered in app.module.ts.
  constructor(@Inject(INVENTORY) private readonly inventory: ClientProxy) {}

  @Post('orders')
  @HttpCode(202)
  placeOrder(@Body() order: OrderCreated) {
    // TODO: publish the 'order_created' event (payload: the order) to the inventory service AND to
    //       the notification service. Nobody answers an event, and the buyer must not wait for the
    //       slow consumers: answer at once. Do wait for what emit() returns (it completes once the
    //       event is handed over, or fails when a consumer cannot be reached), so no loss goes unseen.
    return { status: 'queued', orderId: order.orderId };
  }

  @Get('stock')
  async stock(): Promise<unknown> {
    // TODO: ask the inventory service for its stock report with the { cmd: 'stock' } pattern and
    //       return its reply. This one is a question: the caller needs the answer.
    return {};
  }
}
