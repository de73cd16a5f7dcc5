import { decodeBody } from '../recorder';
import type { Link, StreamDecoder } from './link';

/** One HTTP/1.1 message (a request or a response) as read off the wire. */
export interface HttpMessage {
  /** "GET /stock HTTP/1.1" or "HTTP/1.1 200 OK". */
  startLine: string;
  headers: Record<string, string>;
  body: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** Bodies longer than this are read past, not kept (the trace caps payloads anyway). */
const BODY_KEEP = 256 * 1024;

/**
 * Splits one direction of an HTTP/1.1 connection into messages: a head, then a body framed by
 * Content-Length or chunked encoding. `bodyless` says when a message has no body whatever its
 * headers say (a response to HEAD, 1xx, 204, 304).
 */
export class HttpStreamParser {
  private buffer: Buffer = Buffer.alloc(0);
  private current?: { startLine: string; headers: Record<string, string>; body: Buffer[]; kept: number; remaining: number; chunked: boolean; untilClose: boolean };
  /** Set once the connection switched protocols (an upgrade): nothing after it is HTTP/1.1. */
  stopped = false;

  constructor(
    private readonly onMessage: (message: HttpMessage) => void,
    private readonly bodyless: (startLine: string) => boolean = () => false,
    private readonly bodyUntilClose = false,
  ) {}

  push(chunk: Buffer): void {
    if (this.stopped) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.current) {
        const end = this.buffer.indexOf(HEAD_END);
        if (end === -1) return;
        const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
        this.buffer = this.buffer.subarray(end + 4);
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const startLine = lines[0] ?? '';
        const chunked = /\bchunked\b/i.test(headers['transfer-encoding'] ?? '');
        const length = Number(headers['content-length'] ?? (chunked ? 0 : NaN));
        const none = this.bodyless(startLine);
        this.current = { startLine, headers, body: [], kept: 0, remaining: none ? 0 : Number.isFinite(length) ? length : 0, chunked: !none && chunked, untilClose: !none && !chunked && !Number.isFinite(length) && this.bodyUntilClose };
        if (/^HTTP\/1\.\d 101/.test(startLine) || /^CONNECT /.test(startLine)) {
          this.finish();
          this.stopped = true;
          return;
        }
      }
      const message = this.current;
      if (message.untilClose) {
        this.take(this.buffer.length);
        return;
      }
      if (message.chunked) {
        if (!this.readChunks()) return;
      } else {
        const n = Math.min(message.remaining, this.buffer.length);
        this.take(n);
        message.remaining -= n;
        if (message.remaining > 0) return;
      }
      this.finish();
    }
  }

  /** The connection closed: a response read until close is complete now. */
  end(): void {
    if (this.current?.untilClose) this.finish();
  }

  private take(n: number): void {
    const message = this.current!;
    const part = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    if (message.kept < BODY_KEEP) {
      message.body.push(part);
      message.kept += part.length;
    }
  }

  /** Reads whole chunks; true once the last (zero-length) chunk and its trailer are read. */
  private readChunks(): boolean {
    const message = this.current!;
    for (;;) {
      if (message.remaining > 0) {
        // Data of the chunk, then its CRLF.
        if (this.buffer.length < message.remaining + 2) return false;
        this.take(message.remaining);
        this.buffer = this.buffer.subarray(2);
        message.remaining = 0;
      }
      const lineEnd = this.buffer.indexOf('\r\n');
      if (lineEnd === -1) return false;
      const size = parseInt(this.buffer.subarray(0, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size)) throw new Error('bad chunk size');
      if (size === 0) {
        // The last chunk's line ends the trailer's header lines (usually none), then an empty line.
        const end = this.buffer.indexOf('\r\n\r\n', lineEnd);
        if (end === -1) return false;
        this.buffer = this.buffer.subarray(end + 4);
        return true;
      }
      this.buffer = this.buffer.subarray(lineEnd + 2);
      message.remaining = size;
    }
  }

  private finish(): void {
    const message = this.current!;
    this.current = undefined;
    this.onMessage({ startLine: message.startLine, headers: message.headers, body: Buffer.concat(message.body) });
  }
}

/**
 * HTTP/1.1 between a caller (the suite, a browser, curl) and a service: each request ("POST /orders"
 * with its JSON body) and its response (status and body). Responses come in the order of the
 * requests on a connection, so they are matched first in, first out.
 */
export class HttpDecoder implements StreamDecoder {
  private readonly waiting: { seq: number; pattern: string; method: string; at: number }[] = [];
  private readonly requests: HttpStreamParser;
  private readonly responses: HttpStreamParser;

  constructor(private readonly link: Link) {
    this.requests = new HttpStreamParser((m) => this.request(m));
    this.responses = new HttpStreamParser(
      (m) => this.response(m),
      (startLine) => {
        const status = Number(startLine.split(' ')[1]);
        return this.waiting[0]?.method === 'HEAD' || (status >= 100 && status < 200 && status !== 101) || status === 204 || status === 304;
      },
      true,
    );
  }

  fromCaller(chunk: Buffer): void {
    this.requests.push(chunk);
  }

  fromTarget(chunk: Buffer): void {
    this.responses.push(chunk);
  }

  closed(): void {
    this.responses.end();
  }

  private request(message: HttpMessage): void {
    const { recorder, caller, target } = this.link;
    const [method = '', url = ''] = message.startLine.split(' ');
    const pattern = `${method} ${url}`;
    const seq = recorder.add({ from: caller, to: target, transport: 'http', kind: 'request', pattern, payload: decodeBody(message.body) });
    this.waiting.push({ seq, pattern, method, at: recorder.now() });
  }

  private response(message: HttpMessage): void {
    const status = Number(message.startLine.split(' ')[1]);
    // An interim answer (100 Continue) is not the answer.
    if (status >= 100 && status < 200) return;
    const request = this.waiting.shift();
    if (!request) return;
    const { recorder, caller, target } = this.link;
    recorder.add({
      from: target,
      to: caller,
      transport: 'http',
      kind: status >= 400 ? 'error' : 'reply',
      pattern: request.pattern,
      payload: decodeBody(message.body),
      replyTo: request.seq,
      durationMs: recorder.now() - request.at,
      detail: { status },
    });
  }
}
