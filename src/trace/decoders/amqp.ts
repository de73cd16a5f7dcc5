import path from 'node:path';
import { requirePackageDir } from '../../paths';
import { decodeBody } from '../recorder';
import type { Link, StreamDecoder } from './link';

/**
 * amqplib's own frame codec (lib/frame.js: frame splitting, method and property decoding), loaded
 * by path because the package does not export it: the client and this decoder read AMQP the same way.
 */
interface RawFrame {
  type: number;
  channel: number;
  size: number;
  payload: Buffer;
  rest: Buffer;
}
interface DecodedFrame {
  id?: number;
  channel?: number;
  size?: number;
  fields?: Record<string, unknown>;
  content?: Buffer;
}
interface AmqpFrameCodec {
  parseFrame(bin: Buffer, max: number): RawFrame | false;
  decodeFrame(frame: RawFrame): DecodedFrame;
}
let codec: AmqpFrameCodec | undefined;
function frameCodec(): AmqpFrameCodec {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  codec ??= require(path.join(requirePackageDir('amqplib'), 'lib', 'frame.js')) as AmqpFrameCodec;
  return codec;
}

/** Method ids: class id << 16 | method id (AMQP 0-9-1). */
const M = {
  channelOpen: (20 << 16) | 10,
  basicConsume: (60 << 16) | 20,
  basicConsumeOk: (60 << 16) | 21,
  basicPublish: (60 << 16) | 40,
  basicDeliver: (60 << 16) | 60,
  basicGetOk: (60 << 16) | 71,
  basicAck: (60 << 16) | 80,
  basicReject: (60 << 16) | 90,
  basicNack: (60 << 16) | 120,
};
const FRAME_METHOD = 1;
const FRAME_HEADER = 2;
const FRAME_BODY = 3;
const PROTOCOL_HEADER_BYTES = 8;

/** A message in the making: a method frame, then a header frame with the size, then body frames. */
interface Content {
  method: number;
  fields: Record<string, unknown>;
  properties?: Record<string, unknown>;
  size?: number;
  parts: Buffer[];
  received: number;
}

/** One direction of an AMQP connection, split into frames and reassembled into methods with their content. */
class AmqpReader {
  private buffer: Buffer = Buffer.alloc(0);
  private skip: number;
  private readonly content = new Map<number, Content>();

  constructor(
    withProtocolHeader: boolean,
    private readonly onMethod: (channel: number, method: number, fields: Record<string, unknown>) => void,
    private readonly onContent: (channel: number, content: Content) => void,
  ) {
    this.skip = withProtocolHeader ? PROTOCOL_HEADER_BYTES : 0;
  }

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (this.skip > 0) {
      const n = Math.min(this.skip, this.buffer.length);
      this.buffer = this.buffer.subarray(n);
      this.skip -= n;
    }
    const { parseFrame, decodeFrame } = frameCodec();
    for (;;) {
      const frame = parseFrame(this.buffer, 0);
      if (!frame) return;
      this.buffer = frame.rest;
      if (frame.type === FRAME_METHOD) {
        const decoded = decodeFrame(frame);
        const method = decoded.id ?? 0;
        const fields = decoded.fields ?? {};
        if (method === M.basicPublish || method === M.basicDeliver || method === M.basicGetOk) {
          this.content.set(frame.channel, { method, fields, parts: [], received: 0 });
        } else this.onMethod(frame.channel, method, fields);
      } else if (frame.type === FRAME_HEADER) {
        const message = this.content.get(frame.channel);
        if (!message) continue;
        const decoded = decodeFrame(frame);
        message.properties = decoded.fields;
        message.size = decoded.size ?? 0;
        if (message.size === 0) this.complete(frame.channel, message);
      } else if (frame.type === FRAME_BODY) {
        const message = this.content.get(frame.channel);
        if (!message) continue;
        message.parts.push(frame.payload);
        message.received += frame.payload.length;
        if (message.received >= (message.size ?? 0)) this.complete(frame.channel, message);
      }
    }
  }

  private complete(channel: number, message: Content): void {
    this.content.delete(channel);
    this.onContent(channel, message);
  }
}

/** What one trace's AMQP connections share: publishes by body, requests by correlation id. */
export class AmqpIndex {
  readonly published = new Map<string, number>();
  /** A Nest request's correlation id → its publish and pattern, so that the answer is named like the question. */
  readonly requests = new Map<string, { seq: number; pattern: string }>();
}

