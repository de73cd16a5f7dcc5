#!/usr/bin/env node
// Transport benchmark (issue 11): the same request-response and the same event fan-out over Nest's
// TCP, Redis, NATS, MQTT, RabbitMQ and gRPC transports, measured on this machine.
//
//   node scripts/transport-bench.js [--quick] [--json] [--only tcp,redis,nats,mqtt,rmq,grpc]
//
// For each transport the script starts a minimal NestJS 12 microservice in a child process (this same
// file, forked): one handler answers a request by echoing its small payload, one event handler counts
// events. The bench process talks to it through Nest's own client (ClientProxyFactory.create), and
// measures:
//   - latency: N requests one after another, after a warm-up: median and p99;
//   - throughput: M requests with at most W in flight at once: requests per second;
//   - fan-out: one publisher emits E events; K = 2 subscriber processes (separate Nest
//     microservices) each receive every one (Redis pub/sub, NATS subjects, MQTT topics, RabbitMQ
//     through a fanout exchange with one queue per subscriber). The time runs from the first emit to
//     the moment both subscribers have counted all E: events per second. TCP and gRPC are point to
//     point: n/a.
// Every name on a broker (channels, subjects, topics, queues, the exchange) starts with a prefix unique
// to the run; RabbitMQ queues and the exchange are deleted at the end (the other transports leave
// nothing behind: no retained messages, no keys, no streams). Ports are chosen free. Every child is
// killed when the bench ends, fails, or is interrupted (Ctrl-C); a child also exits by itself when its
// parent goes away (its IPC channel closes).
// Broker URLs come from REDIS_URL, NATS_URL, MQTT_URL, RABBITMQ_URL (defaults: 127.0.0.1, standard ports).
'use strict';
const { fork } = require('node:child_process');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const PROTO_JSON = {
  nested: {
    lnmbench: {
      nested: {
        Bench: { methods: { Echo: { requestType: 'Ping', responseType: 'Ping' } } },
        Ping: { fields: { id: { type: 'int32', id: 1 }, text: { type: 'string', id: 2 } } },
      },
    },
  },
};

// ---------------------------------------------------------------------------------------------------
// The child: one Nest microservice with an echo handler and a counting event handler.
async function child() {
  const spec = JSON.parse(process.env.LNM_TRANSPORT_BENCH_CHILD);
  require('reflect-metadata');
  const { Controller, Module } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { EventPattern, GrpcMethod, MessagePattern, Transport } = require('@nestjs/microservices');

  // Events of the phase the parent announced are counted; stray events of an earlier phase are not.
  let phase = '';
  let expected = Infinity;
  let seen = 0;
  class BenchController {
    echo(data) {
      return data;
    }
    tick(event) {
      if (!event || event.phase !== phase) return;
      seen += 1;
      if (seen === expected) process.send({ type: 'done', seen });
    }
  }
  const decorate = (decorator, method) =>
    decorator(BenchController.prototype, method, Object.getOwnPropertyDescriptor(BenchController.prototype, method));
  if (spec.transport === 'GRPC') {
    decorate(GrpcMethod('Bench', 'Echo'), 'echo');
  } else {
    decorate(MessagePattern(spec.echo), 'echo');
    decorate(EventPattern(spec.tick), 'tick');
  }
  Controller()(BenchController);
  class BenchModule {}
  Module({ controllers: [BenchController] })(BenchModule);

  const options = { ...spec.options };
  if (spec.transport === 'GRPC') options.packageDefinition = require('@grpc/proto-loader').fromJSON(PROTO_JSON, {});
  process.on('disconnect', () => process.exit(0));
  const app = await NestFactory.createMicroservice(BenchModule, { transport: Transport[spec.transport], options, logger: false });
  process.on('message', (message) => {
    if (message.type === 'phase') {
      phase = message.phase;
      expected = message.expected;
      seen = 0;
    } else if (message.type === 'count') {
      process.send({ type: 'count', seen, phase });
    } else if (message.type === 'stop') {
      app.close().finally(() => process.exit(0));
    }
  });
  await app.listen();
  process.send({ type: 'ready' });
}

// ---------------------------------------------------------------------------------------------------
// The bench process.

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const valueOf = (name) => {
  const i = argv.indexOf(name);
  const inline = argv.find((a) => a.startsWith(`${name}=`));
  return inline ? inline.slice(name.length + 1) : i >= 0 ? argv[i + 1] : undefined;
};

