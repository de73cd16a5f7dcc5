/**
 * What the contracts check can observe when a test fails, for test/unit/diagnoses.test.ts: every
 * symptom its flow hands to `diagnose` (each shared by several mistakes), and the log lines a failure
 * leaves whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/contracts/checks/diagnoses';

const CHANNEL = 'orders-abc123.order_placed';
const envelope = (v: number, body: unknown) => ({ type: CHANNEL, v, body });
const v1 = { orderId: 'v1-x', amount: 19.99 };
const v2 = { orderId: 'v2-x', amount: 42, total: { cents: 4200, currency: 'USD' } };

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'subscribers', count: 0, otherChannels: [] },
    { kind: 'subscribers', count: 1, otherChannels: [] },
    { kind: 'subscribers', count: 1, otherChannels: [`${CHANNEL}s`] },
    { kind: 'subscribers', count: 1, otherChannels: [`{"cmd":"${CHANNEL}","v":2}`, `{"cmd":"${CHANNEL}","v":1}`] },
    { kind: 'subscribers', count: 1, otherChannels: [`{"cmd":"${CHANNEL}"}`] },
    ...(['billing', 'loyalty'] as const).flatMap((service): Wire[] =>
      [1, 2].flatMap((v): Wire[] => [
        { kind: 'complaint', service, v, payload: undefined },
        { kind: 'complaint', service, v, payload: envelope(v, v === 1 ? v1 : v2) },
        { kind: 'complaint', service, v, payload: v === 1 ? v1 : v2 },
        { kind: 'complaint', service, v, payload: {} },
      ]),
    ),
    { kind: 'scored-v1', cents: '1998.9999999999998', currency: 'EUR' },
    { kind: 'scored-v1', cents: '19.99', currency: 'EUR' },
    { kind: 'scored-v1', cents: '1999', currency: 'USD' },
    { kind: 'scored-v1', cents: '1998', currency: 'EUR' },
    { kind: 'published', message: { pattern: CHANNEL, data: { orderId: 'shop-x', total: { cents: 1250, currency: 'EUR' }, amount: 12.5 } } },
    { kind: 'published', message: { pattern: CHANNEL, data: { orderId: 'shop-x' } } },
    { kind: 'published', message: envelope(1, { orderId: 'shop-x', amount: 12.5 }) },
    { kind: 'published', message: envelope(2, { orderId: 'shop-x', total: { cents: 1250, currency: 'EUR' } }) },
    { kind: 'published', message: envelope(2, { orderId: 'shop-x', total: { cents: 1250, currency: 'EUR' }, amount: 1250 }) },
    { kind: 'published', message: envelope(2, { orderId: 'shop-x', total: { cents: 1250, currency: 'EUR' }, amount: 125 }) },
    { kind: 'delivered' },
  ],
  sharedLogs: {
    billing: "WARN [Billing] cannot bill undefined\nERROR [Server] There is no matching event handler defined in the remote service.",
    loyalty: "WARN [Loyalty] cannot score undefined\nTypeError: Cannot read properties of undefined (reading 'cents')",
  },
};
