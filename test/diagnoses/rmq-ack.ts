/**
 * What the rmq-ack check can observe when a test fails, for test/unit/diagnoses.test.ts: every
 * symptom its flow hands to `diagnose`, each one shared by several mistakes (messages left unacked by
 * a handler that never acks or by one that never finishes; an unknown delivery tag from a double ack,
 * an ack under auto-ack or allUpTo), and the log lines any crash of the service leaves.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/rmq-ack/checks/diagnoses';

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'declare-refused', errorText: "Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message \"PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'users-1a2b3c4d' in vhost '/': received 'true' but current is 'false'\"" },
    { kind: 'crashed', line: 'Error: Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - unknown delivery tag 7"' },
    { kind: 'crashed', line: 'Error: Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - reply consumer cannot acknowledge"' },
    { kind: 'no-reply', pattern: 'user_create' },
    { kind: 'audit-mode', deliveryMode: 1 },
    { kind: 'audit-mode', deliveryMode: undefined },
    { kind: 'works-on-rabbitmq', test: 'user_create' },
    { kind: 'works-on-rabbitmq', test: 'user_deleted' },
    { kind: 'burst-stalled', answered: 0, waiting: 50 },
    { kind: 'burst-stalled', answered: 2, waiting: 40 },
    { kind: 'returned-after-kill', returned: 0 },
    { kind: 'returned-after-kill', returned: 3 },
    { kind: 'returned-after-kill', returned: 61 },
    { kind: 'in-flight', together: 14, limit: 10 },
    { kind: 'poison-attempts', attempts: 31 },
    { kind: 'poison-attempts', attempts: 2000 },
    { kind: 'poison-returned', returned: 2, allPoison: true },
    { kind: 'poison-returned', returned: 3, allPoison: false },
  ],
  sharedLogs: {
    users: [
      'ERROR [RpcExceptionsHandler] user_create failed: user_create poison@example.com: poison message, attempt 1 failed',
      'ERROR [Delivery] user_create: failed, rejected without requeue',
      'Error: Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - unknown delivery tag 7"',
    ].join('\n'),
  },
};
