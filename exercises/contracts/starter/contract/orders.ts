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
  // TODO(3): billing keeps running its version 1 code while the shop moves to version 2. What must
  //          a version 2 message still carry for it, and with which meaning?
}

/** Brings an order_placed body of any known version to version 2. */
export function toV2(version: number, body: OrderPlacedV1 | OrderPlacedV2): OrderPlacedV2 {
  // TODO(4): a version 2 body is returned as it is; a version 1 body gets the fields version 2 added
  //          (version 1 knew one currency only: EUR).
  throw new Error(`toV2 is not written yet (version ${version}, body ${JSON.stringify(body)})`);
}
