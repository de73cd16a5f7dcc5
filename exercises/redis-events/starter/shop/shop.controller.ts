import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CHANNELS, OrderEvent, PriceChanged } from '../common/channels';

export const SHOP_EVENTS = 'SHOP_EVENTS';

/** The shop's HTTP side: each route changes something and tells whoever listens, through Redis. */
@Controller()
export class ShopController {
  // TODO: inject the client registered under SHOP_EVENTS.

  @Post('prices')
  @HttpCode(202)
  async changePrice(@Body() change: PriceChanged): Promise<{ published: string }> {
    // TODO: publish { sku, price } as an event on CHANNELS.priceChanged. Nobody answers an event.
    return { published: CHANNELS.priceChanged };
  }

  @Post('orders')
  @HttpCode(202)
  async placeOrder(@Body() order: OrderEvent): Promise<{ published: string }> {
    // TODO: publish { id, email } as an event on CHANNELS.orderPlaced.
    return { published: CHANNELS.orderPlaced };
  }

  @Post('orders/:id/cancel')
  @HttpCode(202)
  async cancelOrder(@Param('id') id: string, @Body() body: { email: string }): Promise<{ published: string }> {
    // TODO: publish { id, email } as an event on CHANNELS.orderCancelled.
    return { published: CHANNELS.orderCancelled };
  }
}
