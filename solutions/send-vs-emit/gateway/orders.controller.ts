import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { OrderCreated } from '../shared/order';
import { INVENTORY, NOTIFICATION } from './clients';

@Controller()
export class OrdersController {
  constructor(
    @Inject(INVENTORY) private readonly inventory: ClientProxy,
    @Inject(NOTIFICATION) private readonly notification: ClientProxy,
  ) {}

  @Post('orders')
  @HttpCode(202)
  async placeOrder(@Body() order: OrderCreated) {
    // emit() is hot: each event is on its way at once. Its Observable completes when the event has been
    // handed to the socket (or fails when the consumer cannot be reached), never when it is handled.
    await Promise.all([
      firstValueFrom(this.inventory.emit('order_created', order)),
      firstValueFrom(this.notification.emit('order_created', order)),
    ]);
    return { status: 'queued', orderId: order.orderId };
  }

  @Get('stock')
  stock(): Promise<unknown> {
    return firstValueFrom(this.inventory.send({ cmd: 'stock' }, {}));
  }
}
