import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { CHANNELS, OrderEvent, PriceChanged } from '../common/channels';

export const SHOP_EVENTS = 'SHOP_EVENTS';

/** The shop's HTTP side: each route changes something and tells whoever listens, through Redis. */
@Controller()
export class ShopController {
  constructor(@Inject(SHOP_EVENTS) private readonly events: ClientProxy) {}

  @Post('prices')
  @HttpCode(202)
  async changePrice(@Body() change: PriceChanged): Promise<{ published: string }> {
    return this.publish(CHANNELS.priceChanged, { sku: change.sku, price: change.price });
  }

  @Post('orders')
  @HttpCode(202)
  async placeOrder(@Body() order: OrderEvent): Promise<{ published: string }> {
    return this.publish(CHANNELS.orderPlaced, { id: order.id, email: order.email });
  }

  @Post('orders/:id/cancel')
  @HttpCode(202)
  async cancelOrder(@Param('id') id: string, @Body() body: { email: string }): Promise<{ published: string }> {
    return this.publish(CHANNELS.orderCancelled, { id, email: body.email });
  }

  /** Publishes the event and answers at once. */
  private async publish(channel: string, data: PriceChanged | OrderEvent): Promise<{ published: string }> {
    this.events.emit(channel, data); // Redis publishes at once: no need to wait
    return { published: channel };
  }
}
