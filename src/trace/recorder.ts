import { TRACE_VERSION, type Participant, type Trace, type TraceEvent, type TraceTest } from './model';

/** Events kept per trace; the rest are counted in `dropped`. */
export const EVENT_LIMIT = 5000;
/** A payload's JSON text is cut at this many characters (64 KiB). */
export const PAYLOAD_LIMIT = 64 * 1024;

export type NewEvent = Omit<TraceEvent, 'seq' | 'atMs'> & { atMs?: number };

/**
 * Collects the events of one check or run as the recording proxies decode them. Every proxy of a
 * check shares one recorder, so that seq and atMs order the messages of all parties on one clock.
 */
export class TraceRecorder {
  readonly startedAt = Date.now();
  private readonly events: TraceEvent[] = [];
  private readonly bySeq = new Map<number, TraceEvent>();
  private readonly participants = new Map<string, Participant>();
  private seq = 0;
  private dropped = 0;

  constructor(readonly exercise: string, readonly source: Trace['source']) {}

  participant(id: string, kind: Participant['kind'], label = id): void {
    if (!this.participants.has(id)) this.participants.set(id, { id, label, kind });
  }

  now(): number {
    return Date.now() - this.startedAt;
  }

  /** Records an event and returns its seq (the seq it would have had when it was dropped). */
  add(event: NewEvent): number {
    const seq = ++this.seq;
    if (this.events.length >= EVENT_LIMIT) {
      this.dropped++;
      return seq;
    }
    const { atMs, payload, ...rest } = event;
    const kept: TraceEvent = { seq, atMs: atMs ?? this.now(), ...rest };
    if (payload !== undefined) kept.payload = capPayload(payload);
    this.events.push(kept);
    this.bySeq.set(seq, kept);
    return seq;
  }

  /** The event with this seq, to add what was learnt later (a reply's duration). */
  get(seq: number): TraceEvent | undefined {
    return this.bySeq.get(seq);
  }

  toTrace(extra: { status?: Trace['status']; tests?: TraceTest[] } = {}): Trace {
    return {
      version: TRACE_VERSION,
      exercise: this.exercise,
      startedAt: new Date(this.startedAt).toISOString(),
      source: this.source,
      ...(extra.status ? { status: extra.status } : {}),
      participants: [...this.participants.values()],
      events: [...this.events].sort((a, b) => a.seq - b.seq),
      ...(extra.tests ? { tests: extra.tests } : {}),
      ...(this.dropped ? { dropped: this.dropped } : {}),
    };
  }
}

/** A payload whose JSON text is longer than the limit is kept as the start of that text, marked as cut. */
export function capPayload(payload: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch {
    return String(payload);
  }
  if (text === undefined || text.length <= PAYLOAD_LIMIT) return payload;
  return `${text.slice(0, PAYLOAD_LIMIT)}… (${text.length - PAYLOAD_LIMIT} more characters)`;
}

/** A message body as a JSON value when it is JSON, else as text. */
export function decodeBody(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
