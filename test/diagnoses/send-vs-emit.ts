/**
 * What the send-vs-emit check can observe when a test fails, for test/unit/diagnoses.test.ts: every
 * symptom its flow hands to `diagnose`, each one shared by several mistakes (the source audits are
 * shared by every solution that behaves), and the log lines a failure leaves whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/send-vs-emit/checks/diagnoses';

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'order-answer', status: 500, body: { statusCode: 500, message: 'Internal server error' } },
    { kind: 'order-answer', status: 201, body: { status: 'queued', orderId: 'order-1' } },
    { kind: 'order-answer', status: 0, body: undefined },
    { kind: 'order-waited' },
    { kind: 'events-missing', inventory: false, email: false, push: false, unhandled: false },
    { kind: 'events-missing', inventory: false, email: false, push: false, unhandled: true },
    { kind: 'events-missing', inventory: true, email: false, push: false, unhandled: false },
    { kind: 'events-missing', inventory: true, email: false, push: false, unhandled: true },
    { kind: 'events-missing', inventory: false, email: true, push: true, unhandled: false },
    { kind: 'events-missing', inventory: true, email: true, push: false, unhandled: false },
    { kind: 'events-missing', inventory: true, email: false, push: true, unhandled: false },
    { kind: 'stock-relay', status: 200, body: '' },
    { kind: 'stock-relay', status: 200, body: {} },
    { kind: 'stock-relay', status: 500, body: { statusCode: 500, message: 'Internal server error' } },
    { kind: 'source-audit', part: 'handlers' },
    { kind: 'source-audit', part: 'emits' },
  ],
  sharedLogs: {
    gateway: [
      '[Nest] 4242  - ERROR [ExceptionsHandler] Error: connect ECONNREFUSED 127.0.0.1:41781',
      "[Nest] 4242  - ERROR [ExceptionsHandler] TypeError: Cannot read properties of undefined (reading 'emit')",
    ].join('\n'),
  },
};
