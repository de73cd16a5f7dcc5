import type { BrokerName } from '../catalog/schema';
import net from 'node:net';
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

/** The URL with its password hidden, for printing (check errors, doctor, run's environment). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Whether the broker at `url` accepts TCP connections; answers within timeoutMs even when nothing listens. */
export interface ProbeResult {
  ok: boolean;
  reason?: string;
  /** The broker is there but turned us away: the user name or password, or the virtual host. */
  refused?: 'credentials' | 'vhost';
}

export async function probeBroker(broker: BrokerName, url: string, timeoutMs = 1500): Promise<ProbeResult> {
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
  return greeting(broker, host, port, timeoutMs);
}

/**
 * Each protocol's first exchange, to tell the broker from anything else that accepts on its port (an
 * HTTP server, a port forward that never answers): Redis answers PING in RESP, a NATS server greets
 * with INFO, an MQTT broker answers CONNECT with CONNACK.
 */
const greetings: Record<Exclude<BrokerName, 'rabbitmq'>, { send?: Buffer; speaks: (reply: Buffer) => boolean; bye?: Buffer }> = {
  redis: { send: Buffer.from('PING\r\n'), speaks: (r) => /^[+\-:$*]/.test(r.toString('latin1', 0, 1)) && r.includes('\r\n'), bye: Buffer.from('QUIT\r\n') },
  nats: { speaks: (r) => r.toString('latin1').startsWith('INFO ') },
  mqtt: { send: mqttConnect(`lnm-probe-${process.pid}-${Date.now()}`), speaks: (r) => r[0] === 0x20 && r[1] === 0x02, bye: Buffer.from([0xe0, 0x00]) },
};

/** An MQTT 3.1.1 CONNECT packet: clean session, keep-alive 10 s. */
function mqttConnect(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x0a]);
  const payload = Buffer.concat([Buffer.from([id.length >> 8, id.length & 0xff]), id]);
  return Buffer.concat([Buffer.from([0x10, variable.length + payload.length]), variable, payload]);
}

function greeting(broker: Exclude<BrokerName, 'rabbitmq'>, host: string, port: number, timeoutMs: number): Promise<{ ok: boolean; reason?: string }> {
  const { send, speaks, bye } = greetings[broker];
  const label = brokerLabels[broker];
  return new Promise((resolve) => {
    const socket = net.connect({ port, host, autoSelectFamily: true });
    let reply = Buffer.alloc(0);
    const done = (result: { ok: boolean; reason?: string }) => {
      clearTimeout(timer);
      if (result.ok && bye) socket.end(bye);
      else socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, reason: `something accepted a connection on ${host}:${port} but did not answer as ${label} within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.once('connect', () => send && socket.write(send));
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (speaks(reply)) done({ ok: true });
      else if (reply.length >= 16 || reply.includes('\n')) done({ ok: false, reason: `something answered on ${host}:${port}, but it does not speak ${label}: ${JSON.stringify(reply.toString('latin1').split(/\r?\n/)[0].slice(0, 60))}` });
    });
    const closed = { ok: false, reason: `something on ${host}:${port} closed the connection without answering as ${label}` };
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNRESET' || error.code === 'EPIPE' ? closed : { ok: false, reason: error.message }));
    socket.once('close', () => done(closed));
  });
}

async function amqpHandshake(url: string, timeoutMs: number): Promise<ProbeResult> {
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
    if (/ACCESS[-_]REFUSED/.test(message)) return { ok: false, reason: message, refused: 'credentials' };
    // RabbitMQ closes the connection instead of opening a virtual host that does not exist or is not the user's.
    if (/Expected ConnectionOpenOk; got <ConnectionClose/.test(message) || /NOT_ALLOWED/.test(message)) return { ok: false, reason: message, refused: 'vhost' };
    return { ok: false, reason: message };
  }
}
