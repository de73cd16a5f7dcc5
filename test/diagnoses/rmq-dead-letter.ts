/**
 * What the rmq-dead-letter check can observe when a test fails, for test/unit/diagnoses.test.ts:
 * every symptom its flow hands to `diagnose`, each one shared by several mistakes (no reply or an
 * error reply after a retry, a wrong count of attempts, an unknown delivery tag), and the log lines
 * any crash of the service leaves.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/rmq-dead-letter/checks/diagnoses';

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'declare-refused', errorText: "Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message \"PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'dl-users-1a2b3c4d' in vhost '/': received 'true' but current is 'false'\"" },
    { kind: 'declare-refused', errorText: "Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message \"PRECONDITION_FAILED - inequivalent arg 'x-dead-letter-exchange' for queue 'dl-users-1a2b3c4d' in vhost '/': received the value '' of type 'longstr' but current is none\"" },
    { kind: 'dead-letter-queue-absent' },
    { kind: 'crashed', line: 'Error: Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - unknown delivery tag 7"' },
    { kind: 'crashed', line: 'Error: Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - reply consumer cannot acknowledge"' },
    { kind: 'works-on-rabbitmq', test: 'user_create' },
    { kind: 'works-on-rabbitmq', test: 'user_deleted' },
    { kind: 'retried-answer', reply: 'none' },
    { kind: 'retried-answer', reply: 'error' },
    { kind: 'poison-attempts', attempts: 31 },
    { kind: 'poison-attempts', attempts: 2000 },
    { kind: 'dead-lettered-after', attempts: 4, expected: 3 },
    { kind: 'dead-lettered-after', attempts: 2, expected: 3 },
    { kind: 'dead-lettered-after', attempts: 1, expected: 3 },
  ],
  sharedLogs: {
    users: [
      'WARN [Delivery] user_create: attempt 1 failed, queued attempt 2',
      'ERROR [RpcExceptionsHandler] user_create gave up: user_create poison@example.com: poison message, attempt 3 failed',
      'ERROR [Delivery] user_create: failed, rejected without requeue',
      'Error: Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - unknown delivery tag 7"',
    ].join('\n'),
  },
};
