import { decodeBody } from '../recorder';
import { patternText, type Link, type StreamDecoder } from './link';

/** What one trace's MQTT connections share: publishes by topic and payload, Nest requests by their id. */
export class MqttIndex {
  readonly published = new Map<string, number>();
  readonly requests = new Map<string, { seq: number; pattern: string }>();
}

interface Packet {
  type: number;
  flags: number;
  body: Buffer;
}

const CONNECT = 1;
const PUBLISH = 3;
const PUBACK = 4;

/** One direction of an MQTT connection: fixed header (type, flags, a variable-length size), then the packet. */
class MqttReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onPacket: (packet: Packet) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.buffer.length < 2) return;
      let size = 0;
      let at = 1;
      for (let shift = 0; ; shift += 7) {
        if (at >= this.buffer.length) return;
        const byte = this.buffer[at++];
        size += (byte & 0x7f) << shift;
        if ((byte & 0x80) === 0) break;
        if (shift >= 21) throw new Error('not an MQTT packet: its size has more than 4 bytes');
      }
      if (this.buffer.length < at + size) return;
      const packet = { type: this.buffer[0] >> 4, flags: this.buffer[0] & 0x0f, body: this.buffer.subarray(at, at + size) };
      this.buffer = this.buffer.subarray(at + size);
      this.onPacket(packet);
    }
  }
}

/** MQTT 5's properties: a variable-length size, then that many bytes (skipped: the trace shows topic and payload). */
function skipProperties(body: Buffer, at: number): number {
  let size = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = body[at++];
    size += (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
  }
  return at + size;
}

/**
 * MQTT between a party and the broker: each PUBLISH the party sends (topic, QoS, retain, payload),
 * each PUBLISH the broker delivers, and the party's PUBACK of a QoS 1 delivery. Nest's requests
 * (`{ id, pattern, data }` on the pattern's topic) and their answers (on `<topic>/reply`) are linked.
 */
export class MqttDecoder implements StreamDecoder {
  private readonly out = new MqttReader((p) => this.packet(p, 'caller'));
  private readonly in = new MqttReader((p) => this.packet(p, 'broker'));
  private version = 4;
  /** Deliveries to this party awaiting its PUBACK, by packet id. */
  private readonly delivered = new Map<number, { seq: number; pattern: string }>();

  constructor(
    private readonly link: Link,
    private readonly index: MqttIndex,
  ) {}

  fromCaller(chunk: Buffer): void {
    this.out.push(chunk);
  }

  fromTarget(chunk: Buffer): void {
    this.in.push(chunk);
  }

  private packet(p: Packet, sender: 'caller' | 'broker'): void {
    if (p.type === CONNECT && sender === 'caller') {
      // Protocol name (a 2-byte length and "MQTT"), then its level: 4 for 3.1.1, 5 for MQTT 5.
      this.version = p.body[2 + p.body.readUInt16BE(0)] ?? 4;
    } else if (p.type === PUBLISH) {
      this.publish(p, sender);
    } else if (p.type === PUBACK && sender === 'caller') {
      const id = p.body.readUInt16BE(0);
      const delivery = this.delivered.get(id);
      this.delivered.delete(id);
      const { recorder, caller, target } = this.link;
      recorder.add({ from: caller, to: target, transport: 'mqtt', kind: 'ack', pattern: delivery?.pattern, replyTo: delivery?.seq, detail: { packetId: id } });
    }
  }

  private publish(p: Packet, sender: 'caller' | 'broker'): void {
    const qos = (p.flags >> 1) & 0x03;
    const retain = (p.flags & 0x01) === 1;
    let at = 2 + p.body.readUInt16BE(0);
    const topic = p.body.subarray(2, at).toString('utf8');
    let packetId: number | undefined;
    if (qos > 0) {
      packetId = p.body.readUInt16BE(at);
      at += 2;
    }
    if (this.version >= 5) at = skipProperties(p.body, at);
    const raw = p.body.subarray(at);
    const payload = decodeBody(raw);
    const envelope = payload && typeof payload === 'object' ? (payload as { id?: unknown; pattern?: unknown; response?: unknown; err?: unknown }) : undefined;
    const isReply = topic.endsWith('/reply') && envelope?.id !== undefined;
    const request = isReply ? this.index.requests.get(String(envelope?.id)) : undefined;
    const pattern = request?.pattern ?? (envelope?.pattern !== undefined ? (patternText(envelope.pattern) ?? topic) : topic);
    const detail: Record<string, unknown> = { topic, qos, ...(retain ? { retain: true } : {}), ...(packetId !== undefined ? { packetId } : {}) };
    if (isReply) detail.reply = true;
    else if (envelope?.id !== undefined && envelope.pattern !== undefined) detail.replyTo = `${topic}/reply`;
    const { recorder, caller, target } = this.link;
    const key = `${topic}\n${raw.toString('latin1')}`;
    if (sender === 'caller') {
      const seq = recorder.add({ from: caller, to: target, transport: 'mqtt', kind: 'publish', pattern, payload, replyTo: request?.seq, detail });
      this.index.published.set(key, seq);
      if (detail.replyTo !== undefined) this.index.requests.set(String(envelope?.id), { seq, pattern });
    } else {
      const seq = recorder.add({ from: target, to: caller, transport: 'mqtt', kind: 'deliver', pattern, payload, replyTo: this.index.published.get(key), detail });
      if (packetId !== undefined && qos === 1) this.delivered.set(packetId, { seq, pattern });
    }
  }
}
