/** What the gateway and the payments service agree on: the request, the answer, the error codes. */
export interface ChargeRequest {
  /** Chosen by whoever asks for the payment, once: every retry and every redelivery carries the same id. */
  paymentId: string;
  /** In cents, a positive integer. */
  amount: number;
}

export interface Charge {
  paymentId: string;
  amount: number;
  chargedAt: string;
}

/**
 * The `code` of the error (an RpcException's object) the payments service answers with:
 * - UNAVAILABLE: the service cannot take the payment right now; the same request may succeed later.
 * - DECLINED: the card was refused; asking again gets the same answer.
 * - INVALID: the request itself is wrong; asking again gets the same answer.
 */
export type PaymentErrorCode = 'UNAVAILABLE' | 'DECLINED' | 'INVALID';

export const CHARGE = { cmd: 'charge' };
