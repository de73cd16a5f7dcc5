import { connect, connectAsync, type IConnackPacket, type MqttClient } from 'mqtt';
import { expect, test } from 'vitest';
import { checkTwoSolvedAndAStarterAtOnce } from './verify';

const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** The topics under `root` that still hold a retained message (a new subscription is sent them at once). */
export async function retainedUnder(root: string): Promise<string[]> {
  const client = await connectAsync(MQTT_URL, { clean: true, reconnectPeriod: 0 });
  const retained: string[] = [];
  client.on('message', (topic, payload, packet) => {
    if (packet.retain && payload.length > 0) retained.push(topic);
  });
  await client.subscribeAsync(`${root}/#`, { qos: 0 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await client.endAsync();
  return retained;
}

/**
 * Whether the broker still keeps a session for `clientId`. Asking opens one (clean: false), so it is
 * ended again at once with a clean connection under the same id.
 */
export async function sessionKept(clientId: string): Promise<boolean> {
  const probe: MqttClient = connect(MQTT_URL, { clientId, clean: false, reconnectPeriod: 0 });
  const connack = await new Promise<IConnackPacket>((resolve, reject) => {
    probe.once('connect', resolve);
    probe.once('error', reject);
  });
  await probe.endAsync();
  const cleaner = await connectAsync(MQTT_URL, { clientId, clean: true, reconnectPeriod: 0 });
  await cleaner.endAsync();
  return connack.sessionPresent;
}

/**
 * Two solved checks and a starter of one exercise at once: each gives its own result, and none leaves
 * a retained message under its topic root or a persistent session behind. `root` matches the topic
 * root of one check (its `unique` value, the first level of every topic); `sessions(root)` names the
 * client ids that check may have kept a session for.
 */
export function checksAtOnceLeaveNothing(exercise: string, root: RegExp, sessions: (root: string) => string[]): void {
  test('two solved checks and a starter at once do not interfere, and leave no retained message or session behind', async () => {
    // Every topic the checks use, to learn their roots (chosen by each check, unknown in advance).
    const spy = await connectAsync(MQTT_URL, { clean: true, reconnectPeriod: 0 });
    const roots = new Set<string>();
    spy.on('message', (topic) => {
      const first = topic.split('/')[0];
      if (root.test(first)) roots.add(first);
    });
    await spy.subscribeAsync('#', { qos: 0 });
    try {
      await checkTwoSolvedAndAStarterAtOnce(exercise);
    } finally {
      await spy.endAsync();
    }
    expect(roots.size, 'topic roots seen during the checks').toBe(3);
    for (const r of roots) {
      expect(await retainedUnder(r), `retained messages under ${r}/#`).toEqual([]);
      for (const id of sessions(r)) expect(await sessionKept(id), `a session kept for ${id}`).toBe(false);
    }
  }, 300_000);
}
