import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import { Redis } from 'ioredis';
import { afterEach, expect, test } from 'vitest';
import { encodeFrame, FrameDecoder } from '../../src/runner/fault-proxy';
import { freePort } from '../../src/runner/ports';
import { AmqpIndex } from '../../src/trace/decoders/amqp';
import { MqttIndex } from '../../src/trace/decoders/mqtt';
import { NatsIndex } from '../../src/trace/decoders/nats';
import type { TraceEvent } from '../../src/trace/model';
import { TraceRecorder } from '../../src/trace/recorder';
import { RecordingProxy, type ProxyProtocol } from '../../src/trace/recording-proxy';
import { waitFor } from '../support/wait';

// The decoders read real traffic through a RecordingProxy: a Nest-framed TCP server and an HTTP server
// made here, and the machine's RabbitMQ and Redis (never mocked; unreachable fails the test).
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function proxyTo(recorder: TraceRecorder, protocol: ProxyProtocol, target: string, targetPort: number, targetHost = '127.0.0.1'): Promise<number> {
  const proxy = new RecordingProxy({ recorder, caller: 'caller', target, protocol, targetHost, targetPort, shared: { amqp: new AmqpIndex(), redis: new Map(), nats: new NatsIndex(), mqtt: new MqttIndex() } });
  const port = await freePort();
  await proxy.listen(port);
  closers.push(() => proxy.close());
  return port;
}

const brief = (e: TraceEvent) => `${e.from}>${e.to} ${e.kind} ${e.pattern ?? ''}`.trim();

