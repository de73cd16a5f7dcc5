import * as nats from '@nats-io/transport-node';

/** The methods of a NATS message's headers (MsgHdrs in @nats-io/transport-node) used here. */
export interface NatsHeaders {
  /** The header's value; an empty string when the header is absent. Names are case-sensitive. */
  get(name: string): string;
  set(name: string, value: string): void;
  has(name: string): boolean;
}

// @nats-io/transport-node exports headers() at run time, but its type declarations re-export it from
// a subpath that this workspace's TypeScript settings (moduleResolution "node") cannot follow. In a
// project set to "nodenext", write instead: import { headers } from '@nats-io/transport-node'.
/** A new, empty set of NATS headers, for a NatsRecordBuilder. */
export const headers = (nats as unknown as { headers(): NatsHeaders }).headers;
