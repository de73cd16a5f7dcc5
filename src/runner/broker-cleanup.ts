import type { Exercise } from '../catalog/catalog';
import type { BrokerName } from '../catalog/schema';
import { redisOptions } from '../harness/index';

/**
 * Removes what a check left in the brokers under the exercise's `unique` names: those names belong to
 * this check alone, so whatever the learner's services or the suite created under them can go, even
 * when the suite never reached its own clean-up. Best effort: a broker that is gone keeps nothing
 * that could collide, since the names are never reused.
 *
 * - RabbitMQ: queues and exchanges named by a unique value.
 * - Redis: keys that start with a unique value (pub/sub itself keeps nothing).
 * - MQTT: retained messages under `<unique>/#` (MQTT keeps nothing else for a clean session).
 * - NATS: JetStream streams named by a unique value (core NATS keeps nothing).
 */
export async function removeBrokerResources(exercise: Exercise, env: Record<string, string>): Promise<void> {
  const uniqueNames = Object.entries(exercise.manifest.env)
    .filter(([, spec]) => spec.kind === 'unique')
    .map(([name]) => env[name]);
  if (uniqueNames.length === 0) return;
  const urls = new Map<BrokerName, string>();
  for (const [name, spec] of Object.entries(exercise.manifest.env)) if (spec.kind === 'broker') urls.set(spec.broker, env[name]);
  const cleaners: Record<BrokerName, (url: string, names: string[]) => Promise<void>> = { rabbitmq: cleanRabbitMQ, redis: cleanRedis, mqtt: cleanMqtt, nats: cleanNats };
  await Promise.all([...urls].map(([broker, url]) => cleaners[broker](url, uniqueNames).catch(() => undefined)));
}

async function cleanRabbitMQ(url: string, names: string[]): Promise<void> {
  const amqp = await import('amqplib');
  let connection: Awaited<ReturnType<typeof amqp.connect>> | undefined;
  try {
    connection = await amqp.connect(url, { timeout: 3000 });
    connection.on('error', () => undefined);
    for (const name of names) {
      for (const remove of ['deleteQueue', 'deleteExchange'] as const) {
        // A channel per call: deleting something that does not exist may close the channel.
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        await channel[remove](name).catch(() => undefined);
        await channel.close().catch(() => undefined);
      }
    }
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function cleanRedis(url: string, names: string[]): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    for (const name of names) {
      // SCAN, never KEYS: other checks share this Redis. The pattern escapes glob characters of the name.
      const match = `${name.replace(/[*?[\]\\]/g, '\\$&')}*`;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

async function cleanMqtt(url: string, names: string[]): Promise<void> {
  const mqtt = await import('mqtt');
  const client = await mqtt.connectAsync(url, { connectTimeout: 3000, reconnectPeriod: 0, clean: true });
  try {
    const retained = new Set<string>();
    client.on('message', (topic, payload, packet) => {
      if (packet.retain && payload.length > 0) retained.add(topic);
    });
    // The broker sends every retained message of a new subscription at once; a short quiet period collects them.
    await client.subscribeAsync(names.flatMap((name) => [name, `${name}/#`]), { qos: 0 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    // An empty retained message clears a topic's retained one.
    await Promise.all([...retained].map((topic) => client.publishAsync(topic, '', { retain: true, qos: 1 })));
  } finally {
    await client.endAsync().catch(() => undefined);
  }
}

async function cleanNats(url: string, names: string[]): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const nc = await connect({ servers: url, timeout: 3000, maxReconnectAttempts: 0 });
  try {
    // JetStream's API is request-reply on `$JS.API.…` subjects; deleting a stream that does not exist
    // is answered with an error, which is fine.
    for (const name of names) await nc.request(`$JS.API.STREAM.DELETE.${name}`, '', { timeout: 2000 }).catch(() => undefined);
  } finally {
    await nc.close().catch(() => undefined);
  }
}
