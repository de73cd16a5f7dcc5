import { cpSync, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, repoRoot, tempDir } from '../support/cli';
import { verifiesExercise } from '../support/verify';
import { waitFor } from '../support/wait';

/**
 * RabbitMQ's connections are counted machine-wide and vitest runs two files at once: this file and
 * test/verify/rmq-dead-letter.test.ts take turns (a lock directory; one older than 15 min is stale).
 */
const RABBIT_TURN = path.join(os.tmpdir(), 'lnm-verify-rabbitmq.lock');
beforeAll(async () => {
  for (;;) {
    try {
      mkdirSync(RABBIT_TURN);
      return;
    } catch {
      if (Date.now() - (statSync(RABBIT_TURN, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 15 * 60_000) rmSync(RABBIT_TURN, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}, 20 * 60_000);
afterAll(() => rmSync(RABBIT_TURN, { recursive: true, force: true }));

verifiesExercise('rmq-ack');

/** The queues the rmq-ack checks declare: `<prefix>-<run id>` (exercise.json). Only this file runs rmq-ack. */
const CHECK_QUEUE = /^(users|users-dead|audit)-[0-9a-f]{8}$/;

async function rabbit(what: 'queues' | 'connections'): Promise<string[]> {
  const r = await execa('rabbitmqctl', ['-q', what === 'queues' ? 'list_queues' : 'list_connections', 'name'], { reject: false });
  if (r.exitCode !== 0) throw new Error(`rabbitmqctl is needed to see what RabbitMQ holds (exit ${r.exitCode}): ${r.stderr || r.message}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l && l !== 'name');
}

test('two solved checks and a starter at once do not interfere, and leave no queue or connection behind', async () => {
  const connectionsBefore = (await rabbit('connections')).length;
  const workspaces = ['solved-a', 'solved-b', 'starter'].map((name) => ({ name, dir: tempDir(`lnm-rmq-${name}-`) }));
  for (const w of workspaces) {
    const r = await cli(['scaffold', 'rmq-ack', '--dir', w.dir]);
    expect(r.exitCode, r.stderr).toBe(0);
    if (w.name !== 'starter') cpSync(path.join(repoRoot, 'solutions', 'rmq-ack'), path.join(w.dir, 'rmq-ack'), { recursive: true });
  }
  const results = await Promise.all(workspaces.map((w) => cli(['check', 'rmq-ack', '--dir', w.dir, '--reporter', 'json'])));
  const statuses = results.map((r) => (JSON.parse(r.stdout) as { status: string }).status);
  expect(statuses, results.map((r) => r.stdout).join('\n')).toEqual(['pass', 'pass', 'fail']);

  const leftQueues = async () => (await rabbit('queues')).filter((q) => CHECK_QUEUE.test(q));
  await waitFor(async () => (await leftQueues()).length === 0, 15_000, 500);
  expect(await leftQueues()).toEqual([]);
  await waitFor(async () => (await rabbit('connections')).length <= connectionsBefore, 15_000, 500);
  expect((await rabbit('connections')).length).toBeLessThanOrEqual(connectionsBefore);
}, 300_000);

test('run, then Ctrl-C: the environment is listed with the password masked, and the run leaves no queue behind', async () => {
  const ws = tempDir('lnm-rmq-run-');
  expect((await cli(['scaffold', 'rmq-ack', '--dir', ws])).exitCode).toBe(0);
  cpSync(path.join(repoRoot, 'solutions', 'rmq-ack'), path.join(ws, 'rmq-ack'), { recursive: true });
  const child = cli(['run', 'rmq-ack', '--dir', ws], { env: { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672' } });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (/are running/.test(output)) child.kill('SIGINT');
  });
  await child;
  expect(output).toContain('RMQ_URL=amqp://guest:***@127.0.0.1:5672');
  expect(output).not.toContain('guest:guest@');
  const queue = /USER_QUEUE=(users-[0-9a-f]{8})/.exec(output)?.[1];
  expect(queue, output).toBeTruthy();
  expect(await rabbit('queues')).not.toContain(queue);
}, 300_000);
