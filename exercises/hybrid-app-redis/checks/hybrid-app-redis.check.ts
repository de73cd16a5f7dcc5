import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { afterAll, test } from 'vitest';
import { detect, diagnose, env, exerciseDir, fail, http, pid, say, sceneOf, send, type Evidence } from 'learn-nest-micro/harness';
import { detectors, type Wire } from './diagnoses';

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
/** The task the HTTP-then-Redis test added over HTTP, for the ids of the next one. */
let httpTask: Task | undefined;

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

/** A request through Redis nobody answered: ./diagnoses names a cause only on evidence of its own. */
async function silent(pattern: 'whoami' | 'list' | 'add', expected: string, evidence: Evidence): Promise<Error> {
  return diagnose<Wire>(
    detectors,
    { kind: 'redis-silent', pattern },
    {
      expected,
      meaning: say({
        en: `nobody answered ${patterns[pattern]} through Redis: no Redis microservice is connected to the app (app.connectMicroservice in app/main.ts), it is connected but not started, or not yet when the request came, it uses another transport or another Redis server, no handler has exactly this pattern (TASK_PATTERNS in app/redis.ts), or TasksMessagesController is not in AppModule's controllers`,
        uk: `на ${patterns[pattern]} через Redis ніхто не відповів: до застосунку не приєднано Redis-мікросервіс (app.connectMicroservice в app/main.ts), його приєднано, але не запущено або ще не запущено на момент запиту, він використовує інший транспорт чи інший сервер Redis, жоден обробник не має саме цього шаблону (TASK_PATTERNS в app/redis.ts), або TasksMessagesController немає в controllers модуля AppModule`,
      }),
    },
    evidence,
  );
}

/** A task missing from the other transport's list: ./diagnoses names a cause only on evidence of its own. */
async function notShared(addedVia: 'http' | 'redis', expected: string, evidence: Evidence): Promise<Error> {
  return diagnose<Wire>(
    detectors,
    { kind: 'task-not-shared', addedVia },
    {
      expected,
      meaning: say({
        en: "the two transports do not read the same list: HTTP and Redis handlers use different TasksService instances, or a handler does not answer with the service's list",
        uk: 'два транспорти читають не той самий список: обробники HTTP і Redis використовують різні екземпляри TasksService, або обробник відповідає не списком із сервісу',
      }),
    },
    evidence,
  );
}

const sameTask = (a: unknown, b: Task): boolean => {
  const t = a as Partial<Task> | undefined;
  return t?.id === b.id && t.title === b.title && t.via === b.via;
};

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
  const expected = say({ en: `${patterns.whoami} should reply with { pid: process.pid }.`, uk: `${patterns.whoami} має відповідати { pid: process.pid }.` });
  if (r.ok) throw fail(expected, r);
  throw await silent('whoami', expected, r);
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
  const task = added.body as Task | undefined;
  if (added.status !== 201 || task?.title !== title || task.via !== 'http' || typeof task.id !== 'number') {
    throw fail(
      say({
        en: "POST /tasks should answer 201 with the new task: { id, title, via: 'http' }.",
        uk: "POST /tasks має відповідати 201 з новою задачею: { id, title, via: 'http' }.",
      }),
      added,
    );
  }
  httpTask = task;
  const listed = await send<Task[]>(await redisClient(), patterns.list, {}, { timeoutMs: 8000 });
  if (listed.ok && Array.isArray(listed.value) && listed.value.some((t) => sameTask(t, task))) return;
  const expected = say({
    en: `${patterns.list} should reply with every task, including the one just added over HTTP (${JSON.stringify(task)}).`,
    uk: `${patterns.list} має відповідати всіма задачами, зокрема щойно доданою через HTTP (${JSON.stringify(task)}).`,
  });
  const evidence = {
    sent: say({ en: `POST /tasks ${JSON.stringify({ title })}, then ${patterns.list}`, uk: `POST /tasks ${JSON.stringify({ title })}, потім ${patterns.list}` }),
    received: listed.received,
    errorText: listed.errorText,
  };
  if (!listed.ok) throw await silent('list', expected, evidence);
  throw await notShared('http', expected, evidence);
});