const ORDER = ['tcp', 'redis', 'nats', 'mqtt', 'rmq', 'grpc'];
const LABEL = { tcp: 'TCP', redis: 'Redis', nats: 'NATS', mqtt: 'MQTT', rmq: 'RabbitMQ', grpc: 'gRPC' };
const ALIASES = { rabbitmq: 'rmq', amqp: 'rmq' };
const SUBSCRIBERS = 2;
const COUNTS = flag('--quick')
  ? { warmup: 20, sequential: 200, requests: 500, window: 16, eventWarmup: 20, events: 500 }
  : { warmup: 200, sequential: 2000, requests: 5000, window: 16, eventWarmup: 200, events: 10000 };
const REQUEST_TIMEOUT_MS = 10_000;
const FANOUT_STALL_MS = 5_000;

const urls = {
  redis: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  nats: process.env.NATS_URL || 'nats://127.0.0.1:4222',
  mqtt: process.env.MQTT_URL || 'mqtt://127.0.0.1:1883',
  rmq: process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672',
};

const runId = `lnmb-${Date.now().toString(36)}${process.pid.toString(36)}`;
const children = new Set();
const cleanups = [];

function redisOptions(url) {
  const u = new URL(url);
  const db = Number(u.pathname.slice(1));
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * How each transport is set up: the server options of the echo service, the options of the
 * subscribers (null: no fan-out), the client options, and what the run leaves on the broker.
 */
async function transportSetup(name) {
  const echo = `${runId}.echo`;
  const tick = `${runId}.tick`;
  switch (name) {
    case 'tcp': {
      const port = await freePort();
      const options = { host: '127.0.0.1', port };
      return { transport: 'TCP', echo, tick, server: options, client: options, fanOut: null, why: 'point to point' };
    }
    case 'redis': {
      const options = redisOptions(urls.redis);
      return { transport: 'REDIS', echo, tick, server: options, client: options, fanOut: { subscriber: () => options, publisher: options } };
    }
    case 'nats': {
      const options = { servers: [urls.nats] };
      return { transport: 'NATS', echo, tick, server: options, client: options, fanOut: { subscriber: () => options, publisher: options } };
    }
    case 'mqtt': {
      const options = { url: urls.mqtt };
      return { transport: 'MQTT', echo, tick, server: options, client: options, fanOut: { subscriber: () => options, publisher: options } };
    }
    case 'rmq': {
      const queue = `${runId}-rpc`;
      const exchange = `${runId}-fanout`;
      const subscriberQueue = (i) => `${runId}-sub-${i}`;
      const queueOptions = { durable: false, autoDelete: true };
      const options = { urls: [urls.rmq], queue, queueOptions };
      // A fanout exchange copies each event into every bound queue; each subscriber binds its own.
      const fan = { urls: [urls.rmq], exchange, exchangeType: 'fanout', queueOptions };
      cleanups.push(() => deleteRabbitNames([queue, ...Array.from({ length: SUBSCRIBERS }, (_, i) => subscriberQueue(i + 1))], [exchange]));
      return {
        transport: 'RMQ',
        echo,
        tick,
        server: options,
        client: options,
        fanOut: { subscriber: (i) => ({ ...fan, queue: subscriberQueue(i) }), publisher: fan },
      };
    }
    case 'grpc': {
      const port = await freePort();
      const options = { package: 'lnmbench', url: `127.0.0.1:${port}` };
      return { transport: 'GRPC', echo, tick, server: options, client: options, fanOut: null, why: 'point to point' };
    }
    default:
      throw new Error(`unknown transport ${name}`);
  }
}

async function deleteRabbitNames(queues, exchanges) {
  const amqp = require('amqplib');
  const conn = await amqp.connect(urls.rmq);
  try {
    const ch = await conn.createChannel();
    for (const q of queues) await ch.deleteQueue(q);
    for (const e of exchanges) await ch.deleteExchange(e);
    await ch.close();
  } finally {
    await conn.close();
  }
}

/** Forks this file as a Nest microservice; resolves once it listens. */
function startChild(label, transport, options, setup) {
  const spec = { transport, options, echo: setup.echo, tick: setup.tick };
  const proc = fork(__filename, [], {
    env: { ...process.env, LNM_TRANSPORT_BENCH_CHILD: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(proc);
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const waiters = new Map();
  proc.on('message', (m) => {
    const w = waiters.get(m.type);
    if (w) w(m);
  });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => (children.delete(proc), resolve({ code, signal }))));
  const handle = {
    label,
    proc,
    output: () => output,
    on(type, fn) {
      waiters.set(type, fn);
    },
    next(type, ms = REQUEST_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        // unref: a wait given up on (a stalled fan-out) must not keep the bench alive.
        const timer = setTimeout(() => reject(new Error(`${label}: no "${type}" within ${ms} ms\n${output}`)), ms).unref();
        waiters.set(type, (m) => (clearTimeout(timer), waiters.delete(type), resolve(m)));
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      try {
        proc.send({ type: 'stop' });
      } catch {
        // already gone
      }
      const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within 30 s\n${output}`)), 30_000);
    waiters.set('ready', () => (clearTimeout(timer), waiters.delete('ready'), resolve(handle)));
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${signal || code}) before it was ready\n${output}`));
    });
  });
}

