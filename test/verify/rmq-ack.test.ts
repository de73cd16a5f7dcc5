import { cpSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { cli, repoRoot, tempDir } from '../support/cli';
import { checksAtOnceLeaveNothing, rabbit, takeTurnsWithRabbitMQ } from '../support/rabbit';
import { verifiesExercise } from '../support/verify';

takeTurnsWithRabbitMQ();
verifiesExercise('rmq-ack');
// The queues its checks declare: `<prefix>-<run id>` (exercise.json). Only this file runs rmq-ack.
checksAtOnceLeaveNothing('rmq-ack', /^(users|users-dead|audit)-[0-9a-f]{8}$/);

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
