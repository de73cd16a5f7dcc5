import { mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { checkTwoSolvedAndAStarterAtOnce } from './verify';
import { waitFor } from './wait';

/**
 * RabbitMQ's connections are counted machine-wide and vitest runs two files at once: the files that
 * count them take turns (a lock directory; one older than 15 min is stale). Call at a file's top level.
 */
export function takeTurnsWithRabbitMQ(): void {
  const turn = path.join(os.tmpdir(), 'lnm-verify-rabbitmq.lock');
  beforeAll(async () => {
    for (;;) {
      try {
        mkdirSync(turn);
        return;
      } catch {
        if (Date.now() - (statSync(turn, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 15 * 60_000) rmSync(turn, { recursive: true, force: true });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }, 20 * 60_000);
  afterAll(() => rmSync(turn, { recursive: true, force: true }));
}

/** What RabbitMQ holds now, by name, as rabbitmqctl lists it. */
export async function rabbit(what: 'queues' | 'connections'): Promise<string[]> {
  const r = await execa('rabbitmqctl', ['-q', what === 'queues' ? 'list_queues' : 'list_connections', 'name'], { reject: false });
  if (r.exitCode !== 0) throw new Error(`rabbitmqctl is needed to see what RabbitMQ holds (exit ${r.exitCode}): ${r.stderr || r.message}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l && l !== 'name');
}

/**
 * Two solved checks and a starter of one exercise at once: each gives its own result, and none leaves
 * a queue (named by `checkQueue`) or a connection behind.
 */
export function checksAtOnceLeaveNothing(exercise: string, checkQueue: RegExp): void {
  test('two solved checks and a starter at once do not interfere, and leave no queue or connection behind', async () => {
    const connectionsBefore = (await rabbit('connections')).length;
    await checkTwoSolvedAndAStarterAtOnce(exercise);

    const leftQueues = async () => (await rabbit('queues')).filter((q) => checkQueue.test(q));
    await waitFor(async () => (await leftQueues()).length === 0, 15_000, 500);
    expect(await leftQueues()).toEqual([]);
    await waitFor(async () => (await rabbit('connections')).length <= connectionsBefore, 15_000, 500);
    expect((await rabbit('connections')).length).toBeLessThanOrEqual(connectionsBefore);
  }, 300_000);
}
