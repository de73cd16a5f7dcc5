/**
 * What the terminal diagram and the HTML page draw alike: which events a view shows (all, or one
 * test's window), which lifelines, and how each event looks (line, head, mark, label).
 */
import type { EventKind, Participant, Trace, TraceEvent, TraceTest } from './model';

/** The colour family of an arrow: what kind of message it is at a glance. */
export type Tone = 'request' | 'reply' | 'error' | 'event' | 'ack' | 'nack' | 'dead' | 'other';

export interface ArrowLook {
  /** Replies, errors and statuses are dashed, like a return arrow in UML. */
  dashed: boolean;
  /** An event (fire and forget) has an open head, a request a filled one. */
  openHead: boolean;
  tone: Tone;
  /** A mark before the label: ✓ ack, ✗ nack / reject / error, ↺ requeue or redelivery, ⊘ dead-letter. */
  mark?: string;
}

const detailOf = (e: TraceEvent, key: string): unknown => e.detail?.[key];

/** The events of a trace by seq: what a broker's delivery is looked up in to know what it carries. */
export type BySeq = ReadonlyMap<number, TraceEvent>;
export const bySeq = (trace: Trace): BySeq => new Map(trace.events.map((e) => [e.seq, e]));

/**
 * What a message through a broker is: a reply (published back to the requester), a request (its
 * publisher waits: a reply-to address), or else an event. A delivery is what was published.
 */
function brokerRole(e: TraceEvent, events: BySeq, depth = 0): 'reply' | 'request' | 'event' {
  if (e.kind === 'deliver') {
    const published = e.replyTo === undefined ? undefined : events.get(e.replyTo);
    return published && published.kind === 'publish' && depth < 3 ? brokerRole(published, events, depth + 1) : 'request';
  }
  if (detailOf(e, 'reply') === true) return 'reply';
  return detailOf(e, 'replyTo') !== undefined ? 'request' : 'event';
}

export function arrowLook(e: TraceEvent, events: BySeq = new Map()): ArrowLook {
  const requeued = detailOf(e, 'requeue') === true;
  const viaBroker = (): ArrowLook => {
    const role = brokerRole(e, events);
    const mark = detailOf(e, 'redelivered') === true ? '↺' : undefined;
    if (role === 'reply') return { dashed: true, openHead: false, tone: 'reply', mark };
    return role === 'event' ? { dashed: false, openHead: true, tone: 'event', mark } : { dashed: false, openHead: false, tone: 'request', mark };
  };
  const looks: Record<EventKind, () => ArrowLook> = {
    request: () => ({ dashed: false, openHead: false, tone: 'request' }),
    publish: viaBroker,
    deliver: viaBroker,
    'stream-item': () => ({ dashed: false, openHead: false, tone: 'request' }),
    reply: () => ({ dashed: true, openHead: false, tone: 'reply' }),
    status: () => ({ dashed: true, openHead: false, tone: detailOf(e, 'code') === 0 || detailOf(e, 'code') === undefined ? 'reply' : 'error' }),
    error: () => ({ dashed: true, openHead: false, tone: 'error', mark: '✗' }),
    event: () => ({ dashed: false, openHead: true, tone: 'event' }),
    ack: () => ({ dashed: true, openHead: false, tone: 'ack', mark: '✓' }),
    nack: () => ({ dashed: true, openHead: false, tone: 'nack', mark: requeued ? '✗↺' : '✗' }),
    reject: () => ({ dashed: true, openHead: false, tone: 'nack', mark: requeued ? '✗↺' : '✗' }),
    'dead-letter': () => ({ dashed: false, openHead: false, tone: 'dead', mark: '⊘' }),
    connect: () => ({ dashed: true, openHead: true, tone: 'other' }),
    close: () => ({ dashed: true, openHead: true, tone: 'other' }),
  };
  return looks[e.kind]?.() ?? { dashed: false, openHead: false, tone: 'other' };
}

