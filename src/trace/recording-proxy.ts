import net from 'node:net';
import { listenOnLocalhost } from '../runner/ports';
import { AmqpDecoder, type AmqpIndex } from './decoders/amqp';
import { HttpDecoder } from './decoders/http';
import { MqttDecoder, type MqttIndex } from './decoders/mqtt';
import type { Link, StreamDecoder } from './decoders/link';
import { NatsDecoder, type NatsIndex } from './decoders/nats';
import { NestTcpDecoder } from './decoders/nest-tcp';
import { RespDecoder } from './decoders/resp';
import { bridgeGrpc, loadGrpcMethods, type GrpcMethods } from './grpc-bridge';
import type { TraceRecorder } from './recorder';
import type { Transport } from './model';

/**
 * What the proxy expects on its port: a service's port carries Nest TCP, HTTP/1.1 or gRPC (told
 * apart by the caller's first bytes; gRPC is passed through an HTTP/2 bridge, see grpc-bridge.ts); a broker's port carries that broker's protocol.
 */
export type ProxyProtocol = 'service' | 'rabbitmq' | 'redis' | 'nats' | 'mqtt';

export interface RecordingProxyOptions {
  recorder: TraceRecorder;
  /** Participant ids: who connects to this proxy, and who is behind it. */
  caller: string;
  target: string;
  protocol: ProxyProtocol;
  targetHost: string;
  targetPort: number;
  /** What the broker proxies of one trace share to link a delivery to its publish (and an answer to its question). */
  shared: { amqp: AmqpIndex; redis: Map<string, number>; nats: NatsIndex; mqtt: MqttIndex };
  /** Where the exercise's .proto files are, to decode gRPC messages (sizes only without it). */
  protoDir?: string;
}

const BROKER_TRANSPORT: Record<Exclude<ProxyProtocol, 'service'>, Transport> = { rabbitmq: 'rmq', redis: 'redis', nats: 'nats', mqtt: 'mqtt' };

/**
 * A TCP proxy in front of one service or broker for one caller, recording what passes. The bytes are
 * forwarded untouched (with the sockets' own back-pressure); decoding only reads them, and a
 * decoder that fails is switched off for that connection rather than disturbing it.
 */
export class RecordingProxy {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private grpcMethods?: GrpcMethods;

  constructor(private readonly options: RecordingProxyOptions) {}

  async listen(port: number): Promise<void> {
    this.servers.push(...(await listenOnLocalhost(port, (socket) => this.accept(socket), { allowHalfOpen: true })));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private track(socket: net.Socket): net.Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.options.protocol !== 'service') return this.forward(client);
    // A service's port: the caller's first bytes tell Nest TCP, HTTP/1.1 and gRPC (HTTP/2) apart.
    client.on('error', () => undefined);
    client.once('data', (first: Buffer) => {
      client.pause();
      client.unshift(first);
      const { recorder, caller, target, targetHost, targetPort } = this.options;
      if (first.subarray(0, 3).toString('latin1') === 'PRI') bridgeGrpc(client, { recorder, caller, target }, targetHost, targetPort, () => (this.grpcMethods ??= loadGrpcMethods(this.options.protoDir)));
      else this.forward(client, first);
    });
  }

  /** Passes the bytes on untouched, recording what a decoder reads of them (`first`: the caller's first bytes, already read on a service's port). */
  private forward(client: net.Socket, first?: Buffer): void {
    const { recorder, caller, target, protocol, targetHost, targetPort } = this.options;
    const link: Link = { recorder, caller, target };
    const upstream = this.track(net.connect({ host: targetHost, port: targetPort, allowHalfOpen: true, autoSelectFamily: true }));
    // A connection broken on one side is broken on the other, as without the proxy.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());

    let decoder: StreamDecoder | undefined;
    let off = false;
    const safely = (work: () => void) => {
      if (off) return;
      try {
        work();
      } catch {
        off = true;
      }
    };
    const brokerTransport = protocol === 'service' ? undefined : BROKER_TRANSPORT[protocol];
    if (brokerTransport) {
      recorder.add({ from: caller, to: target, transport: brokerTransport, kind: 'connect' });
      decoder = protocol === 'rabbitmq' ? new AmqpDecoder(link, this.options.shared.amqp) : protocol === 'redis' ? new RespDecoder(link, this.options.shared.redis) : protocol === 'nats' ? new NatsDecoder(link, this.options.shared.nats) : protocol === 'mqtt' ? new MqttDecoder(link, this.options.shared.mqtt) : undefined;
    }
    if (first) safely(() => (decoder = sniff(first, link)));
    client.on('data', (chunk: Buffer) => safely(() => decoder?.fromCaller(chunk)));
    upstream.on('data', (chunk: Buffer) => safely(() => decoder?.fromTarget(chunk)));
    client.once('close', () => {
      safely(() => decoder?.closed?.());
      if (brokerTransport) recorder.add({ from: caller, to: target, transport: brokerTransport, kind: 'close' });
    });
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

/** The decoder for a service connection, from the caller's first bytes (Nest TCP `<length>#{…}`, or an HTTP/1.1 request line). */
function sniff(first: Buffer, link: Link): StreamDecoder | undefined {
  const head = first.subarray(0, 64).toString('latin1');
  if (/^\d+#/.test(head)) return new NestTcpDecoder(link);
  if (/^[A-Z]+ \S+ HTTP\/1\.[01]\r?\n?/.test(head) || /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /.test(head)) return new HttpDecoder(link);
  return undefined;
}
