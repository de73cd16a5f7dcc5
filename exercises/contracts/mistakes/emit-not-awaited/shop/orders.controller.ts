import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { ORDER_PLACED, OrderPlacedV2 } from '../contract/orders';

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
  async place(@Body() order: NewOrder): Promise<OrderPlacedV2> {
    const event: OrderPlacedV2 = {
      orderId: order.orderId,
      total: { cents: order.cents, currency: order.currency },
      amount: order.cents / 100,
    };
    this.orders.emit(ORDER_PLACED, event);
    return event;
  }
}