/** Nest's RMQ answer: `{ id, response | err, isDisposed }`, sent to the caller's reply queue. */
function isNestReply(body: unknown): boolean {
  return !!body && typeof body === 'object' && !('pattern' in body) && ('response' in body || 'err' in body || 'isDisposed' in body);
}

/** What the diagram names a message by: the Nest pattern inside a Nest message (a reply by its request's), else the routing key. */
function patternOf(body: unknown, routingKey: string, request?: { pattern: string }): string {
  if (request && isNestReply(body)) return request.pattern;
  if (body && typeof body === 'object' && 'pattern' in body) {
    const pattern = (body as { pattern: unknown }).pattern;
    return typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  }
  return routingKey;
}

/** The same message published once and delivered later (perhaps through another connection) has the same body. */
function bodyKey(body: Buffer): string {
  return body.length > 2048 ? `${body.length}:${body.subarray(0, 2048).toString('latin1')}` : body.toString('latin1');
}

interface Delivered {
  seq: number;
  pattern: string;
  queue?: string;
}

/**
 * AMQP 0-9-1 between a party and RabbitMQ: basic.publish (exchange, routing key, body),
 * basic.deliver and basic.get-ok (consumer tag → queue, delivery tag, redelivered), basic.ack,
 * basic.nack and basic.reject mapped back to the delivery they settle (delivery tags are per channel),
 * and dead-lettering, which RabbitMQ records in a message's x-death header.
 */
export class AmqpDecoder implements StreamDecoder {
  private readonly toBroker: AmqpReader;
  private readonly fromBroker: AmqpReader;
  /** Per channel: the queues of basic.consume calls awaiting their consume-ok (in order). */
  private readonly consuming = new Map<number, string[]>();
  private readonly queueOfTag = new Map<string, string>();
  /** Per channel: the deliveries not settled yet, by delivery tag. */
  private readonly unsettled = new Map<number, Map<number, Delivered>>();

  constructor(
    private readonly link: Link,
    private readonly index: AmqpIndex,
  ) {
    this.toBroker = new AmqpReader(true, (ch, m, f) => this.callerMethod(ch, m, f), (ch, c) => this.publish(ch, c));
    this.fromBroker = new AmqpReader(false, (ch, m, f) => this.brokerMethod(ch, m, f), (ch, c) => this.deliver(ch, c));
  }

  fromCaller(chunk: Buffer): void {
    this.toBroker.push(chunk);
  }

  fromTarget(chunk: Buffer): void {
    this.fromBroker.push(chunk);
  }

  private callerMethod(channel: number, method: number, fields: Record<string, unknown>): void {
    if (method === M.channelOpen) {
      // A channel number used again starts afresh: its delivery tags count from 1 again.
      this.unsettled.delete(channel);
      this.consuming.delete(channel);
    } else if (method === M.basicConsume) {
      const queues = this.consuming.get(channel) ?? [];
      queues.push(String(fields.queue ?? ''));
      this.consuming.set(channel, queues);
    } else if (method === M.basicAck || method === M.basicNack || method === M.basicReject) {
      this.settle(channel, method, fields);
    }
  }

  private brokerMethod(channel: number, method: number, fields: Record<string, unknown>): void {
    if (method !== M.basicConsumeOk) return;
    const queue = this.consuming.get(channel)?.shift();
    if (queue !== undefined) this.queueOfTag.set(String(fields.consumerTag), queue);
  }

  private publish(_channel: number, content: Content): void {
    const { recorder, caller, target } = this.link;
    const raw = Buffer.concat(content.parts);
    const body = decodeBody(raw);
    const exchange = String(content.fields.exchange ?? '');
    const routingKey = String(content.fields.routingKey ?? '');
    const properties = content.properties ?? {};
    const correlationId = properties.correlationId === undefined ? undefined : String(properties.correlationId);
    const request = correlationId === undefined || !isNestReply(body) ? undefined : this.index.requests.get(correlationId);
    const pattern = patternOf(body, routingKey, request);
    const seq = recorder.add({
      from: caller,
      to: target,
      transport: 'rmq',
      kind: 'publish',
      pattern,
      payload: body,
      replyTo: request?.seq,
      detail: compact({ exchange, routingKey, persistent: properties.deliveryMode === 2 || undefined, replyTo: properties.replyTo, correlationId, reply: request ? true : undefined }),
    });
    this.index.published.set(bodyKey(raw), seq);
    if (correlationId !== undefined && properties.replyTo !== undefined && !request) this.index.requests.set(correlationId, { seq, pattern });
  }