/**
 * The part of a payload worth a label: Nest's own envelope around it on brokers ({ pattern, data, id }
 * of a message, { response, isDisposed } or { err } of an answer) is left out. The page shows it all.
 */
export function labelPayload(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const keys = Object.keys(payload);
  const o = payload as Record<string, unknown>;
  if ('pattern' in o && 'data' in o && keys.every((k) => ['pattern', 'data', 'id'].includes(k))) return o.data;
  if ('err' in o && o.err !== undefined && o.err !== null && keys.every((k) => ['err', 'response', 'isDisposed', 'id', 'status'].includes(k))) return o.err;
  if ('response' in o && keys.every((k) => ['response', 'isDisposed', 'id', 'err', 'status'].includes(k))) return o.response;
  return payload;
}

/** One line of JSON, control characters escaped (learner data never moves a terminal's cursor). */
export function compactJson(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Text safe to print: control characters (escape sequences, newlines) shown as \uXXXX. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The words on an arrow: mark, what it is (pattern, topic, ack #tag …), then the payload as one-line JSON. */
export function eventLabel(e: TraceEvent, events: BySeq = new Map()): string {
  const look = arrowLook(e, events);
  const tag = detailOf(e, 'deliveryTag');
  const parts: string[] = [];
  if (look.mark) parts.push(look.mark);
  switch (e.kind) {
    case 'ack':
    case 'nack':
    case 'reject':
      parts.push(tag === undefined ? e.kind : `${e.kind} #${String(tag)}`);
      if (e.pattern) parts.push(e.pattern);
      if (e.kind !== 'ack') parts.push(detailOf(e, 'requeue') === true ? 'requeue' : 'no requeue');
      break;
    case 'dead-letter':
      parts.push('dead-letter');
      if (e.pattern) parts.push(e.pattern);
      break;
    case 'status':
      parts.push(`status ${String(detailOf(e, 'code') ?? '')}`.trim());
      break;
    case 'connect':
    case 'close':
      parts.push(e.kind);
      if (e.pattern) parts.push(e.pattern);
      break;
    default:
      if (e.pattern) parts.push(e.pattern);
  }
  const payload = compactJson(labelPayload(e.payload));
  if (payload) parts.push(payload);
  if (e.durationMs !== undefined && (e.kind === 'reply' || e.kind === 'error' || e.kind === 'status')) parts.push(`(${e.durationMs} ms)`);
  return printable(parts.join(' '));
}

/** The tests a trace has, numbered from 1 in the suite's order. */
export function numberedTests(trace: Trace): { number: number; test: TraceTest }[] {
  return (trace.tests ?? []).map((test, i) => ({ number: i + 1, test }));
}

/** The test named by `selector`: its 1-based number, its exact name, or else the one whose name contains it. */
export function findTest(trace: Trace, selector: string): { number: number; test: TraceTest } | undefined {
  const tests = numberedTests(trace);
  const s = selector.trim();
  if (/^\d+$/.test(s)) return tests[Number(s) - 1];
  const lower = s.toLowerCase();
  return tests.find((x) => x.test.name === s) ?? tests.find((x) => x.test.name.toLowerCase().includes(lower));
}

export function eventsOfTest(trace: Trace, test: TraceTest): TraceEvent[] {
  return trace.events.filter((e) => e.atMs >= test.startMs && e.atMs <= test.endMs);
}

/**
 * The lifelines of a view: every participant of the trace, in its order, then any id an event names
 * that the trace does not list. All of them even in one test's view: a lifeline no arrow reaches is
 * the picture of a message that never arrived.
 */
export function lifelines(trace: Trace, events: TraceEvent[]): Participant[] {
  const unknown = [...new Set(events.flatMap((e) => [e.from, e.to]))].filter((id) => !trace.participants.some((p) => p.id === id));
  return [...trace.participants, ...unknown.map((id): Participant => ({ id, label: id, kind: 'service' }))];
}
