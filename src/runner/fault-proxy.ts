import net from 'node:net';
import { listenOnLocalhost } from './ports';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import type { EnvVarSpec } from '../catalog/schema';
import type { FaultSettings, ProxiedMessage } from '../harness/faults';

export type { FaultSettings, ProxiedMessage };

const count = z.number().int().min(0).max(1000);

/** What the control server accepts as a proxy's faults (the fields are explained in harness/faults.ts). */
export const faultSettingsSchema = z.strictObject({
  delayMs: z.number().int().min(0).max(60_000).optional(),
  failNext: count.optional(),
  error: z.unknown().optional(),
  afterService: z.boolean().optional(),
  duplicateNext: count.optional(),
}) satisfies z.ZodType<FaultSettings>;

export const DEFAULT_FAULT_ERROR = { status: 'error', message: 'Fault injected by the check: the service is unavailable' };
/** The id given to the second copy of a duplicated request, so that the service's second reply can be told apart and dropped. */
const DUPLICATE_SUFFIX = '~duplicate';
const LOG_LIMIT = 1000;

/** Splits Nest's TCP stream (`<length>#<json>`, the length counted in UTF-16 characters as JsonSocket does) into frames. */
export class FrameDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';

  push(chunk: Buffer): string[] {
    this.buffer += this.decoder.write(chunk);
    const frames: string[] = [];
    for (;;) {
      const hash = this.buffer.indexOf('#');
      if (hash === -1) break;
      const length = Number(this.buffer.slice(0, hash));
      if (!Number.isInteger(length) || length < 0) throw new Error(`not a Nest TCP frame: ${JSON.stringify(this.buffer.slice(0, 40))}`);
      if (this.buffer.length < hash + 1 + length) break;
      frames.push(this.buffer.slice(hash + 1, hash + 1 + length));
      this.buffer = this.buffer.slice(hash + 1 + length);
    }
    return frames;
  }
}

export function encodeFrame(json: string): string {
  return `${json.length}#${json}`;
}

/** One frame of Nest's TCP transport: a request (id, pattern, data), an event (no id), or an answer (id, response or err). */
export interface NestPacket {
  id?: string;
  pattern?: unknown;
  data?: unknown;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

export function parseNestPacket(frame: string): NestPacket | undefined {
  try {
    const value: unknown = JSON.parse(frame);
    return value && typeof value === 'object' ? (value as NestPacket) : undefined;
  } catch {
    return undefined;
  }
}

/** How the proxy treats the replies to one request of one connection. */
interface Pending {
  message: ProxiedMessage;
  /** The service's reply is dropped and the fault's error sent in its place. */
  replaceWith?: unknown;
}

/**
 * A TCP proxy between a learner's Nest client and a Nest TCP service, run by the runner for a check.
 * It reads Nest's frames in both directions, so that the hidden suite can slow the replies, fail
 * requests (before or after the service did the work), deliver a message twice, and read when each
 * request arrived, e.g. to measure retries and their back-off.
 */
export class FaultProxy {
  private faults: FaultSettings = {};
  private messages: ProxiedMessage[] = [];
  private seq = 0;
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly name: string,
    private readonly targetPort: number,
  ) {}

  /** Listens on the loopback addresses (IPv4, and IPv6 where the machine has it) of `port`. */
  async listen(port: number): Promise<void> {
    this.servers.push(...(await listenOnLocalhost(port, (socket) => this.accept(socket))));
  }

  setFaults(settings: FaultSettings): void {
    this.faults = { ...settings };
  }

  /** Removes the faults and forgets the messages seen so far. */
  reset(): void {
    this.faults = {};
    this.messages = [];
  }

  log(): ProxiedMessage[] {
    return this.messages.map((m) => ({ ...m }));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private track(socket: net.Socket): net.Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  }

  private later(ms: number, work: () => void): void {
    if (ms <= 0) return work();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }

  private accept(client: net.Socket): void {
    this.track(client);
    const service = this.track(net.connect({ port: this.targetPort, host: 'localhost', autoSelectFamily: true }));
    const pending = new Map<string, Pending>();
    const fromCaller = new FrameDecoder();
    const fromService = new FrameDecoder();
    // Several frames go out in one write, so that they arrive together (a duplicate lands in the same read).
    const toService = (...jsons: string[]) => {
      if (!service.destroyed) service.write(jsons.map(encodeFrame).join(''));
    };
    const toCaller = (json: string) => {
      if (!client.destroyed) client.write(encodeFrame(json));
    };
    // A connection broken on one side is broken on the other, as a real network would break it.
    client.on('close', () => service.destroy());
    service.on('close', () => client.destroy());

    client.on('data', (chunk: Buffer) => {
      let frames: string[];
      try {
        frames = fromCaller.push(chunk);
      } catch {
        client.destroy();
        return;
      }
      for (const frame of frames) this.fromCaller(frame, pending, toService, toCaller);
    });
    service.on('data', (chunk: Buffer) => {
      let frames: string[];
      try {
        frames = fromService.push(chunk);
      } catch {
        client.destroy();
        return;
      }
      for (const frame of frames) this.fromService(frame, pending, toCaller);
    });
  }

