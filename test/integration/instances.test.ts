import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { connect as natsConnect } from '@nats-io/transport-node';
import { expect, test } from 'vitest';
import { cli, fixtureContent, repoRoot, tempDir } from '../support/cli';

/**
 * A content root of its own: the fixture course plus an exercise whose consumer runs as two
 * instances over Redis. Its hidden suite proves each instance got its own INSTANCE_ID, that the
 * suite can stop and start one instance by name, and it leaves a key, a retained MQTT message and a
 * JetStream stream under the check's unique name for the runner to remove.
 */
function contentWithInstances(): string {
  const root = tempDir('lnm-instances-content-');
  cpSync(fixtureContent, root, { recursive: true });
  // The suite imports broker clients, resolved from the package as for the course's own suites.
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  const ex = path.join(root, 'exercises', 'fanout');
  mkdirSync(path.join(ex, 'starter'), { recursive: true });
  mkdirSync(path.join(ex, 'checks'), { recursive: true });
  mkdirSync(path.join(ex, 'en'), { recursive: true });
  mkdirSync(path.join(root, 'lessons', 'fanout', 'en'), { recursive: true });
  mkdirSync(path.join(root, 'solutions', 'fanout'), { recursive: true });
  writeFileSync(path.join(root, 'lessons', 'fanout', 'lesson.json'), JSON.stringify({ id: 'fanout', order: 9, title: { en: 'Fan-out' }, summary: { en: 'Instances.' }, brokers: ['redis'], exercises: ['fanout'] }));
  writeFileSync(path.join(root, 'lessons', 'fanout', 'en', 'lesson.md'), '# Fan-out\n\nInstances of one service.\n');
  writeFileSync(path.join(root, 'lessons', 'fanout', 'en', 'quiz.json'), JSON.stringify([{ question: 'q?', choices: ['a', 'b'], answer: [0], explanation: 'e' }]));
  writeFileSync(path.join(ex, 'en', 'hints.json'), JSON.stringify(['one', 'two', 'three']));
  writeFileSync(path.join(ex, 'en', 'feedback.json'), '{}');
  writeFileSync(
    path.join(ex, 'exercise.json'),
    JSON.stringify({
      id: 'fanout',
      lesson: 'fanout',
      title: { en: 'Two instances' },
      timeoutSeconds: 60,
      brokers: ['redis', 'mqtt', 'nats'],
      env: {
        REDIS_URL: { kind: 'broker', broker: 'redis' },
        MQTT_URL: { kind: 'broker', broker: 'mqtt' },
        NATS_URL: { kind: 'broker', broker: 'nats' },
        CHANNEL: { kind: 'unique', prefix: 'fanout' },
      },
      services: [{ name: 'worker', entry: 'main.ts', instances: 2, ready: { log: 'worker ready' } }],
    }),
  );
  const main = `import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Transport, type MicroserviceOptions } from '@nestjs/microservices';

@Controller()
class WorkerController {
  @EventPattern(\`\${process.env.CHANNEL}.ping\`)
  ping(_event: unknown): void {
    console.log(\`\${process.env.INSTANCE_ID} got ping\`);
  }
}

@Module({ controllers: [WorkerController] })
class WorkerModule {}

async function bootstrap(): Promise<void> {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(WorkerModule, { transport: Transport.REDIS, options: { host: url.hostname, port: Number(url.port || 6379) } });
  await app.listen();
  console.log(\`\${process.env.INSTANCE_ID} worker ready on \${process.env.CHANNEL}\`);
}
void bootstrap();
`;
  writeFileSync(path.join(ex, 'starter', 'main.ts'), main);
  writeFileSync(path.join(root, 'solutions', 'fanout', 'main.ts'), main);
  writeFileSync(
    path.join(ex, 'checks', 'fanout.check.ts'),
    `import { expect, test } from 'vitest';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { connect } from '@nats-io/transport-node';
import { env, eventually, kill, logs, redisClient, redisOptions, start } from 'learn-nest-micro/harness';

test('every instance gets every event, and each knows its name', async () => {
  const client = await redisClient();
  client.emit(\`\${env('CHANNEL')}.ping\`, {}).subscribe();
  expect(await eventually(async () => /worker-1 got ping/.test(await logs('worker-1')) && /worker-2 got ping/.test(await logs('worker-2')))).toBe(true);
});

test('an instance stopped by name misses what is published meanwhile', async () => {
  await kill('worker-2');
  const client = await redisClient();
  client.emit(\`\${env('CHANNEL')}.ping\`, {}).subscribe();
  expect(await eventually(async () => ((await logs('worker-1')).match(/got ping/g) ?? []).length === 2)).toBe(true);
  await start('worker-2');
  expect(((await logs('worker-2')).match(/got ping/g) ?? []).length).toBe(1);
});

test('leaves a key, a retained message and a stream under its unique name', async () => {
  const redis = new Redis(redisOptions(env('REDIS_URL')));
  await redis.set(\`\${env('CHANNEL')}:seen\`, '1');
  redis.disconnect();
  const m = await mqtt.connectAsync(env('MQTT_URL'));
  await m.publishAsync(\`\${env('CHANNEL')}/status\`, 'up', { retain: true, qos: 1 });
  await m.endAsync();
  const nc = await connect({ servers: env('NATS_URL') });
  const created = await nc.request('$JS.API.STREAM.CREATE.' + env('CHANNEL'), JSON.stringify({ name: env('CHANNEL'), subjects: [env('CHANNEL') + '.>'], storage: 'memory' }));
  expect(created.string()).not.toMatch(/"error"/);
  await nc.close();
});
`,
  );
  return root;
}

const content = contentWithInstances();



test('a service with "instances": 2 runs as worker-1 and worker-2, and a check removes what it left in Redis, MQTT and NATS', async () => {
  const ws = tempDir('lnm-instances-ws-');
  const scaffolded = await cli(['scaffold', 'fanout', '--dir', ws], { env: { LNM_CONTENT_ROOT: content } });
  expect(scaffolded.exitCode, scaffolded.stderr).toBe(0);
  const r = await cli(['check', 'fanout', '--dir', ws, '--reporter', 'json'], { env: { LNM_CONTENT_ROOT: content } });
  const report = JSON.parse(r.stdout) as { status: string; tests: { name: string; status: string; message?: string }[]; logs: Record<string, string> };
  expect(report.status, JSON.stringify(report.tests, null, 1)).toBe('pass');
  expect(Object.keys(report.logs).sort()).toEqual(['worker-1', 'worker-2']);
  const unique = /worker ready on (fanout-[0-9a-f]{8})/.exec(report.logs['worker-1'])?.[1];
  expect(unique, report.logs['worker-1']).toBeTruthy();

  const redis = new Redis('redis://127.0.0.1:6379');
  expect(await redis.keys(`${unique}*`)).toEqual([]);
  redis.disconnect();
  const m = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  const retained: string[] = [];
  m.on('message', (topic, payload) => payload.length > 0 && retained.push(topic));
  await m.subscribeAsync(`${unique}/#`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await m.endAsync();
  expect(retained).toEqual([]);
  const nc = await natsConnect({ servers: 'nats://127.0.0.1:4222' });
  const info = await nc.request(`$JS.API.STREAM.INFO.${unique}`, '');
  expect(info.string()).toMatch(/stream not found/);
  await nc.close();
}, 180_000);
