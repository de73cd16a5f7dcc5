export interface QuoteRequest {
  kg: number;
}

export interface Quote {
  country: string;
  kg: number;
  price: number;
  /** INSTANCE_ID of the quotes instance that answered. */
  instance: string;
  /** The x-request-id header of the request, when it had one. */
  requestId?: string;
}

const perKg: Record<string, number> = { de: 1.2, fr: 1.35, pl: 0.9, ua: 0.8 };

/** The price of a parcel of `kg` kilograms to `country` (two-letter code), in euros. */
export function priceFor(country: string, kg: number): number {
  const rate = perKg[country] ?? 2.5;
  return Math.round((4 + rate * kg) * 100) / 100;
}
