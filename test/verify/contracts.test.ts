import Redis from 'ioredis';
import { expect, test } from 'vitest';
import { checkTwoSolvedAndAStarterAtOnce, verifiesExercise } from '../support/verify';

verifiesExercise('contracts');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// Each check's channels start with its ORDERS_CHANNEL, `orders-<run id>` (exercise.json); the versioned
// pattern of a mistake would put it inside a JSON channel name, so the spy matches it anywhere.
test('two solved checks and a starter at once do not interfere, and leave no subscription or key behind', async () => {
  const spy = new Redis(REDIS_URL, { lazyConnect: true });
  await spy.connect();
  const roots = new Set<string>();
  spy.on('pmessage', (_pattern: string, channel: string) => {
    const root = /orders-[0-9a-f]{8}/.exec(channel)?.[0];
    if (root) roots.add(root);
  });
  await spy.psubscribe('*orders-*');
  const inspector = new Redis(REDIS_URL);
  try {
    await checkTwoSolvedAndAStarterAtOnce('contracts');

    expect(roots.size, 'channel roots seen during the checks').toBe(3);
    for (const root of roots) {
      expect(await inspector.pubsub('CHANNELS', `*${root}*`), `channels of ${root} still subscribed`).toEqual([]);
      expect(await inspector.keys(`${root}*`), `keys of ${root}`).toEqual([]);
    }
  } finally {
    spy.disconnect();
    inspector.disconnect();
  }
}, 300_000);
