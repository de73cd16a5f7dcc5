import { decodeBody } from '../recorder';
import type { Link, StreamDecoder } from './link';

type RespValue = string | number | null | RespValue[] | Error;
const INCOMPLETE = Symbol('incomplete');

/**
 * Reads one RESP value (Redis's protocol, versions 2 and 3) at `offset`; returns it with the offset
 * after it, or INCOMPLETE when the buffer ends first. Maps are read as flat arrays.
 */
function readValue(buf: Buffer, offset: number): { value: RespValue; next: number } | typeof INCOMPLETE {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd === -1) return INCOMPLETE;
  const type = String.fromCharCode(buf[offset]!);
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case '+':
    case '(':
    case ',':
    case '#':
      return { value: line, next: after };
    case '-':
      return { value: new Error(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '_':
      return { value: null, next: after };
    case '$':
    case '=':
    case '!': {
      const length = Number(line);
      if (length < 0) return { value: null, next: after };
      if (buf.length < after + length + 2) return INCOMPLETE;
      return { value: buf.toString('utf8', after, after + length), next: after + length + 2 };
    }
    case '*':
    case '>':
    case '~':
    case '%': {
      const count = Number(line) * (type === '%' ? 2 : 1);
      if (count < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const item = readValue(buf, next);
        if (item === INCOMPLETE) return INCOMPLETE;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      // An inline command ("PING\r\n").
      return { value: buf.toString('utf8', offset, lineEnd).split(' '), next: after };
  }
}

class RespReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onValue: (value: RespValue) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      if (offset >= this.buffer.length) break;
      const read = readValue(this.buffer, offset);
      if (read === INCOMPLETE) break;
      offset = read.next;
      this.onValue(read.value);
    }
    this.buffer = this.buffer.subarray(offset);
  }
}

/**
 * Redis pub/sub between a party and Redis: PUBLISH (channel, message) from the party, and the
 * `message` / `pmessage` pushes Redis sends a subscriber. Other commands are not recorded.
 */
export class RespDecoder implements StreamDecoder {
  private readonly commands = new RespReader((v) => this.command(v));
  private readonly replies = new RespReader((v) => this.reply(v));
  /** Replies are pushes only on a connection that subscribed (else an array reply could look like one). */
  private subscribed = false;

  constructor(
    private readonly link: Link,
    /** The publish of each channel and message, shared by every Redis connection of the trace. */
    private readonly published: Map<string, number>,
  ) {}

  fromCaller(chunk: Buffer): void {
    this.commands.push(chunk);
  }

  fromTarget(chunk: Buffer): void {
    this.replies.push(chunk);
  }

  private command(value: RespValue): void {
    if (!Array.isArray(value) || typeof value[0] !== 'string') return;
    const name = value[0].toUpperCase();
    if (name === 'SUBSCRIBE' || name === 'PSUBSCRIBE' || name === 'SSUBSCRIBE') this.subscribed = true;
    if ((name === 'PUBLISH' || name === 'SPUBLISH') && typeof value[1] === 'string' && typeof value[2] === 'string') {
      const { recorder, caller, target } = this.link;
      const seq = recorder.add({ from: caller, to: target, transport: 'redis', kind: 'publish', pattern: value[1], payload: decodeBody(value[2]) });
      this.published.set(`${value[1]}\n${value[2]}`, seq);
    }
  }

  private reply(value: RespValue): void {
    if (!this.subscribed || !Array.isArray(value) || typeof value[0] !== 'string') return;
    const kind = value[0].toLowerCase();
    const [pattern, channel, message] = kind === 'pmessage' ? [value[1], value[2], value[3]] : kind === 'message' || kind === 'smessage' ? [undefined, value[1], value[2]] : [];
    if (typeof channel !== 'string' || typeof message !== 'string') return;
    const { recorder, caller, target } = this.link;
    recorder.add({
      from: target,
      to: caller,
      transport: 'redis',
      kind: 'deliver',
      pattern: channel,
      payload: decodeBody(message),
      replyTo: this.published.get(`${channel}\n${message}`),
      ...(typeof pattern === 'string' ? { detail: { subscribedPattern: pattern } } : {}),
    });
  }
}
