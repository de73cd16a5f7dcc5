/**
 * What the nats check can observe when a test fails, for test/unit/diagnoses.test.ts: every symptom
 * its flow hands to `diagnose`, each one shared by several mistakes, and the log lines a crash of a
 * quotes or audit instance leaves whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/nats/checks/diagnoses';

const crash = [
  "ERROR [RpcExceptionsHandler] Cannot read properties of undefined (reading 'get')",
  "TypeError: Cannot read properties of undefined (reading 'split')",
  'Error: There are no subscribers listening to that message ("ship-1a2b.events.quote.issued")',
].join('\n');

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'quote-failed', errorText: 'EmptyError: no elements in sequence' },
    { kind: 'quote-failed', errorText: 'Error: There are no subscribers listening to that message ("ship-1a2b.quote.de")' },
    { kind: 'quote-failed', errorText: 'Error: There are no subscribers listening to that message ("ship-1a2b.events.quote.issued")' },
    { kind: 'quote-failed', errorText: 'no reply within 5000 ms' },
    { kind: 'quote-failed', errorText: 'Internal server error' },
    { kind: 'reply-request-id', requestId: undefined },
    { kind: 'reply-request-id', requestId: '' },
    { kind: 'shared-requests', emptyReplies: 60, answeredBy: [['quotes-1'], ['quotes-2']], unanswered: 0, idle: [] },
    { kind: 'shared-requests', emptyReplies: 0, answeredBy: [['quotes-1', 'quotes-2', 'quotes-3'], ['quotes-2', 'quotes-1']], unanswered: 0, idle: [] },
    { kind: 'shared-requests', emptyReplies: 0, answeredBy: [['quotes-1'], []], unanswered: 1, idle: ['quotes-3'] },
    { kind: 'shared-requests', emptyReplies: 0, answeredBy: [['quotes-1'], ['quotes-1']], unanswered: 0, idle: ['quotes-2', 'quotes-3'] },
    // A queue group, or an audit that runs on audit-1 only: each event once in total.
    { kind: 'audit-events', published: 9, counts: [5, 4], distinct: 9, shallowSeen: true, deepSeen: true, headerlessSeen: true },
    { kind: 'audit-events', published: 9, counts: [9, 0], distinct: 9, shallowSeen: true, deepSeen: true, headerlessSeen: true },
    { kind: 'audit-events', published: 9, counts: [5, 5], distinct: 5, shallowSeen: true, deepSeen: false, headerlessSeen: true },
    { kind: 'audit-events', published: 9, counts: [0, 0], distinct: 0, shallowSeen: false, deepSeen: false, headerlessSeen: false },
    { kind: 'audit-request-id', wrong: 16 },
    { kind: 'quote-issued', reply: '_INBOX.X1Y2Z3', entries: 10, withId: 10 },
    { kind: 'quote-issued', reply: '', entries: 0, withId: 0 },
    { kind: 'quote-issued', reply: '', entries: 20, withId: 0 },
    { kind: 'issued-delivered' },
  ],
  sharedLogs: { 'quotes-1': crash, 'quotes-2': crash, 'quotes-3': crash, 'audit-1': crash, 'audit-2': crash },
};