test('Nest TCP: a frame with an id is a request answered by a reply (or an error), a frame without one is an event', async () => {
  // A service speaking Nest's framing: answers `sum` with the sum, anything else with an error, events with nothing.
  const server = net.createServer((socket) => {
    const frames = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const frame of frames.push(chunk)) {
        const packet = JSON.parse(frame) as { id?: string; pattern: string; data: number[] };
        if (packet.id === undefined) continue;
        const answer = packet.pattern === 'sum' ? { id: packet.id, response: packet.data.reduce((a, b) => a + b, 0), isDisposed: true } : { id: packet.id, err: 'There is no matching message handler defined in the remote service.' };
        socket.write(encodeFrame(JSON.stringify(answer)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const recorder = new TraceRecorder('test', 'check');
  const port = await proxyTo(recorder, 'service', 'math', (server.address() as net.AddressInfo).port);

  const client = net.connect(port, '127.0.0.1');
  closers.push(() => void client.destroy());
  const replies = new FrameDecoder();
  const received: string[] = [];
  client.on('data', (chunk) => received.push(...replies.push(chunk)));
  // Two frames in one write, as Nest's client may send them.
  client.write(encodeFrame(JSON.stringify({ pattern: 'order_created', data: { orderId: 'o-1' } })) + encodeFrame(JSON.stringify({ id: 'r1', pattern: 'sum', data: [1, 2, 3] })));
  client.write(encodeFrame(JSON.stringify({ id: 'r2', pattern: { cmd: 'nope' }, data: [] })));
  await waitFor(async () => received.length === 2, 5000);
  await waitFor(async () => recorder.toTrace().events.length === 5, 5000);

  const events = recorder.toTrace().events;
  expect(events.map(brief)).toEqual(['caller>math event order_created', 'caller>math request sum', 'caller>math request {"cmd":"nope"}', 'math>caller reply sum', 'math>caller error {"cmd":"nope"}']);
  expect(events[0]!.payload).toEqual({ orderId: 'o-1' });
  expect(events[0]!.replyTo).toBeUndefined();
  expect(events[3]).toMatchObject({ payload: 6, replyTo: events[1]!.seq });
  expect(events[4]).toMatchObject({ replyTo: events[2]!.seq });
  // The proxy forwarded the bytes untouched.
  expect(JSON.parse(received[0]!)).toEqual({ id: 'r1', response: 6, isDisposed: true });
});

test('HTTP/1.1: a request with its JSON body, and its response with status and body, on a kept-alive connection', async () => {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Cannot GET /missing' }));
        return;
      }
      // Chunked: no content-length.
      res.writeHead(202, { 'content-type': 'application/json' });
      res.write('{"status":');
      res.end(`"queued","got":${body || 'null'}}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  closers.push(() => server.closeAllConnections());
  const recorder = new TraceRecorder('test', 'check');
  const port = await proxyTo(recorder, 'service', 'gateway', (server.address() as net.AddressInfo).port);

  const posted = await fetch(`http://127.0.0.1:${port}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: 'o-1' }) });
  expect(await posted.json()).toEqual({ status: 'queued', got: { orderId: 'o-1' } });
  expect((await fetch(`http://127.0.0.1:${port}/missing`)).status).toBe(404);
  await waitFor(async () => recorder.toTrace().events.length === 4, 5000);

  const events = recorder.toTrace().events;
  expect(events.map(brief)).toEqual(['caller>gateway request POST /orders', 'gateway>caller reply POST /orders', 'caller>gateway request GET /missing', 'gateway>caller error GET /missing']);
  expect(events[0]!.payload).toEqual({ orderId: 'o-1' });
  expect(events[1]).toMatchObject({ payload: { status: 'queued', got: { orderId: 'o-1' } }, detail: { status: 202 }, replyTo: events[0]!.seq, transport: 'http' });
  expect(events[3]).toMatchObject({ detail: { status: 404 }, replyTo: events[2]!.seq });
});

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@localhost:5672';

test('AMQP 0-9-1: publish, deliver (queue, tag), ack, nack with and without requeue, redelivery, and dead-lettering through x-death', async () => {
  const real = new URL(RABBITMQ_URL);
  const recorder = new TraceRecorder('test', 'check');
  const port = await proxyTo(recorder, 'rabbitmq', 'rabbitmq', Number(real.port) || 5672, real.hostname);
  const viaProxy = new URL(RABBITMQ_URL);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(port);
  const name = `trace-test-${randomBytes(4).toString('hex')}`;
  const dead = `${name}-dead`;

  const connection = await connect(viaProxy.toString());
  closers.push(async () => {
    const ch = await connection.createChannel();
    await ch.deleteQueue(name).catch(() => undefined);
    await ch.deleteQueue(dead).catch(() => undefined);
    await connection.close().catch(() => undefined);
  });
  const ch = await connection.createChannel();
  await ch.assertQueue(dead, { durable: false, autoDelete: false });
  // Rejected without requeue, a message goes to `dead` through the default exchange.
  await ch.assertQueue(name, { durable: false, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dead } });
  await ch.prefetch(10);
  const seen: string[] = [];
  await ch.consume(name, (msg) => {
    if (!msg) return;
    const text = msg.content.toString();
    seen.push(`${text}${msg.fields.redelivered ? ' again' : ''}`);
    if (text.includes('keep')) ch.ack(msg);
    else if (text.includes('retry') && !msg.fields.redelivered) ch.nack(msg, false, true);
    else if (text.includes('retry')) ch.ack(msg);
    else ch.reject(msg, false);
  });
  const deadLetters: string[] = [];
  await ch.consume(dead, (msg) => {
    if (!msg) return;
    deadLetters.push(msg.content.toString());
    ch.ack(msg);
  });
  ch.sendToQueue(name, Buffer.from(JSON.stringify({ pattern: 'user_create', data: { email: 'keep@example.com' } })));
  ch.sendToQueue(name, Buffer.from(JSON.stringify({ pattern: 'user_create', data: { email: 'retry@example.com' } })));
  ch.sendToQueue(name, Buffer.from('drop me'));
  await waitFor(async () => deadLetters.length === 1 && seen.length === 4, 10_000);
  await waitFor(async () => recorder.toTrace().events.filter((e) => e.kind === 'ack').length === 3, 5000);

  const events = recorder.toTrace().events;
  const of = (kind: TraceEvent['kind'], text: string) => events.filter((e) => e.kind === kind && JSON.stringify(e.payload ?? e.pattern).includes(text));
  const [published] = of('publish', 'keep');
  const [delivered] = of('deliver', 'keep');
  expect(published).toMatchObject({ from: 'caller', to: 'rabbitmq', transport: 'rmq', pattern: 'user_create', detail: { exchange: '', routingKey: name } });
  expect(delivered).toMatchObject({ from: 'rabbitmq', to: 'caller', pattern: 'user_create', replyTo: published!.seq, detail: { queue: name } });
  const ackOfKeep = events.find((e) => e.kind === 'ack' && e.replyTo === delivered!.seq);
  expect(ackOfKeep).toMatchObject({ from: 'caller', pattern: 'user_create', detail: { deliveryTag: (delivered!.detail as { deliveryTag: number }).deliveryTag } });
  expect(ackOfKeep!.seq).toBeGreaterThan(delivered!.seq);

  // retry: nacked with requeue, delivered again as redelivered, then acked.
  const retries = of('deliver', 'retry');
  expect(retries.map((e) => e.detail?.redelivered ?? false)).toEqual([false, true]);
  const nack = events.find((e) => e.kind === 'nack');
  expect(nack).toMatchObject({ replyTo: retries[0]!.seq, detail: { requeue: true } });

  // drop me: rejected without requeue, dead-lettered (x-death), delivered from the dead-letter queue.
  const reject = events.find((e) => e.kind === 'reject');
  expect(reject).toMatchObject({ pattern: name, detail: { requeue: false, queue: name } });
  const deadLetter = events.find((e) => e.kind === 'dead-letter');
  expect(deadLetter).toMatchObject({ from: 'rabbitmq', to: 'rabbitmq', payload: 'drop me', detail: { fromQueue: name, reason: 'rejected' } });
  expect(deadLetter!.replyTo).toBe(of('publish', 'drop me')[0]!.seq);
  const fromDead = of('deliver', 'drop me').find((e) => e.detail?.queue === dead);
  expect(fromDead!.seq).toBeGreaterThan(deadLetter!.seq);
  expect(fromDead!.detail?.deadLettered).toEqual([expect.objectContaining({ queue: name, reason: 'rejected', count: 1 })]);
  expect(events[0]).toMatchObject({ kind: 'connect', transport: 'rmq' });
});

test('Redis: PUBLISH and the message a subscriber is pushed, linked to it', async () => {
  const real = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const recorder = new TraceRecorder('test', 'check');
  const port = await proxyTo(recorder, 'redis', 'redis', Number(real.port) || 6379, real.hostname);
  const options = { host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => null } as const;
  const subscriber = new Redis(options);
  const publisher = new Redis(options);
  closers.push(() => void subscriber.disconnect(), () => void publisher.disconnect());
  const channel = `trace-test-${randomBytes(4).toString('hex')}`;
  const got: string[] = [];
  subscriber.on('message', (_c: string, m: string) => got.push(m));
  await subscriber.subscribe(channel);
  await publisher.publish(channel, JSON.stringify({ pattern: channel, data: { n: 1 } }));
  await waitFor(async () => got.length === 1, 5000);
  await waitFor(async () => recorder.toTrace().events.some((e) => e.kind === 'deliver'), 5000);

  const events = recorder.toTrace().events.filter((e) => e.kind === 'publish' || e.kind === 'deliver');
  expect(events.map(brief)).toEqual([`caller>redis publish ${channel}`, `redis>caller deliver ${channel}`]);
  expect(events[1]).toMatchObject({ payload: { pattern: channel, data: { n: 1 } }, replyTo: events[0]!.seq, transport: 'redis' });
});

test('NATS: a request (PUB with a reply subject), its delivery, and the answer named by the request and linked to it', async () => {
  const { connect: connectNats } = await import('@nats-io/transport-node');
  const real = new URL(process.env.NATS_URL ?? 'nats://127.0.0.1:4222');
  const recorder = new TraceRecorder('test', 'check');
  const port = await proxyTo(recorder, 'nats', 'nats', Number(real.port) || 4222, real.hostname);
  const nc = await connectNats({ servers: `127.0.0.1:${port}`, maxReconnectAttempts: 0 });
  closers.push(() => nc.close());
  const subject = `trace-test-${randomBytes(4).toString('hex')}`;
  nc.subscribe(subject, { callback: (_e, msg) => msg.respond(JSON.stringify({ sum: 6 })) });
  await nc.flush();
  const answer = await nc.request(subject, JSON.stringify({ pattern: subject, data: [1, 2, 3] }), { timeout: 5000 });
  expect(answer.json()).toEqual({ sum: 6 });
  await waitFor(async () => recorder.toTrace().events.filter((e) => e.kind === 'deliver').length === 2, 5000);

  const events = recorder.toTrace().events.filter((e) => e.kind === 'publish' || e.kind === 'deliver');
  expect(events.map(brief)).toEqual([`caller>nats publish ${subject}`, `nats>caller deliver ${subject}`, `caller>nats publish ${subject}`, `nats>caller deliver ${subject}`]);
  const [asked, delivered, answered, back] = events;
  expect(asked!.payload).toEqual({ pattern: subject, data: [1, 2, 3] });
  expect(asked!.detail?.replyTo).toBeTruthy();
  expect(delivered!.replyTo).toBe(asked!.seq);
  expect(answered).toMatchObject({ payload: { sum: 6 }, replyTo: asked!.seq, detail: { subject: asked!.detail?.replyTo } });
  expect(back!.replyTo).toBe(answered!.seq);
});

test("MQTT: a Nest request published with QoS 1, its delivery and the subscriber's PUBACK, and the answer on <topic>/reply linked to the request", async () => {
  const mqtt = await import('mqtt');
  const real = new URL(process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883');
  const recorder = new TraceRecorder('test', 'check');
  const port = await proxyTo(recorder, 'mqtt', 'mqtt', Number(real.port) || 1883, real.hostname);
  const connectTo = async () => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    closers.push(() => client.endAsync());
    return client;
  };
  const [service, caller] = [await connectTo(), await connectTo()];
  const topic = `trace-test-${randomBytes(4).toString('hex')}`;
  // The service answers on <topic>/reply, as Nest's MQTT server does.
  await service.subscribeAsync(topic, { qos: 1 });
  service.on('message', (_t, body) => {
    const { id } = JSON.parse(body.toString()) as { id: string };
    void service.publishAsync(`${topic}/reply`, JSON.stringify({ id, response: 6, isDisposed: true }));
  });
  await caller.subscribeAsync(`${topic}/reply`);
  const answered = new Promise<unknown>((resolve) => caller.on('message', (_t, body) => resolve(JSON.parse(body.toString()))));
  await caller.publishAsync(topic, JSON.stringify({ id: 'r-1', pattern: topic, data: [1, 2, 3] }), { qos: 1 });
  expect(await answered).toEqual({ id: 'r-1', response: 6, isDisposed: true });
  await waitFor(async () => recorder.toTrace().events.filter((e) => e.kind === 'deliver').length === 2, 5000);

  const events = recorder.toTrace().events.filter((e) => ['publish', 'deliver'].includes(e.kind));
  expect(events.map((e) => `${e.kind} ${e.pattern} ${String(e.detail?.topic)}`)).toEqual([
    `publish ${topic} ${topic}`,
    `deliver ${topic} ${topic}`,
    `publish ${topic} ${topic}/reply`,
    `deliver ${topic} ${topic}/reply`,
  ]);
  const [asked, delivered, reply, back] = events;
  // mqtt.js acknowledges a QoS 1 message once its handler has run (here after the answer was published).
  const acked = recorder.toTrace().events.find((e) => e.kind === 'ack');
  expect(acked).toMatchObject({ from: 'caller', to: 'mqtt', pattern: topic });
  expect(asked).toMatchObject({ payload: { id: 'r-1', pattern: topic, data: [1, 2, 3] }, detail: { qos: 1, replyTo: `${topic}/reply` } });
  expect(delivered!.replyTo).toBe(asked!.seq);
  expect(acked!.replyTo).toBe(delivered!.seq);
  expect(reply).toMatchObject({ replyTo: asked!.seq, detail: { reply: true } });
  expect(back!.replyTo).toBe(reply!.seq);
});
