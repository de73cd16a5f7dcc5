import type { BrokerName, ExerciseManifest } from '../catalog/schema';
import { freePort } from '../runner/ports';
import { AmqpIndex } from './decoders/amqp';
import { MqttIndex } from './decoders/mqtt';
import { NatsIndex } from './decoders/nats';
import { RecordingProxy, type ProxyProtocol } from './recording-proxy';
import { t } from '../i18n/messages';
import type { TraceRecorder } from './recorder';

const BROKER_LABELS: Record<BrokerName, string> = { rabbitmq: 'RabbitMQ', redis: 'Redis', nats: 'NATS', mqtt: 'MQTT' };
const DEFAULT_PORTS: Record<BrokerName, number> = { rabbitmq: 5672, redis: 6379, nats: 4222, mqtt: 1883 };
export const SUITE = 'suite';

/**
 * The addresses of one traced check or run. Each party (every service, and the hidden suite) gets
 * its own recording proxy in front of every other service's port and in front of each broker, so a
 * proxy knows who is calling whom. The real values stay in the check's env (broker clean-up uses them).
 */
export interface TraceNetwork {
  /** Per service (instance) name: the env values that differ from the check's. */
  serviceEnv: Record<string, Record<string, string>>;
  /** The suite's env values that differ from the check's. */
  suiteEnv: Record<string, string>;
  close(): Promise<void>;
}

/**
 * `outsider`: how the diagram names the party that is not a service (the checks; in `run`, the learner).
 * `exerciseDir`: the services' folder, whose .proto files decode gRPC messages.
 */
export async function startTraceNetwork(recorder: TraceRecorder, manifest: ExerciseManifest, env: Record<string, string>, outsider = t('trace.suite'), exerciseDir?: string): Promise<TraceNetwork> {
  const proxies: RecordingProxy[] = [];
  const shared = { amqp: new AmqpIndex(), redis: new Map<string, number>(), nats: new NatsIndex(), mqtt: new MqttIndex() };
  const services = manifest.services.map((s) => s.name);
  const parties = [...services, SUITE];
  const serviceEnv: Record<string, Record<string, string>> = Object.fromEntries(services.map((s) => [s, {}]));
  const suiteEnv: Record<string, string> = {};
  const envOf = (party: string) => (party === SUITE ? suiteEnv : serviceEnv[party]!);

  recorder.participant(SUITE, 'suite', outsider);
  for (const s of services) recorder.participant(s, 'service');
  const proxy = async (caller: string, target: string, protocol: ProxyProtocol, targetHost: string, targetPort: number): Promise<number> => {
    const listenPort = await freePort();
    const p = new RecordingProxy({ recorder, caller, target, protocol, targetHost, targetPort, shared, protoDir: exerciseDir });
    proxies.push(p);
    await p.listen(listenPort);
    return listenPort;
  };

  try {
    // A service's own port: the others reach it through their own proxies.
    for (const service of manifest.services) {
      // Its other ports (a hybrid app's TCP port besides its HTTP one) are reached the same way.
      for (const portVar of service.listens) {
        for (const party of parties) {
          if (party !== service.name) envOf(party)[portVar] = String(await proxy(party, service.name, 'service', 'localhost', Number(env[portVar])));
        }
      }
      if (!('port' in service.ready)) continue;
      const portVar = service.ready.port;
      const real = Number(env[portVar]);
      for (const party of parties) {
        if (party === service.name) continue;
        envOf(party)[portVar] = String(await proxy(party, service.name, 'service', 'localhost', real));
      }
      // A fault proxy in front of this port: each party reaches it through its own recording proxy, so
      // that the faults it injects (an error instead of the service's answer, a delay) are recorded too.
      for (const [name, spec] of Object.entries(manifest.env)) {
        if (spec.kind !== 'proxy' || spec.target !== portVar) continue;
        for (const party of parties) {
          if (party !== service.name) envOf(party)[name] = String(await proxy(party, service.name, 'service', 'localhost', Number(env[name])));
        }
      }
    }
    // Brokers: each party's URL points at its own proxy in front of the real broker.
    for (const [name, spec] of Object.entries(manifest.env)) {
      if (spec.kind !== 'broker') continue;
      const url = new URL(env[name]!);
      const host = url.hostname.replace(/^\[|\]$/g, '') || 'localhost';
      const port = Number(url.port) || DEFAULT_PORTS[spec.broker];
      recorder.participant(spec.broker, 'broker', BROKER_LABELS[spec.broker]);
      for (const party of parties) {
        const listenPort = await proxy(party, spec.broker, spec.broker, host, port);
        const mine = new URL(env[name]!);
        mine.hostname = '127.0.0.1';
        mine.port = String(listenPort);
        envOf(party)[name] = mine.toString();
      }
    }
  } catch (error) {
    await Promise.all(proxies.map((p) => p.close()));
    throw error;
  }
  return { serviceEnv, suiteEnv, close: async () => void (await Promise.all(proxies.map((p) => p.close()))) };
}
