import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ORDER_PLACED, OrderPlacedV1 } from '../contract/orders';

export const ORDERS_CLIENT = 'ORDERS_CLIENT';

/** What a customer's order looks like when it reaches the shop. */
export interface NewOrder {
  orderId: string;
  cents: number;
  currency: string;
}

@Controller()
export class OrdersController {
  constructor(@Inject(ORDERS_CLIENT) private readonly orders: ClientProxy) {}

  @Post('orders')
  async place(@Body() order: NewOrder): Promise<OrderPlacedV1> {
    // TODO(6): publish version 2 of order_placed (OrderPlacedV2), and keep billing working.
    const event: OrderPlacedV1 = { orderId: order.orderId, amount: order.cents / 100 };
    await lastValueFrom(this.orders.emit(ORDER_PLACED, event), { defaultValue: undefined });
    return event;
  }
}
