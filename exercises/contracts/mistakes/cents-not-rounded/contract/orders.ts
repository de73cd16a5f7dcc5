// Redis channels are shared by every client of the server, so the pattern starts with ORDERS_CHANNEL
// (the checker gives each check a fresh one).
const prefix = process.env.ORDERS_CHANNEL ?? 'orders';

/** The event the shop publishes for every order; on Redis, the pattern is also the channel. */
export const ORDER_PLACED = `${prefix}.order_placed`;

/** Version 1 of order_placed, as billing reads it: the amount in euros, a decimal number. */
export interface OrderPlacedV1 {
  orderId: string;
  amount: number;
}

/** Version 2 of order_placed, as the loyalty team designed it: the total in cents, with its currency. */
export interface OrderPlacedV2 {
  orderId: string;
  total: { cents: number; currency: string };
  /** Deprecated, kept while v1 readers run: the total in euros. Never give it another meaning. */
  amount: number;
}

/** Brings an order_placed body of any known version to version 2. */
export function toV2(version: number, body: OrderPlacedV1 | OrderPlacedV2): OrderPlacedV2 {
  if (version >= 2) return body as OrderPlacedV2;
  // Version 1 knew one currency only.
  return { ...body, total: { cents: body.amount * 100, currency: 'EUR' } };
}
