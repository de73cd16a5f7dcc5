import { Deserializer, IncomingEvent, OutgoingEvent, Serializer } from '@nestjs/microservices';

/**
 * What travels on the wire, as agreed with every team that reads orders (not all of them use Nest):
 * `type` names the message, `v` is the version of `body`'s shape.
 */
export interface Envelope {
  type: string;
  v: number;
  body: unknown;
}

/** Producer side: Nest's packet { pattern, data } becomes an envelope. */
export class EnvelopeSerializer implements Serializer<OutgoingEvent, Envelope> {
  /** `versions`: which version of each message type this producer writes. */
  constructor(private readonly versions: Record<string, number>) {}

  serialize(packet: OutgoingEvent): Envelope {
    const type = String(packet.pattern);
    const v = this.versions[type];
    if (v === undefined) throw new Error(`No contract version for ${type}`);
    return { type, v, body: packet.data };
  }
}

/** Consumer side: an envelope becomes the packet Nest routes; the version travels as metadata. */
export class EnvelopeDeserializer implements Deserializer<unknown, IncomingEvent> {
  deserialize(value: unknown): IncomingEvent {
    const envelope = value as Envelope;
    return envelope.body as IncomingEvent;
  }
}
