import { NatsOptions, Transport } from '@nestjs/microservices';

// Every value comes from the environment: the check's NATS server, and a subject root of its own,
// so that two checks running at once never see each other's messages.
export const NATS_URL = process.env.NATS_URL ?? 'nats://localhost:4222';
export const SHIP = process.env.SHIP ?? 'ship';
/** Which process this is: quotes-1, quotes-2, audit-1, … (set by the runner). */
export const INSTANCE_ID = process.env.INSTANCE_ID ?? 'local';

/** The header that carries the caller's request id, on requests and on the events they cause. */
export const REQUEST_ID = 'x-request-id';
/** Published by a quotes instance after each quote it answers. */
export const QUOTE_ISSUED = `${SHIP}.events.quote.issued`;

/** Injection token of the quotes service's client for publishing events. */
export const EVENTS = 'EVENTS';

/** A NATS connection to the check's server; each service adds what it needs. */
export function natsTransport(extra: NatsOptions['options'] = {}): NatsOptions {
  return { transport: Transport.NATS, options: { servers: [NATS_URL], ...extra } };
}