  private record(packet: NestPacket): ProxiedMessage {
    const message: ProxiedMessage = { seq: ++this.seq, id: packet.id, pattern: packet.pattern, data: packet.data, at: Date.now() };
    this.messages.push(message);
    if (this.messages.length > LOG_LIMIT) this.messages.shift();
    return message;
  }

  private fromCaller(frame: string, pending: Map<string, Pending>, toService: (...jsons: string[]) => void, toCaller: (json: string) => void): void {
    const packet = parseNestPacket(frame);
    if (!packet) return toService(frame);
    const message = this.record(packet);
    const faults = this.faults;
    const isRequest = typeof packet.id === 'string' || typeof packet.id === 'number';
    if (isRequest && (faults.failNext ?? 0) > 0) {
      faults.failNext = (faults.failNext ?? 0) - 1;
      const error = faults.error ?? DEFAULT_FAULT_ERROR;
      if (faults.afterService) {
        message.fault = 'failed-after-service';
        pending.set(String(packet.id), { message, replaceWith: error });
        return toService(frame);
      }
      message.fault = 'failed';
      message.reply = { err: error };
      message.repliedAt = Date.now();
      return toCaller(JSON.stringify({ id: packet.id, err: error, isDisposed: true }));
    }
    if (isRequest) pending.set(String(packet.id), { message });
    if ((faults.duplicateNext ?? 0) === 0) return toService(frame);
    faults.duplicateNext = (faults.duplicateNext ?? 0) - 1;
    message.fault = 'duplicated';
    if (!isRequest) return toService(frame, frame);
    const copyId = `${String(packet.id)}${DUPLICATE_SUFFIX}`;
    pending.set(copyId, { message });
    toService(frame, JSON.stringify({ ...packet, id: copyId }));
  }

  private fromService(frame: string, pending: Map<string, Pending>, toCaller: (json: string) => void): void {
    const packet = parseNestPacket(frame);
    const id = packet?.id === undefined ? undefined : String(packet.id);
    const entry = id === undefined ? undefined : pending.get(id);
    // Nest ends a reply with { isDisposed: true }, or with { err } (the "no handler" answer has no isDisposed).
    const last = packet?.isDisposed === true || packet?.err !== undefined;
    // The second copy of a duplicated request: its reply is the service's business, not the caller's.
    if (id?.endsWith(DUPLICATE_SUFFIX)) {
      if (entry && last) {
        entry.message.duplicateRepliedAt = Date.now();
        pending.delete(id);
      }
      return;
    }
    if (!packet || !entry || id === undefined) return this.later(this.faults.delayMs ?? 0, () => toCaller(frame));
    if (entry.replaceWith !== undefined) {
      if (!last) return;
      pending.delete(id);
      entry.message.reply = { err: entry.replaceWith };
      entry.message.repliedAt = Date.now();
      return toCaller(JSON.stringify({ id: packet.id, err: entry.replaceWith, isDisposed: true }));
    }
    if (packet.err !== undefined) entry.message.reply = { err: packet.err };
    else if ('response' in packet) entry.message.reply = { response: packet.response };
    if (last) pending.delete(id);
    this.later(this.faults.delayMs ?? 0, () => {
      if (last) entry.message.repliedAt = Date.now();
      toCaller(frame);
    });
  }
}

/** The proxies an exercise declares (`{ "kind": "proxy", "target": "<PORT_ENV>" }`), by env var name. */
export class FaultProxies {
  private constructor(private readonly proxies: Map<string, FaultProxy>) {}

  /** Starts a proxy on each proxy variable's port, forwarding to the port of its target variable. */
  static async start(specs: Record<string, EnvVarSpec>, env: Record<string, string>): Promise<FaultProxies> {
    const proxies = new Map<string, FaultProxy>();
    const started = new FaultProxies(proxies);
    try {
      for (const [name, spec] of Object.entries(specs)) {
        if (spec.kind !== 'proxy') continue;
        const proxy = new FaultProxy(name, Number(env[spec.target]));
        proxies.set(name, proxy);
        await proxy.listen(Number(env[name]));
      }
    } catch (error) {
      await started.close();
      throw error;
    }
    return started;
  }

  get(name: string): FaultProxy | undefined {
    return this.proxies.get(name);
  }

  /** Removes every proxy's faults and forgets what they saw. */
  reset(): void {
    for (const proxy of this.proxies.values()) proxy.reset();
  }

  async close(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
  }
}
