import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { afterAll, test } from 'vitest';
import { env, exerciseDir, fail, http, mistake, pid, say, send } from 'learn-nest-micro/harness';

interface Task {
  id: number;
  title: string;
  via: 'http' | 'redis';
}

const run = randomBytes(3).toString('hex');
const channel = env('TASKS_CHANNEL');
const patterns = { add: `${channel}.add_task`, list: `${channel}.list_tasks`, whoami: `${channel}.whoami` };
let client: ClientProxy | undefined;
let httpPid: number | undefined;
let redisPid: number | undefined;

/** A Nest Redis client, as another service would use, connected to the same Redis server. */
async function redisClient(): Promise<ClientProxy> {
  if (!client) {
    // The client's own log lines would land in the checker's output (and break --reporter json).
    Logger.overrideLogger(false);
    const url = new URL(env('REDIS_URL'));
    client = ClientProxyFactory.create({ transport: Transport.REDIS, options: { host: url.hostname, port: Number(url.port || 6379) } });
    await client.connect();
  }
  return client;
}
afterAll(async () => {
  await client?.close();
});

/** A file's text without comments, so that a TODO naming an API does not count as calling it. */
function code(relPath: string): string {
  try {
    return readFileSync(path.join(exerciseDir(), relPath), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  } catch {
    return '';
  }
}

function appSources(): string[] {
  try {
    return readdirSync(path.join(exerciseDir(), 'app'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => code(path.join('app', f)));
  } catch {
    return [];
  }
}

const titles = (tasks: unknown): string[] => (Array.isArray(tasks) ? tasks.map((t) => (t as Task).title) : []);

test(say({ en: 'GET /whoami answers over HTTP on HTTP_PORT', uk: 'GET /whoami відповідає через HTTP на HTTP_PORT' }), async () => {
  const res = await http('HTTP_PORT', { timeoutMs: 10_000 }).get('/whoami');
  const body = res.body as { pid?: unknown } | undefined;
  if (res.status !== 200 || typeof body?.pid !== 'number') {
    throw fail(
      say({
        en: 'GET /whoami should answer 200 { pid: <the process id> }.',
        uk: 'GET /whoami має відповідати 200 { pid: <ідентифікатор процесу> }.',
      }),
      res,
    );
  }
  httpPid = body.pid;
});

test(say({ en: 'the app answers <TASKS_CHANNEL>.whoami through Redis', uk: 'застосунок відповідає на <TASKS_CHANNEL>.whoami через Redis' }), async () => {
  const r = await send<{ pid: number }>(await redisClient(), patterns.whoami, {}, { timeoutMs: 6000 });
  if (r.ok && typeof r.value?.pid === 'number') {
    redisPid = r.value.pid;
    return;
  }
  if (r.ok) throw fail(say({ en: `${patterns.whoami} should reply with { pid: process.pid }.`, uk: `${patterns.whoami} має відповідати { pid: process.pid }.` }), r);
  const main = code('app/main.ts');
  if (!/connectMicroservice\s*(<[^>]*>)?\s*\(/.test(main)) {
    throw fail(
      say({
        en: 'Nobody answers through Redis: connect a Redis microservice to the app with app.connectMicroservice(...) in app/main.ts.',
        uk: 'Через Redis ніхто не відповідає: приєднайте до застосунку Redis-мікросервіс через app.connectMicroservice(...) в app/main.ts.',
      }),
      r,
    );
  }
  if (!/startAllMicroservices\s*\(/.test(main)) throw mistake('start-all-microservices-forgotten', r);
  if (!/Transport\s*\.\s*REDIS/.test(main)) {
    throw fail(
      say({
        en: 'The connected microservice should use Transport.REDIS.',
        uk: 'Приєднаний мікросервіс має використовувати Transport.REDIS.',
      }),
      r,
    );
  }
  if (!/TASK_PATTERNS\s*\.\s*whoami/.test(code('app/tasks.messages.controller.ts'))) {
    throw fail(
      say({
        en: 'Nobody answers the whoami pattern: decorate the whoami handler with @MessagePattern(<pattern>), taking the pattern from TASK_PATTERNS in app/redis.ts, and register TasksMessagesController in AppModule.',
        uk: 'На шаблон whoami ніхто не відповідає: позначте обробник whoami декоратором @MessagePattern(<pattern>), узявши шаблон з TASK_PATTERNS в app/redis.ts, і зареєструйте TasksMessagesController в AppModule.',
      }),
      r,
    );
  }
  throw fail(say({ en: `${patterns.whoami} got no reply through Redis.`, uk: `${patterns.whoami} не отримав відповіді через Redis.` }), r);
});

test(say({ en: 'HTTP and Redis are answered by one and the same process', uk: 'на HTTP і Redis відповідає один і той самий процес' }), async () => {
  const appPid = await pid('app');
  if (httpPid !== appPid || redisPid !== appPid) {
    throw fail(
      say({
        en: 'GET /whoami and the whoami pattern should both report the pid of the one app process the checker started.',
        uk: 'GET /whoami і шаблон whoami мають повідомляти pid того самого єдиного процесу застосунку, який запустила перевірка.',
      }),
      {
        sent: `GET /whoami, ${patterns.whoami}`,
        received: say({
          en: `HTTP says pid ${httpPid}, Redis says pid ${redisPid}, the app process is ${appPid}`,
          uk: `HTTP повідомляє pid ${httpPid}, Redis повідомляє pid ${redisPid}, процес застосунку — ${appPid}`,
        }),
      },
    );
  }
});

test(say({ en: 'a task added over HTTP is listed through Redis', uk: 'задача, додана через HTTP, є в списку через Redis' }), async () => {
  const title = `http-${run}`;
  const added = await http('HTTP_PORT', { timeoutMs: 10_000 }).post('/tasks', { title });
  if (added.status !== 201 || (added.body as Task | undefined)?.title !== title) {
    throw fail(
      say({
        en: 'POST /tasks should answer 201 with the new task.',
        uk: 'POST /tasks має відповідати 201 з новою задачею.',
      }),
      added,
    );
  }
  const listed = await send<Task[]>(await redisClient(), patterns.list, {}, { timeoutMs: 8000 });
  if (listed.ok && titles(listed.value).includes(title)) return;
  const evidence = {
    sent: say({ en: `POST /tasks ${JSON.stringify({ title })}, then ${patterns.list}`, uk: `POST /tasks ${JSON.stringify({ title })}, потім ${patterns.list}` }),
    received: listed.received,
  };
  if (!listed.ok) {
    throw fail(
      say({
        en: `${patterns.list} got no reply: decorate the list handler with @MessagePattern(<pattern>), taking the list pattern from TASK_PATTERNS in app/redis.ts.`,
        uk: `${patterns.list} не отримав відповіді: позначте обробник списку декоратором @MessagePattern(<pattern>), узявши шаблон списку з TASK_PATTERNS в app/redis.ts.`,
      }),
      listed,
    );
  }
  const providedTwice = appSources().filter((s) => /providers\s*:\s*\[[^\]]*\bTasksService\b/.test(s)).length > 1;
  if (providedTwice) throw mistake('provider-not-shared', evidence);
  throw fail(
    say({
      en: `${patterns.list} should reply with every task, including the one just added over HTTP: both controllers must use the same TasksService.`,
      uk: `${patterns.list} має відповідати всіма задачами, зокрема щойно доданою через HTTP: обидва контролери мають використовувати той самий TasksService.`,
    }),
    evidence,
  );
});

test(say({ en: 'a task added through Redis is listed over HTTP', uk: 'задача, додана через Redis, є в списку через HTTP' }), async () => {
  const title = `redis-${run}`;
  const added = await send<Task>(await redisClient(), patterns.add, { title }, { timeoutMs: 8000 });
  if (!added.ok || added.value?.title !== title) {
    throw fail(
      say({
        en: `${patterns.add} should reply with the new task.`,
        uk: `${patterns.add} має відповідати новою задачею.`,
      }),
      added,
    );
  }
  const listed = await http('HTTP_PORT', { timeoutMs: 10_000 }).get('/tasks');
  if (listed.status === 200 && titles(listed.body).includes(title)) return;
  throw fail(
    say({
      en: 'GET /tasks should list the task just added through Redis: both controllers must use the same TasksService.',
      uk: 'GET /tasks має показувати задачу, щойно додану через Redis: обидва контролери мають використовувати той самий TasksService.',
    }),
    {
      sent: say({ en: `${patterns.add} ${JSON.stringify({ title })}, then GET /tasks`, uk: `${patterns.add} ${JSON.stringify({ title })}, потім GET /tasks` }),
      received: listed.received,
    },
  );
});

test(say({ en: 'the global TrimPipe applies over HTTP and through Redis', uk: 'глобальний TrimPipe діє і через HTTP, і через Redis' }), async () => {
  const overHttp = await http('HTTP_PORT', { timeoutMs: 10_000 }).post('/tasks', { title: `  padded-http-${run}  ` });
  if ((overHttp.body as Task | undefined)?.title !== `padded-http-${run}`) {
    throw fail(
      say({
        en: 'POST /tasks should store the title trimmed: keep app.useGlobalPipes(new TrimPipe()) in app/main.ts.',
        uk: 'POST /tasks має зберігати назву з обрізаними пробілами: залиште app.useGlobalPipes(new TrimPipe()) в app/main.ts.',
      }),
      overHttp,
    );
  }
  const overRedis = await send<Task>(await redisClient(), patterns.add, { title: `  padded-redis-${run}  ` }, { timeoutMs: 8000 });
  if (overRedis.ok && overRedis.value?.title === `padded-redis-${run}`) return;
  const main = code('app/main.ts');
  const connectAt = main.search(/connectMicroservice\s*(<[^>]*>)?\s*\(/);
  const pipesAt = main.search(/useGlobalPipes\s*\(/);
  if (overRedis.ok && !/inheritAppConfig\s*:\s*true/.test(main)) throw mistake('inherit-app-config-missing', overRedis);
  if (overRedis.ok && connectAt >= 0 && pipesAt > connectAt) throw mistake('global-pipe-after-connect', overRedis);
  throw fail(
    say({
      en: `${patterns.add} with a padded title should store it trimmed, like POST /tasks does.`,
      uk: `${patterns.add} з назвою, оточеною пробілами, має зберігати її з обрізаними пробілами, як це робить POST /tasks.`,
    }),
    overRedis,
  );
});