  private deliver(channel: number, content: Content): void {
    const { recorder, caller, target } = this.link;
    const raw = Buffer.concat(content.parts);
    const body = decodeBody(raw);
    const fields = content.fields;
    const routingKey = String(fields.routingKey ?? '');
    const correlationId = content.properties?.correlationId === undefined ? undefined : String(content.properties.correlationId);
    const pattern = patternOf(body, routingKey, correlationId === undefined ? undefined : this.index.requests.get(correlationId));
    const consumerTag = fields.consumerTag === undefined ? undefined : String(fields.consumerTag);
    const queue = consumerTag === undefined ? undefined : this.queueOfTag.get(consumerTag);
    const publishedAs = this.index.published.get(bodyKey(raw));
    const deaths = xDeath(content.properties);
    if (deaths.length > 0) {
      // RabbitMQ moved this message to a dead-letter exchange before this delivery; x-death says from where and why.
      const last = deaths[0]!;
      recorder.add({
        from: target,
        to: target,
        transport: 'rmq',
        kind: 'dead-letter',
        pattern,
        payload: body,
        replyTo: publishedAs,
        detail: compact({ fromQueue: last.queue, reason: last.reason, count: last.count, exchange: String(fields.exchange ?? ''), routingKey }),
      });
    }
    const deliveryTag = Number(fields.deliveryTag);
    const seq = recorder.add({
      from: target,
      to: caller,
      transport: 'rmq',
      kind: 'deliver',
      pattern,
      payload: body,
      replyTo: publishedAs,
      detail: compact({
        queue,
        deliveryTag,
        redelivered: fields.redelivered === true || undefined,
        exchange: String(fields.exchange ?? ''),
        routingKey,
        consumerTag,
        get: content.method === M.basicGetOk || undefined,
        deadLettered: deaths.length > 0 ? deaths : undefined,
      }),
    });
    const tags = this.unsettled.get(channel) ?? new Map<number, Delivered>();
    tags.set(deliveryTag, { seq, pattern, queue });
    this.unsettled.set(channel, tags);
  }

  private settle(channel: number, method: number, fields: Record<string, unknown>): void {
    const { recorder, caller, target } = this.link;
    const deliveryTag = Number(fields.deliveryTag);
    const multiple = fields.multiple === true;
    const tags = this.unsettled.get(channel) ?? new Map<number, Delivered>();
    // `multiple` settles every delivery up to the tag (0: all of them).
    const settled = [...tags.entries()].filter(([tag]) => (multiple ? deliveryTag === 0 || tag <= deliveryTag : tag === deliveryTag));
    for (const [tag] of settled) tags.delete(tag);
    const own = settled.find(([tag]) => tag === deliveryTag)?.[1] ?? settled.at(-1)?.[1];
    const kind = method === M.basicAck ? 'ack' : method === M.basicNack ? 'nack' : 'reject';
    recorder.add({
      from: caller,
      to: target,
      transport: 'rmq',
      kind,
      pattern: own?.pattern,
      replyTo: own?.seq,
      detail: compact({
        deliveryTag,
        multiple: multiple || undefined,
        requeue: kind === 'ack' ? undefined : fields.requeue !== false,
        queue: own?.queue,
        // A tag this channel never delivered: RabbitMQ closes the channel (PRECONDITION_FAILED – unknown delivery tag).
        unknownTag: settled.length === 0 || undefined,
        settles: multiple ? settled.map(([, d]) => d.seq) : undefined,
      }),
    });
  }
}

interface Death {
  queue?: string;
  reason?: string;
  count?: number;
  exchange?: string;
}

/** The x-death header (newest first) of a dead-lettered message, in plain values. */
function xDeath(properties: Record<string, unknown> | undefined): Death[] {
  const headers = properties?.headers as Record<string, unknown> | undefined;
  const deaths = headers?.['x-death'];
  if (!Array.isArray(deaths)) return [];
  return deaths.map((d: Record<string, unknown>) =>
    compact({ queue: d.queue === undefined ? undefined : String(d.queue), reason: d.reason === undefined ? undefined : String(d.reason), count: d.count === undefined ? undefined : Number(d.count), exchange: d.exchange === undefined ? undefined : String(d.exchange) }),
  );
}

/** Drops the undefined fields, so that the saved JSON stays small. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
