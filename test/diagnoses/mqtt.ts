/**
 * What the mqtt check can observe when a test fails, for test/unit/diagnoses.test.ts: every symptom
 * its flow hands to `diagnose` (each shared by several mistakes), and the log lines a failure leaves
 * whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/mqtt/checks/diagnoses';

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'no-status', topics: [] },
    { kind: 'no-status', topics: ['/status/p1'] },
    { kind: 'no-status', topics: ['.status.f1'] },
    { kind: 'no-status', topics: ['/status.f1', '/alerts.f1'] },
    { kind: 'no-deep-status' },
    ...(['status', 'alert'] as const).flatMap((of): Wire[] => [0, 2].map((qos): Wire => ({ kind: 'qos', of, qos }))),
    { kind: 'late-status' },
    { kind: 'late-alert' },
    { kind: 'lost-while-down' },
    { kind: 'delivered' },
  ],
  sharedLogs: {
    aggregator: "ERROR [Server] There is no matching event handler defined in the remote service. Event pattern: site-x/readings/f1\nTypeError: Cannot read properties of undefined (reading 'split')",
  },
};
