import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { OrderCreated } from '../shared/order';
import { INVENTORY } from './clients';

@Controller()
export class OrdersController {
  constructor(@Inject(INVENTORY) private readonly inventory: ClientProxy) {}

  @Post('orders')
  @HttpCode(202)
  async placeOrder(@Body() order: OrderCreated) {
    await firstValueFrom(this.inventory.emit('order_created', order));
    return { status: 'queued', orderId: order.orderId };
  }

  @Get('stock')
  stock(): Promise<unknown> {
    return firstValueFrom(this.inventory.send({ cmd: 'stock' }, {}));
  }
}