function killChildren() {
  for (const proc of children) {
    try {
      proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** A function sending one request and resolving with the reply, through the Nest client. */
async function requester(setup) {
  const { firstValueFrom, timeout } = require('rxjs');
  const options = { ...setup.client };
  if (setup.transport === 'GRPC') options.packageDefinition = require('@grpc/proto-loader').fromJSON(PROTO_JSON, {});
  const { ClientProxyFactory, Transport } = require('@nestjs/microservices');
  const client = ClientProxyFactory.create({ transport: Transport[setup.transport], options });
  if (setup.transport === 'GRPC') {
    const service = client.getService('Bench');
    return { client, call: (payload) => firstValueFrom(service.echo(payload).pipe(timeout(REQUEST_TIMEOUT_MS))) };
  }
  await client.connect();
  return { client, call: (payload) => firstValueFrom(client.send(setup.echo, payload).pipe(timeout(REQUEST_TIMEOUT_MS))) };
}

async function measureRequests(setup, log) {
  const server = await startChild(`${LABEL[setup.name]} echo service`, setup.transport, setup.server, setup);
  let client;
  const extraClients = [];
  try {
    const r = await requester(setup);
    client = r.client;
    const payload = (id) => ({ id, text: 'ping' });
    // The first request also proves the service is subscribed (a broker drops what nobody hears yet).
    for (let attempt = 1; ; attempt++) {
      try {
        const { firstValueFrom, timeout } = require('rxjs');
        const reply = setup.transport === 'GRPC' ? await r.call(payload(0)) : await firstValueFrom(client.send(setup.echo, payload(0)).pipe(timeout(1000)));
        if (!reply || reply.id !== 0 || reply.text !== 'ping') throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(200);
      }
    }
    for (let i = 1; i <= COUNTS.warmup; i++) await r.call(payload(i));
    log(`${LABEL[setup.name]}: ${COUNTS.sequential} requests one after another`);
    const times = [];
    for (let i = 0; i < COUNTS.sequential; i++) {
      const t0 = now();
      const reply = await r.call(payload(i));
      times.push(now() - t0);
      if (reply.id !== i) throw new Error(`reply ${JSON.stringify(reply)} to request ${i}`);
    }
    times.sort((a, b) => a - b);
    // One client with W requests in flight, except over MQTT: Nest 12.1's ClientMqtt subscribes to
    // the reply topic per request and counts a request only once its SUBACK is back, so with requests
    // overlapping it can unsubscribe while a SUBSCRIBE is pending; that request's reply never comes,
    // and every later overlapping request is lost too (docs/transport-bench.md). So W clients there,
    // one request in flight each.
    const clients = setup.name === 'mqtt' ? COUNTS.window : 1;
    const callers = [r.call];
    for (let i = 1; i < clients; i++) {
      const extra = await requester(setup);
      extraClients.push(extra.client);
      callers.push(extra.call);
    }
    log(`${LABEL[setup.name]}: ${COUNTS.requests} requests, ${COUNTS.window} at a time${clients > 1 ? ` through ${clients} clients` : ''}`);
    let next = 0;
    const t0 = now();
    await Promise.all(
      Array.from({ length: COUNTS.window }, async (_, worker) => {
        const call = callers[worker % callers.length];
        while (next < COUNTS.requests) {
          const id = next++;
          const reply = await call(payload(id)).catch((error) => {
            throw new Error(`request ${id} of ${COUNTS.requests} (${COUNTS.window} in flight): ${error.message || error}`);
          });
          if (reply.id !== id) throw new Error(`reply ${JSON.stringify(reply)} to request ${id}`);
        }
      }),
    );
    const elapsed = now() - t0;
    return {
      requests: COUNTS.sequential,
      medianMs: round(percentile(times, 50), 3),
      p99Ms: round(percentile(times, 99), 3),
      throughput: { requests: COUNTS.requests, window: COUNTS.window, clients, seconds: round(elapsed / 1000, 3), perSecond: Math.round(COUNTS.requests / (elapsed / 1000)) },
    };
  } finally {
    await Promise.race([Promise.allSettled([client, ...extraClients].filter(Boolean).map((c) => c.close())), sleep(2000)]);
    await server.stop();
  }
}

async function measureFanOut(setup, log) {
  if (!setup.fanOut) return { na: true, reason: setup.why };
  const subscribers = [];
  let publisher;
  try {
    for (let i = 1; i <= SUBSCRIBERS; i++) {
      subscribers.push(startChild(`${LABEL[setup.name]} subscriber ${i}`, setup.transport, setup.fanOut.subscriber(i), setup));
    }
    const started = await Promise.allSettled(subscribers);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const subs = started.map((s) => s.value);
    const { ClientProxyFactory, Transport } = require('@nestjs/microservices');
    const { lastValueFrom } = require('rxjs');
    publisher = ClientProxyFactory.create({ transport: Transport[setup.transport], options: { ...setup.fanOut.publisher } });
    await publisher.connect();
    const emit = (event) => lastValueFrom(publisher.emit(setup.tick, event), { defaultValue: undefined });
    const counts = async () => {
      const replies = subs.map((s) => s.next('count', 5000));
      subs.forEach((s) => s.proc.send({ type: 'count' }));
      return (await Promise.all(replies)).map((m) => m.seen);
    };
    const setPhase = async (phase, expected) => {
      subs.forEach((s) => s.proc.send({ type: 'phase', phase, expected }));
      await counts(); // IPC is ordered: once they answer, they know the phase.
    };

    // Probe until every subscriber hears the publisher (subscriptions are set up asynchronously).
    await setPhase('probe', Infinity);
    for (let attempt = 1; ; attempt++) {
      await emit({ phase: 'probe', i: attempt });
      await sleep(100);
      if ((await counts()).every((n) => n > 0)) break;
      if (attempt >= 50) throw new Error('the subscribers never received a probe event');
    }

    const run = async (phase, total) => {
      await setPhase(phase, total);
      const done = subs.map((s) => s.next('done', 24 * 3600 * 1000).then(() => now()));
      const settled = Promise.all(done);
      let next = 0;
      const t0 = now();
      await Promise.all(
        Array.from({ length: COUNTS.window }, async () => {
          while (next < total) await emit({ phase, i: next++ });
        }),
      );
      const published = now();
      // Wait for both subscribers; give up when neither has made progress for a while.
      let last = -1;
      for (;;) {
        const finished = await Promise.race([settled.then((ts) => ts), sleep(FANOUT_STALL_MS).then(() => null)]);
        if (finished) return { seconds: (Math.max(...finished) - t0) / 1000, publishSeconds: (published - t0) / 1000, delivered: subs.map(() => total) };
        const seen = await counts();
        const sum = seen.reduce((a, b) => a + b, 0);
        if (sum === last) return { seconds: null, publishSeconds: (published - t0) / 1000, delivered: seen };
        last = sum;
      }
    };
    await run('warmup', COUNTS.eventWarmup);
    log(`${LABEL[setup.name]}: ${COUNTS.events} events to ${SUBSCRIBERS} subscribers`);
    const result = await run('measure', COUNTS.events);
    const complete = result.seconds !== null;
    return {
      events: COUNTS.events,
      subscribers: SUBSCRIBERS,
      window: COUNTS.window,
      seconds: complete ? round(result.seconds, 3) : null,
      publishSeconds: round(result.publishSeconds, 3),
      perSecond: complete ? Math.round(COUNTS.events / result.seconds) : null,
      delivered: result.delivered,
      lost: result.delivered.map((n) => COUNTS.events - n),
    };
  } finally {
    if (publisher) await Promise.race([publisher.close(), sleep(2000)]);
    await Promise.all(
      subscribers.map((p) =>
        p.then(
          (s) => s.stop(),
          () => undefined,
        ),
      ),
    );
  }
}

const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;

async function withTimeout(promise, ms, fallback) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Broker versions, where the broker tells them easily; undefined when it does not answer. */
async function brokerVersions(names) {
  const versions = {};
  const tasks = [];
  if (names.includes('redis')) {
    tasks.push(
      (async () => {
        const { Redis } = require('ioredis');
        const redis = new Redis({ ...redisOptions(urls.redis), lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await redis.connect();
          const info = await redis.info('server');
          versions.redis = `Redis ${/redis_version:(\S+)/.exec(info)?.[1]}`;
        } finally {
          redis.disconnect();
        }
      })(),
    );
  }
  if (names.includes('nats')) {
    tasks.push(
      (async () => {
        const { connect } = require('@nats-io/transport-node');
        const nc = await connect({ servers: [urls.nats] });
        versions.nats = `nats-server ${nc.info.version}${nc.info.jetstream ? ' (JetStream on)' : ''}`;
        await nc.close();
      })(),
    );
  }
  if (names.includes('rmq')) {
    tasks.push(
      (async () => {
        const amqp = require('amqplib');
        const conn = await amqp.connect(urls.rmq);
        const props = conn.connection.serverProperties;
        versions.rmq = `${props.product} ${props.version}`;
        await conn.close();
      })(),
    );
  }
  if (names.includes('mqtt')) {
    tasks.push(
      (async () => {
        const mqtt = require('mqtt');
        const c = await mqtt.connectAsync(urls.mqtt, { reconnectPeriod: 0 });
        try {
          const version = new Promise((resolve) => c.on('message', (topic, payload) => resolve(payload.toString())));
          await c.subscribeAsync('$SYS/broker/version');
          const v = await withTimeout(version, 1500, undefined);
          if (v) versions.mqtt = v;
        } finally {
          await c.endAsync(true);
        }
      })(),
    );
  }
  await Promise.all(tasks.map((t) => withTimeout(t.catch(() => undefined), 3000, undefined)));
  return versions;
}

function machine() {
  const cpus = os.cpus();
  let nest;
  try {
    const dir = path.dirname(require.resolve('@nestjs/microservices'));
    nest = JSON.parse(require('node:fs').readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    nest = undefined;
  }
  return {
    cpu: cpus[0] ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    nestMicroservices: nest,
    loadAverage: os.loadavg().map((x) => round(x, 2)),
  };
}

const fmtMs = (x) => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const fmtInt = (x) => x.toLocaleString('en-US');

function markdown(report) {
  const m = report.machine;
  const lines = [];
  lines.push(`Measured ${report.date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}, @nestjs/microservices ${m.nestMicroservices}.`);
  const brokers = Object.entries(report.brokers).map(([k, v]) => `${LABEL[k]}: ${v}`);
  if (brokers.length) lines.push(`Brokers on the same machine: ${brokers.join('; ')}.`);
  lines.push(`Load average (1, 5, 15 min) at the start ${m.loadAverage.join(', ')}; at the end ${report.loadAverageAtEnd.join(', ')}.`);
  const c = report.counts;
  lines.push(
    `Latency: ${fmtInt(c.sequential)} requests one after another after ${c.warmup} to warm up. Throughput: ${fmtInt(c.requests)} requests, ${c.window} in flight. Fan-out: ${fmtInt(c.events)} events, ${c.window} emits in flight, to ${report.subscribers} subscriber processes, timed until both have all of them.`,
  );
  lines.push('');
  lines.push('| transport | request-response median | p99 | requests/s | fan-out to 2 subscribers: events/s |');
  lines.push('|---|---|---|---|---|');
  for (const r of report.results) {
    if (r.error) {
      lines.push(`| ${LABEL[r.transport]} | failed: ${r.error.split('\n')[0]} | | | |`);
      continue;
    }
    const rr = r.requestResponse;
    const f = r.fanOut;
    let fan;
    if (f.na) fan = `n/a (${f.reason})`;
    else if (f.perSecond === null) fan = `incomplete: ${f.delivered.join(' and ')} of ${fmtInt(f.events)} delivered`;
    else fan = fmtInt(f.perSecond);
    const star = rr.throughput.clients > 1 ? ' *' : '';
    lines.push(`| ${LABEL[r.transport]} | ${fmtMs(rr.medianMs)} ms | ${fmtMs(rr.p99Ms)} ms | ${fmtInt(rr.throughput.perSecond)}${star} | ${fan} |`);
  }
  for (const r of report.results.filter((x) => !x.error && x.requestResponse.throughput.clients > 1)) {
    lines.push('');
    lines.push(
      `\\* ${LABEL[r.transport]}: ${r.requestResponse.throughput.clients} clients with one request in flight each; one ClientMqtt with overlapping requests loses replies (see docs/transport-bench.md).`,
    );
  }
  return lines.join('\n');
}

function main() {
  const json = flag('--json');
  const only = valueOf('--only');
  const unknownFlags = argv.filter((a, i) => a.startsWith('--') && !['--quick', '--json', '--only'].includes(a.split('=')[0]) && argv[i - 1] !== '--only');
  if (flag('--help') || flag('-h') || unknownFlags.length) {
    console.log('usage: node scripts/transport-bench.js [--quick] [--json] [--only tcp,redis,nats,mqtt,rmq,grpc]');
    process.exit(unknownFlags.length ? 2 : 0);
  }
  let names = ORDER;
  if (only) {
    names = only.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean).map((s) => ALIASES[s] || s);
    const bad = names.filter((n) => !ORDER.includes(n));
    if (bad.length) {
      console.error(`unknown transport: ${bad.join(', ')} (known: ${ORDER.join(', ')})`);
      process.exit(2);
    }
    names = ORDER.filter((n) => names.includes(n));
  }
  let interrupted = false;
  const log = (line) => {
    if (!json && !interrupted) process.stderr.write(`${line}\n`);
  };

  const onSignal = (signal) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the services and cleaning up\n`);
    killChildren();
    Promise.race([Promise.allSettled(cleanups.map((c) => c())), sleep(3000)]).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killChildren);

  // The clients in this process log their connections; the numbers are the output.
  require('@nestjs/common').Logger.overrideLogger(false);
  (async () => {
    const report = {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine: machine(),
      brokers: await brokerVersions(names),
      quick: flag('--quick'),
      counts: COUNTS,
      subscribers: SUBSCRIBERS,
      runId,
      results: [],
    };
    log(`run ${runId}: ${names.map((n) => LABEL[n]).join(', ')}${report.quick ? ' (quick)' : ''}`);
    for (const name of names) {
      const started = now();
      const setup = { name, ...(await transportSetup(name)) };
      const result = { transport: name, label: LABEL[name] };
      try {
        result.requestResponse = await measureRequests(setup, log);
        result.fanOut = await measureFanOut(setup, log);
      } catch (error) {
        result.error = String(error && error.message ? error.message : error);
        log(`${LABEL[name]} failed: ${result.error}`);
      }
      result.seconds = round((now() - started) / 1000, 1);
      report.results.push(result);
      if (interrupted) return;
    }
    const cleanupErrors = (await Promise.allSettled(cleanups.map((c) => c()))).filter((s) => s.status === 'rejected');
    cleanups.length = 0;
    for (const e of cleanupErrors) log(`clean-up failed: ${e.reason && e.reason.message ? e.reason.message : e.reason}`);
    report.loadAverageAtEnd = os.loadavg().map((x) => round(x, 2));
    if (json) console.log(JSON.stringify(report, null, 2));
    else console.log(`\n${markdown(report)}`);
    killChildren();
    process.exitCode = report.results.some((r) => r.error) || cleanupErrors.length ? 1 : 0;
    // A client library that keeps a handle open must not keep the finished bench running.
    setTimeout(() => process.exit(), 5000).unref();
  })().catch((error) => {
    console.error(error && error.stack ? error.stack : error);
    killChildren();
    process.exit(1);
  });
}

if (process.env.LNM_TRANSPORT_BENCH_CHILD) {
  child().catch((error) => {
    console.error(error && error.stack ? error.stack : error);
    process.exit(1);
  });
} else {
  main();
}
