import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { checkTwoSolvedAndAStarterAtOnce } from './verify';
import { waitFor } from './wait';

/** A short-lived connection to the Redis the checks use (REDIS_URL, or the local default). */
async function withRedis<T>(use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** Keys whose names match `glob`, found with SCAN (never KEYS: other tests share this Redis). */
export async function redisKeys(glob: string): Promise<string[]> {
  return withRedis(async (redis) => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', glob, 'COUNT', 500);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  });
}

/** Channels matching `glob` that somebody is subscribed to by name, and the server's count of pattern subscriptions. */
export async function redisSubscriptions(glob: string): Promise<{ channels: string[]; patterns: number }> {
  return withRedis(async (redis) => ({
    channels: (await redis.pubsub('CHANNELS', glob)) as string[],
    patterns: Number(await redis.pubsub('NUMPAT')),
  }));
}

/**
 * Two solved checks and a starter of one exercise at once: each gives its own result, and afterwards
 * Redis holds no key of theirs (names matching `checkKey`, found under `keyGlob`) and no subscription:
 * no channel under `keyGlob` has a subscriber, and there are no more pattern subscriptions than before.
 */
export function checksAtOnceLeaveNothingInRedis(exercise: string, keyGlob: string, checkKey: RegExp): void {
  test('two solved checks and a starter at once do not interfere, and leave no key or subscription in Redis', async () => {
    const patternsBefore = (await redisSubscriptions(keyGlob)).patterns;
    await checkTwoSolvedAndAStarterAtOnce(exercise);

    const leftKeys = async () => (await redisKeys(keyGlob)).filter((key) => checkKey.test(key));
    await waitFor(async () => (await leftKeys()).length === 0, 15_000, 500);
    expect(await leftKeys()).toEqual([]);
    const settled = async () => {
      const now = await redisSubscriptions(keyGlob);
      return now.channels.length === 0 && now.patterns <= patternsBefore;
    };
    await waitFor(settled, 15_000, 500);
    const after = await redisSubscriptions(keyGlob);
    expect(after.channels).toEqual([]);
    expect(after.patterns).toBeLessThanOrEqual(patternsBefore);
  }, 300_000);
}
