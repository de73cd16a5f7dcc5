/**
 * Every channel and key of this shop starts with SHOP: Redis channels are shared by every client of
 * the server, and the checker gives each check a fresh SHOP.
 */
export const SHOP = process.env.SHOP ?? 'shop';

/** The channels the shop publishes on. */
export const CHANNELS = {
  priceChanged: `${SHOP}.price.changed`,
  orderPlaced: `${SHOP}.order.placed`,
  orderCancelled: `${SHOP}.order.cancelled`,
};

/** The payload of `<SHOP>.price.changed`. */
export interface PriceChanged {
  sku: string;
  price: number;
}

/** The payload of every `<SHOP>.order.<what happened>` event. */
export interface OrderEvent {
  id: string;
  email: string;
}
