/**
 * The named mistakes of rmq-ack and the evidence each one requires. The check's flow
 * (rmq-ack.check.ts) decides pass or fail from what RabbitMQ and the service do; when something
 * fails it asks these detectors, through the harness's `diagnose`, whether a known mistake explains
 * it. A symptom (messages left in the queue, a crash line, a count) is shared by several mistakes:
 * a handler that never acks and one that never finishes both leave their messages unacked. So every
 * detector also needs the source's shape, read from the syntax tree of users-service/ (comments and
 * strings never count), that only its mistake leaves. test/unit/diagnoses.test.ts runs them over
 * every fixture.
 */
import { detector, settleCrashDetectors, usersManualAck, usersSettling, usersTransportCode, worksByAccidentDetectors, type Detector, type Scene } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** A producer's assertQueue of USER_QUEUE with the agreed options was refused (the broker's words). */
  | { kind: 'declare-refused'; errorText: string }
  /** The service's log has a line of RabbitMQ closing its channel (an unknown delivery tag, a reply consumer that acks). */
  | { kind: 'crashed'; line: string }
  /** user_create got no answer at all. */
  | { kind: 'no-reply'; pattern: string }
  /** The user_created event reached AUDIT_QUEUE with this deliveryMode (2 is persistent). */
  | { kind: 'audit-mode'; deliveryMode: unknown }
  /** Everything the test measured was right; what is left to look at is code that works only on RabbitMQ. */
  | { kind: 'works-on-rabbitmq'; test: 'user_create' | 'user_deleted' }
  /** A burst of 50 user_create: `answered` replies came, and `waiting` messages still sat in USER_QUEUE. */
  | { kind: 'burst-stalled'; answered: number; waiting: number }
  /** After the service was killed in the middle of the slow message, this many messages came back to USER_QUEUE (1 is right). */
  | { kind: 'returned-after-kill'; returned: number }
  /** Slow messages worked on at once before the first was done, with the agreed prefetch limit. */
  | { kind: 'in-flight'; together: number; limit: number }
  /** A poison message or event was tried this many times. */
  | { kind: 'poison-attempts'; attempts: number }
  /** After the poison message and event, the service was killed and these came back (all poison or not). */
  | { kind: 'poison-returned'; returned: number; allPoison: boolean };

const transportCode = usersTransportCode;
const manualAck = usersManualAck;
const shapesOf = usersSettling;

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'durable-mismatch',
    // The broker names the flag; the service's own options must say durable: false too (a queue
    // left by another run would give the same words, and the service would not be at fault).
    requires: "the broker refused the producers' declaration over 'durable', and the service's code declares durable: false",
    symptom: (wire) => wire.kind === 'declare-refused' && /inequivalent arg 'durable'/.test(wire.errorText),
    evidence: (scene) => /\bdurable\s*:\s*false\b/.test(transportCode(scene)),
  }),
  ...settleCrashDetectors<Wire>(),
  detector({
    mistake: 'audit-not-persistent',
    // deliveryMode comes from the producer alone: the audit client without persistent: true.
    requires: "the user_created event is not persistent, and the audit client's options in users.module.ts do not set persistent: true",
    symptom: (wire) => wire.kind === 'audit-mode' && wire.deliveryMode !== 2,
    evidence: (scene) => !/\bpersistent\s*:\s*true\b/.test(scene.code('users-service/users.module.ts')),
  }),
  ...worksByAccidentDetectors<Wire>(),
  detector({
    mistake: 'awaits-unanswered-send',
    // A handler stuck on this await never reaches its ack: the messages stay unacked exactly as with
    // a missing ack, so the burst stalls and the kill gives them back. The send() is the evidence.
    requires: 'a handler awaits client.send(…) on the audit client, which nobody answers, before its ack',
    symptom: (wire) => (wire.kind === 'no-reply' && wire.pattern === 'user_create') || wire.kind === 'burst-stalled' || (wire.kind === 'returned-after-kill' && wire.returned > 1) || (wire.kind === 'poison-returned' && wire.returned > 0),
    evidence: (scene) => shapesOf(scene).awaitedSends().join('\n') || false,
  }),
  detector({
    mistake: 'missing-ack',
    // A handler that never finishes (it awaits a reply that never comes, a lock never released)
    // leaves its messages unacked too: only a handler whose success path has no settle call at all,
    // read from the syntax tree, is a missing ack.
    requires: 'messages stayed unacked, and a @MessagePattern/@EventPattern handler has no ack, nack or reject (nor a call of a function that settles) outside its catch blocks',
    symptom: (wire) => wire.kind === 'burst-stalled' || (wire.kind === 'returned-after-kill' && wire.returned > 1),
    evidence: (scene) => shapesOf(scene).handlersWithoutAck().join('\n') || false,
  }),
  detector({
    mistake: 'ack-before-work',
    requires: 'the message in progress was not given back, noAck is false, and a handler settles its message before its first await',
    symptom: (wire) => wire.kind === 'returned-after-kill' && wire.returned === 0,
    evidence: (scene) => (manualAck(scene) && shapesOf(scene).settlesBeforeWork().join('\n')) || false,
  }),
  detector({
    mistake: 'auto-ack-loses-messages',
    // With settle calls in the code, auto-ack crashes on the first ack (ack-with-auto-ack) long before this.
    requires: 'the message in progress was not given back, the consumer never sets noAck: false and the code settles nothing itself',
    symptom: (wire) => wire.kind === 'returned-after-kill' && wire.returned === 0,
    evidence: (scene) => !manualAck(scene) && shapesOf(scene).settleCalls().length === 0,
  }),
  detector({
    mistake: 'no-prefetch-limit',
    // ack-before-work and auto-ack also free the window at once; they set no prefetch to blame. A
    // consumer that never acks is named for that first (missing-ack).
    requires: 'more slow messages ran at once than the limit, prefetchCount is missing from the consumer options or above the limit, and every handler acks',
    symptom: (wire) => wire.kind === 'in-flight' && wire.together > wire.limit,
    evidence: (scene) => {
      if (scene.wire.kind !== 'in-flight') return false;
      const prefetch = /\bprefetchCount\s*:\s*(\d+)/.exec(transportCode(scene));
      return (!prefetch || Number(prefetch[1]) > scene.wire.limit) && shapesOf(scene).handlersWithoutAck().length === 0;
    },
  }),
  detector({
    mistake: 'requeue-forever',
    // Nothing else brings one message back dozens of times in part 1: only a nack or reject that requeues.
    requires: 'a poison message ran away (more than 30 attempts), and a nack or reject requeues (its requeue argument is true or left to its default)',
    symptom: (wire) => wire.kind === 'poison-attempts' && wire.attempts > 30,
    evidence: (scene) => shapesOf(scene).requeues().join('\n') || false,
  }),
  detector({
    mistake: 'failure-not-settled',
    // A handler stuck forever in its error path gives the same unacked poison; a catch with no
    // settle call in it is the evidence.
    requires: 'only poison messages came back after the kill, and a handler that can fail settles nothing in its catch or finally',
    symptom: (wire) => wire.kind === 'poison-returned' && wire.returned > 0 && wire.allPoison,
    evidence: (scene) => shapesOf(scene).failuresUnsettled().join('\n') || false,
  }),
];

