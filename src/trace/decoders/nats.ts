import { decodeBody } from '../recorder';
import type { Link, StreamDecoder } from './link';

/** What one trace's NATS connections share: publishes by subject and payload, requests by their reply subject. */
export class NatsIndex {
  readonly published = new Map<string, number>();
  readonly requests = new Map<string, { seq: number; pattern: string }>();
}

interface NatsMessage {
  verb: string;
  subject: string;
  replyTo?: string;
  payload: Buffer;
}

const CRLF = Buffer.from('\r\n');

/**
 * One direction of a NATS connection (a text protocol): control lines, and for PUB/HPUB/MSG/HMSG a
 * payload of the size the line gives (after the headers, for the H- forms).
 */
class NatsReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onMessage: (message: NatsMessage) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const end = this.buffer.indexOf(CRLF);
      if (end === -1) return;
      const words = this.buffer.subarray(0, end).toString('utf8').trim().split(/\s+/);
      const verb = (words[0] ?? '').toUpperCase();
      if (verb !== 'PUB' && verb !== 'HPUB' && verb !== 'MSG' && verb !== 'HMSG') {
        this.buffer = this.buffer.subarray(end + 2);
        continue;
      }
      const headers = verb.startsWith('H');
      const total = Number(words.at(-1));
      const headerBytes = headers ? Number(words.at(-2)) : 0;
      // PUB <subject> [reply] <n>; MSG <subject> <sid> [reply] <n>; the H- forms add the header size before <n>.
      const fixed = (verb.endsWith('MSG') ? 3 : 2) + (headers ? 2 : 1);
      const replyTo = words.length > fixed ? words[fixed - (headers ? 2 : 1)] : undefined;
      if (this.buffer.length < end + 2 + total + 2) return;
      const payload = this.buffer.subarray(end + 2 + headerBytes, end + 2 + total);
      this.buffer = this.buffer.subarray(end + 2 + total + 2);
      this.onMessage({ verb, subject: words[1] ?? '', replyTo, payload });
    }
  }
}

/**
 * NATS between a party and the server: each PUB (subject, payload, reply subject) and each MSG the
 * server delivers. An answer published to a request's reply subject is named by the request's subject.
 */
export class NatsDecoder implements StreamDecoder {
  private readonly out = new NatsReader((m) => this.publish(m));
  private readonly in = new NatsReader((m) => this.deliver(m));

  constructor(
    private readonly link: Link,
    private readonly index: NatsIndex,
  ) {}

  fromCaller(chunk: Buffer): void {
    this.out.push(chunk);
  }

  fromTarget(chunk: Buffer): void {
    this.in.push(chunk);
  }

  private publish(m: NatsMessage): void {
    const { recorder, caller, target } = this.link;
    const request = this.index.requests.get(m.subject);
    const pattern = request?.pattern ?? m.subject;
    const seq = recorder.add({
      from: caller,
      to: target,
      transport: 'nats',
      kind: 'publish',
      pattern,
      payload: decodeBody(m.payload),
      replyTo: request?.seq,
      detail: { subject: m.subject, ...(m.replyTo ? { replyTo: m.replyTo } : {}) },
    });
    this.index.published.set(`${m.subject}\n${m.payload.toString('latin1')}`, seq);
    if (m.replyTo) this.index.requests.set(m.replyTo, { seq, pattern });
  }

  private deliver(m: NatsMessage): void {
    const { recorder, caller, target } = this.link;
    recorder.add({
      from: target,
      to: caller,
      transport: 'nats',
      kind: 'deliver',
      pattern: this.index.requests.get(m.subject)?.pattern ?? m.subject,
      payload: decodeBody(m.payload),
      replyTo: this.index.published.get(`${m.subject}\n${m.payload.toString('latin1')}`),
      detail: { subject: m.subject, ...(m.replyTo ? { replyTo: m.replyTo } : {}) },
    });
  }
}
