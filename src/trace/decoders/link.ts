import type { TraceRecorder } from '../recorder';

/** Who talks to whom over one proxied connection, and where its events go. */
export interface Link {
  recorder: TraceRecorder;
  /** Participant id of the party that opened the connection. */
  caller: string;
  /** Participant id of the service or broker behind the proxy. */
  target: string;
}

/**
 * Reads one connection's bytes in both directions and records what they mean. The proxy forwards
 * the bytes untouched whatever a decoder does: a decoder that throws is simply switched off.
 */
export interface StreamDecoder {
  fromCaller(chunk: Buffer): void;
  fromTarget(chunk: Buffer): void;
  /** The connection is over (either side closed it). */
  closed?(): void;
}

/** The Nest pattern as the diagram prints it: a string as is, an object as its JSON text. */
export function patternText(pattern: unknown): string | undefined {
  if (pattern === undefined) return undefined;
  return typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
}
