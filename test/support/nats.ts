import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test } from 'vitest';
import { checkTwoSolvedAndAStarterAtOnce } from './verify';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * Whether anything still subscribes to `subject`: a request to it is answered by the server's "no
 * responders" notice when nobody does. Nest's NATS server answers any message with a reply subject,
 * event handlers included, so a request also finds a leftover event subscriber.
 */
export async function stillSubscribed(nc: NatsConnection, subject: string): Promise<boolean> {
  try {
    await nc.request(subject, '{}', { timeout: 1500 });
    return true;
  } catch (error) {
    if (/no responders/i.test((error as Error).message)) return false;
    // A timeout: a subscriber that got the request and did not answer.
    return true;
  }
}

/** The names of the JetStream streams on the server. */
export async function jetStreamNames(nc: NatsConnection): Promise<string[]> {
  const reply = await nc.request('$JS.API.STREAM.NAMES', '{}', { timeout: 3000 });
  return (reply.json<{ streams: string[] | null }>().streams ?? []).slice();
}

/**
 * Two solved checks and a starter of one exercise at once: each gives its own result, and afterwards
 * nothing still subscribes under any check's subject root, and no JetStream stream carries its name.
 * `root` matches the first token of the check's subjects (its `unique` value); `probes(root)` names
 * subjects the learner's services subscribe to while they run.
 */
export function checksAtOnceLeaveNothing(exercise: string, root: RegExp, probes: (root: string) => string[]): void {
  test('two solved checks and a starter at once do not interfere, and leave no subscriber or stream behind', async () => {
    const nc = await connect({ servers: NATS_URL });
    try {
      // Every subject the checks use, to learn their roots (chosen by each check, unknown in advance).
      const roots = new Set<string>();
      const spy = nc.subscribe('>', {
        callback: (_err, msg) => {
          const first = msg.subject.split('.')[0];
          if (root.test(first)) roots.add(first);
        },
      });
      await checkTwoSolvedAndAStarterAtOnce(exercise);
      spy.unsubscribe();

      // Three checks, three roots: none shared its subjects with another.
      expect(roots.size, [...roots].join(', ')).toBe(3);
      for (const r of roots) {
        for (const subject of probes(r)) expect(await stillSubscribed(nc, subject), `${subject} still has a subscriber`).toBe(false);
      }
      const streams = await jetStreamNames(nc);
      expect(streams.filter((s) => [...roots].some((r) => s.startsWith(r)))).toEqual([]);
    } finally {
      await nc.close();
    }
  }, 300_000);
}
