/**
 * The named mistakes both RabbitMQ exercises (rmq-ack, rmq-dead-letter) share: their users-service has
 * the same layout (rmq-config.ts and main.ts for the consumer, users.module.ts for the audit client,
 * users.controller.ts for the handlers), so each mistake leaves the same evidence in both. Each
 * exercise spreads these into its own detectors and keeps its own order around them.
 */
import { detector, type Detector, type Scene } from './diagnose';
import { handlersInText } from './index';
import { settlingShapes } from './settling';

/** The wire shapes these detectors explain; each exercise's Wire includes them. */
export type RabbitWire =
  /** The consumer's channel or connection was closed by the broker, with its words. */
  | { kind: 'crashed'; line: string }
  /** Every behaviour of one test was right: only a mistake that works on RabbitMQ by accident can be named. */
  | { kind: 'works-on-rabbitmq'; test: 'user_create' | 'user_deleted' };

const SERVICE = 'users-service';
const MODULE = 'users-service/users.module.ts';
const CONTROLLER = 'users-service/users.controller.ts';
/** The files that hold the consumer's own transport options (not the audit client's). */
const TRANSPORT = ['users-service/rmq-config.ts', 'users-service/main.ts'];

/** The consumer's transport options, comment-free. */
export const usersTransportCode = (scene: Scene<unknown>): string => TRANSPORT.map((f) => scene.code(f)).join('\n');
/** The consumer acks by hand (noAck: false). */
export const usersManualAck = (scene: Scene<unknown>): boolean => /\bnoAck\s*:\s*false\b/.test(usersTransportCode(scene));
/** How users-service/ settles its messages. */
export const usersSettling = (scene: Scene<unknown>) => settlingShapes(scene.code(SERVICE));

const crashed = (wire: { kind: string }, line: RegExp): boolean => wire.kind === 'crashed' && line.test((wire as unknown as { line: string }).line);
const worksOn = (wire: { kind: string }, test: string): boolean => wire.kind === 'works-on-rabbitmq' && (wire as unknown as { test: string }).test === test;

function handlerLine(scene: Scene<unknown>, pattern: string, decorator: string): string | false {
  const h = handlersInText(scene.source(CONTROLLER), CONTROLLER).find((d) => d.pattern === pattern && d.decorator === decorator);
  return h ? `${CONTROLLER}:${h.line}: @${h.decorator}(${pattern.startsWith('{') ? "{ cmd: 'users' }" : `'${pattern}'`}) ${h.method}()` : false;
}

/** The channel closed over a settle: settle-all-up-to, ack-with-auto-ack, double-ack, client-no-ack. */
export function settleCrashDetectors<W extends { kind: string }>(): Detector<W>[] {
  return [
    detector<W>({
      mistake: 'settle-all-up-to',
      // A second ack of one delivery gives the same unknown delivery tag: allUpTo in the source is the evidence.
      requires: 'the channel was closed over an unknown delivery tag, and an ack or nack passes allUpTo = true',
      symptom: (wire) => crashed(wire, /unknown delivery tag/),
      evidence: (scene) => usersSettling(scene).allUpTo().join('\n') || false,
    }),
    detector<W>({
      mistake: 'ack-with-auto-ack',
      requires: 'the channel was closed over an unknown delivery tag, the consumer never sets noAck: false, and the code settles messages itself',
      symptom: (wire) => crashed(wire, /unknown delivery tag/),
      evidence: (scene) => !usersManualAck(scene) && usersSettling(scene).settleCalls().length > 0,
    }),
    detector<W>({
      mistake: 'double-ack',
      // noAck: false with an unknown delivery tag is any second settlement; the evidence is a path that settles twice.
      requires: 'the channel was closed over an unknown delivery tag, noAck is false, and a handler settles in a finally block besides its other paths, or twice in a row',
      symptom: (wire) => crashed(wire, /unknown delivery tag/),
      evidence: (scene) => (usersManualAck(scene) && usersSettling(scene).settlesTwice().join('\n')) || false,
    }),
    detector<W>({
      mistake: 'client-no-ack',
      requires: "RabbitMQ refused an ack from the direct reply-to consumer, and the audit client's options in users.module.ts set noAck: false",
      symptom: (wire) => crashed(wire, /reply consumer cannot acknowledge/),
      evidence: (scene) => /\bnoAck\s*:\s*false\b/.test(scene.code(MODULE)),
    }),
  ];
}

/** Right behaviour that holds on RabbitMQ by accident: audit-emit-not-awaited, message-pattern-for-event, event-pattern-for-query. */
export function worksByAccidentDetectors<W extends { kind: string }>(): Detector<W>[] {
  return [
    detector<W>({
      mistake: 'audit-emit-not-awaited',
      requires: "an emit() whose Observable nobody waits for (not inside firstValueFrom/lastValueFrom), though user_create's behaviour was right",
      symptom: (wire) => worksOn(wire, 'user_create'),
      evidence: (scene) => usersSettling(scene).unawaitedEmits().join('\n') || false,
    }),
    detector<W>({
      mistake: 'message-pattern-for-event',
      requires: "user_deleted is bound with @MessagePattern in users.controller.ts, though the event's behaviour was right",
      symptom: (wire) => worksOn(wire, 'user_deleted'),
      evidence: (scene) => handlerLine(scene, 'user_deleted', 'MessagePattern'),
    }),
    detector<W>({
      mistake: 'event-pattern-for-query',
      requires: "{ cmd: 'users' } is bound with @EventPattern in users.controller.ts, though the query was answered",
      symptom: (wire) => worksOn(wire, 'user_deleted'),
      evidence: (scene) => handlerLine(scene, '{"cmd":"users"}', 'EventPattern'),
    }),
  ];
}
