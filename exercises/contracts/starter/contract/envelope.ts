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
    // TODO(1): build the envelope: `type` from the packet's pattern, `v` from this.versions (a type
    //          with no version there is a bug of the producer: throw), `body` from the packet's data.
    throw new Error(`EnvelopeSerializer is not written yet (packet ${JSON.stringify(packet)})`);
  }
}

/** Consumer side: an envelope becomes the packet Nest routes; the version travels as metadata. */
export class EnvelopeDeserializer implements Deserializer<unknown, IncomingEvent> {
  deserialize(value: unknown): IncomingEvent {
    // TODO(2): return the packet Nest expects from a consumer's deserializer: the pattern, the data
    //          the handler receives (the body), and the version in `metadata` (its values are strings).
    throw new Error(`EnvelopeDeserializer is not written yet (message ${JSON.stringify(value)})`);
  }
}
