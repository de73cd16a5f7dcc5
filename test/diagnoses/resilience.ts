/**
 * What the resilience check can observe when a test fails, for test/unit/diagnoses.test.ts: every
 * symptom its flow hands to `diagnose`, each one shared by several mistakes (a count of attempts, gaps
 * between them, a payment charged twice), and the log lines any crash leaves whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/resilience/checks/diagnoses';

export const observations: Observations<Wire> = {
  symptoms: [
    // Test 2: INVALID, DECLINED or a string without a code, and the service asked again (once more, or 1 + MAX_RETRIES times).
    ...(['INVALID', 'DECLINED', 'no code'] as const).flatMap((code): Wire[] => [
      { kind: 'permanent-error', code, attempts: 2, status: 400 },
      { kind: 'permanent-error', code, attempts: 4, status: 502 },
    ]),
    // Test 3: three instant UNAVAILABLE answers. One attempt; 504 after fewer than four; no gap; gaps that do not grow.
    { kind: 'transient', attempts: 1, status: 503, gaps: [], everyAttemptAnsweredAtOnce: true },
    { kind: 'transient', attempts: 1, status: 502, gaps: [], everyAttemptAnsweredAtOnce: true },
    { kind: 'transient', attempts: 3, status: 504, gaps: [100, 200], everyAttemptAnsweredAtOnce: true },
    { kind: 'transient', attempts: 2, status: 504, gaps: [2], everyAttemptAnsweredAtOnce: true },
    { kind: 'transient', attempts: 4, status: 201, gaps: [1, 2, 1], everyAttemptAnsweredAtOnce: false },
    { kind: 'transient', attempts: 4, status: 201, gaps: [8, 12, 10], everyAttemptAnsweredAtOnce: false },
    { kind: 'transient', attempts: 4, status: 201, gaps: [101, 103, 102], everyAttemptAnsweredAtOnce: false },
    { kind: 'transient', attempts: 4, status: 201, gaps: [102, 203, 210], everyAttemptAnsweredAtOnce: false },
    // The added test: UNAVAILABLE for every attempt the gateway may make, and one or several more attempts.
    { kind: 'unavailable-throughout', attempts: 5, status: 201 },
    { kind: 'unavailable-throughout', attempts: 9, status: 0 },
    // Test 4: every reply held back 4 s. Too many attempts; one that waited it out; one then 504.
    { kind: 'slow-service', attempts: 9, status: 0, ms: 7000, heldMs: 4000 },
    { kind: 'slow-service', attempts: 6, status: 504, ms: 4600, heldMs: 4000 },
    { kind: 'slow-service', attempts: 1, status: 201, ms: 4010, heldMs: 4000 },
    { kind: 'slow-service', attempts: 1, status: 0, ms: 7000, heldMs: 4000 },
    { kind: 'slow-service', attempts: 1, status: 504, ms: 510, heldMs: 4000 },
    // Tests 5-7: the same payment charged more than once, delivered again in each way the check has.
    ...(['retry-after-lost-reply', 'retry-after-timeout', 'simultaneous', 'after-restart'] as const).map((delivery): Wire => ({ kind: 'charged-twice', delivery, entries: 2 })),
    { kind: 'charged-twice', delivery: 'retry-after-timeout', entries: 4 },
  ],
  sharedLogs: {
    // The detectors read no logs; these are what a failing gateway or payments service prints anyway.
    gateway: [
      'ERROR [ExceptionsHandler] Cannot read properties of undefined (reading \'pipe\')',
      'TimeoutError: Timeout has occurred',
      'Error: connect ECONNREFUSED 127.0.0.1:40123',
    ].join('\n'),
    payments: [
      'ERROR [RpcExceptionsHandler] ReplyError: ERR syntax error',
      'LOG [Ledger] pay-first: charged 4200',
      'LOG [Ledger] pay-first: seen before, answering with the first charge',
    ].join('\n'),
  },
};