test(say({ en: 'a task added through Redis is listed over HTTP', uk: 'задача, додана через Redis, є в списку через HTTP' }), async () => {
  const title = `redis-${run}`;
  const added = await send<Task>(await redisClient(), patterns.add, { title }, { timeoutMs: 8000 });
  // The lesson's add handler records the task as added via 'redis', and one store gives one sequence of ids.
  const expectedReply = say({
    en: `${patterns.add} should reply with the new task: { id, title, via: 'redis' }, its id not that of the task added over HTTP (${JSON.stringify(httpTask)}).`,
    uk: `${patterns.add} має відповідати новою задачею: { id, title, via: 'redis' }, і її id не той, що в задачі, доданої через HTTP (${JSON.stringify(httpTask)}).`,
  });
  if (!added.ok) throw await silent('add', expectedReply, added);
  if (added.value?.title !== title || added.value.via !== 'redis' || typeof added.value.id !== 'number' || added.value.id === httpTask?.id) throw fail(expectedReply, added);
  const task = added.value;
  const listed = await http('HTTP_PORT', { timeoutMs: 10_000 }).get('/tasks');
  if (listed.status === 200 && Array.isArray(listed.body) && listed.body.some((t) => sameTask(t, task))) return;
  const expected = say({
    en: `GET /tasks should list the task just added through Redis (${JSON.stringify(task)}).`,
    uk: `GET /tasks має показувати задачу, щойно додану через Redis (${JSON.stringify(task)}).`,
  });
  const evidence = {
    sent: say({ en: `${patterns.add} ${JSON.stringify({ title })}, then GET /tasks`, uk: `${patterns.add} ${JSON.stringify({ title })}, потім GET /tasks` }),
    received: listed.received,
  };
  if (listed.status !== 200) throw fail(expected, evidence);
  throw await notShared('redis', expected, evidence);
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
  const padded = `  padded-redis-${run}  `;
  const overRedis = await send<Task>(await redisClient(), patterns.add, { title: padded }, { timeoutMs: 8000 });
  if (overRedis.ok && overRedis.value?.title === padded.trim()) return;
  const expected = say({
    en: `${patterns.add} with a padded title should store it trimmed, like POST /tasks does.`,
    uk: `${patterns.add} з назвою, оточеною пробілами, має зберігати її з обрізаними пробілами, як це робить POST /tasks.`,
  });
  if (!overRedis.ok || overRedis.value?.title !== padded) throw fail(expected, overRedis);
  throw await diagnose<Wire>(
    detectors,
    { kind: 'redis-title-untrimmed' },
    {
      expected,
      meaning: say({
        en: "the global pipe ran for the HTTP route and not for the message handler: the microservice does not share the app's global enhancers, the pipe was registered after the microservice was built, or the handler reads its payload without @Payload() (a pipe only runs for decorated parameters)",
        uk: 'глобальний pipe спрацював для HTTP-маршруту, а для обробника повідомлень — ні: мікросервіс не отримує глобальних enhancers застосунку, pipe зареєстровано вже після того, як мікросервіс було побудовано, або обробник читає дані повідомлення без @Payload() (pipe працює лише для параметрів із декоратором)',
      }),
    },
    overRedis,
  );
});

test(say({ en: 'app/main.ts starts the Redis side before the HTTP port answers', uk: 'app/main.ts запускає Redis-частину до того, як відповідає HTTP-порт' }), async () => {
  // Every behaviour was right; Redis subscribes within milliseconds here, so a start that the
  // bootstrap does not wait for works by accident: named on the source's shape.
  const wire: Wire = { kind: 'works-here' };
  if (detect(detectors, sceneOf(exerciseDir(), wire)).length === 0) return;
  throw await diagnose<Wire>(detectors, wire, { expected: '' }, { sent: 'app/main.ts' });
});
