import type { BrokerName } from '../catalog/schema';
import { portAccepts } from './ports';

const defaultPorts: Record<BrokerName, number> = { rabbitmq: 5672, redis: 6379, nats: 4222, mqtt: 1883 };

export const brokerLabels: Record<BrokerName, string> = { rabbitmq: 'RabbitMQ', redis: 'Redis', nats: 'NATS', mqtt: 'MQTT (Mosquitto)' };

/** How to get each broker running locally, shown when it is unreachable. */
export const brokerInstall: Record<BrokerName, string> = {
  rabbitmq: 'docker run -d --name rabbitmq -p 5672:5672 rabbitmq:3   (or: apt-get install rabbitmq-server && rabbitmq-server -detached)',
  redis: 'docker run -d --name redis -p 6379:6379 redis:7   (or: apt-get install redis-server && redis-server --daemonize yes)',
  nats: 'docker run -d --name nats -p 4222:4222 nats -js   (or: apt-get install nats-server && nats-server -js &)',
  mqtt: 'docker run -d --name mosquitto -p 1883:1883 eclipse-mosquitto   (or: apt-get install mosquitto && mosquitto -d)',
};

/** Whether the broker at `url` accepts TCP connections; answers within timeoutMs even when nothing listens. */
export async function probeBroker(broker: BrokerName, url: string, timeoutMs = 1500): Promise<{ ok: boolean; reason?: string }> {
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    port = Number(parsed.port) || defaultPorts[broker];
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  const ok = await portAccepts(port, host, timeoutMs);
  if (!ok) return { ok, reason: `nothing accepted a connection on ${host}:${port}` };
  // A port that accepts is not yet a broker that lets us in (wrong credentials or vhost): ask it.
  if (broker === 'rabbitmq') return amqpHandshake(url, timeoutMs);
  return { ok };
}

async function amqpHandshake(url: string, timeoutMs: number): Promise<{ ok: boolean; reason?: string }> {
  const amqp = await import('amqplib');
  try {
    const connection = await amqp.connect(url, { timeout: timeoutMs });
    connection.on('error', () => undefined);
    await connection.close().catch(() => undefined);
    return { ok: true };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    // amqplib reads a non-AMQP answer (an HTTP proxy, another server) as an absurd frame size.
    if (/Frame size \d+ exceeds maxFrameSize|Expected ConnectionStart/.test(message)) return { ok: false, reason: `something answered there, but it does not speak AMQP: ${message}` };
    return { ok: false, reason: message };
  }
}
