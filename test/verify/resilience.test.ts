import { cpSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { cli, repoRoot, tempDir } from '../support/cli';
import { verifiesExercise } from '../support/verify';
import { waitFor } from '../support/wait';

verifiesExercise('resilience');

/** The Redis keys the exercise's checks write under their unique prefix (PAYMENTS_KEY_PREFIX, "payments-<run>"). */
async function paymentKeys(): Promise<string[]> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', 'payments-*', 'COUNT', 500);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys.sort();
  } finally {
    redis.disconnect();
  }
}

test('two solved checks and a starter at once do not interfere, and leave no key behind in Redis', async () => {
  const before = await paymentKeys();
  const workspaces = ['solved-a', 'solved-b', 'starter'].map((name) => ({ name, dir: tempDir(`lnm-resilience-${name}-`) }));
  for (const w of workspaces) {
    const r = await cli(['scaffold', 'resilience', '--dir', w.dir]);
    expect(r.exitCode, r.stderr).toBe(0);
    if (w.name !== 'starter') cpSync(path.join(repoRoot, 'solutions', 'resilience'), path.join(w.dir, 'resilience'), { recursive: true });
  }
  const results = await Promise.all(workspaces.map((w) => cli(['check', 'resilience', '--dir', w.dir, '--reporter', 'json'])));
  const statuses = results.map((r) => (JSON.parse(r.stdout) as { status: string }).status);
  expect(statuses, results.map((r) => r.stdout).join('\n')).toEqual(['pass', 'pass', 'fail']);

  const left = async () => (await paymentKeys()).filter((k) => !before.includes(k));
  await waitFor(async () => (await left()).length === 0, 15_000, 500);
  expect(await left()).toEqual([]);
}, 300_000);
