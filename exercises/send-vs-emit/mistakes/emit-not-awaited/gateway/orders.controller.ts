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
  placeOrder(@Body() order: OrderCreated) {
    this.inventory.emit('order_created', order);
    this.notification.emit('order_created', order);
    return { status: 'queued', orderId: order.orderId };
  }

  @Get('stock')
  stock(): Promise<unknown> {
    return firstValueFrom(this.inventory.send({ cmd: 'stock' }, {}));
  }
}
