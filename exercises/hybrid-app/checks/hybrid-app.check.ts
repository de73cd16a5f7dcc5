import { randomBytes } from 'node:crypto';
import type { ClientProxy } from '@nestjs/microservices';
import { test } from 'vitest';
import { describeError, detect, diagnose, exerciseDir, fail, http, pid, plainFailure, port, say, sceneOf, send, tcpClient, type Evidence } from 'learn-nest-micro/harness';
import { detectors, type Wire } from './diagnoses';

interface Task {
  id: number;
  title: string;
  via: 'http' | 'tcp';
}

const run = randomBytes(3).toString('hex');
let httpPid: number | undefined;
let tcpPid: number | undefined;
/** The task the HTTP-then-TCP test added over HTTP, for the ids of the next one. */
let httpTask: Task | undefined;

const ports = (): { httpPort: number; tcpPort: number } => ({ httpPort: port('HTTP_PORT'), tcpPort: port('TCP_PORT') });

async function connectTcp(): Promise<{ client?: ClientProxy; errorText?: string }> {
  try {
    return { client: await tcpClient('TCP_PORT') };
  } catch (error) {
    return { errorText: describeError(error) };
  }
}

/** What a closed TCP_PORT can mean, none of the causes singled out. */
const tcpDownMeaning = (): string =>
  say({
    en: 'no TCP microservice listens on TCP_PORT: none is connected to the app (app.connectMicroservice in app/main.ts), it is connected but never started, it uses another transport or port, or the app crashed (its log is below)',
    uk: 'на TCP_PORT не слухає жоден TCP-мікросервіс: його не приєднано до застосунку (app.connectMicroservice в app/main.ts), приєднано, але не запущено, він використовує інший транспорт чи порт, або застосунок упав (його журнал нижче)',
  });

async function tcpSend<T>(pattern: object, data: unknown) {
  const { client, errorText } = await connectTcp();
  if (!client) {
    throw await diagnose<Wire>(
      detectors,
      { kind: 'tcp-down', ...ports() },
      { expected: say({ en: `Something should still answer on TCP_PORT (${port('TCP_PORT')}).`, uk: `На TCP_PORT (${port('TCP_PORT')}) і далі має хтось відповідати.` }), meaning: tcpDownMeaning() },
      { sent: { pattern, data }, received: errorText },
    );
  }
  return send<T>(client, pattern, data, { timeoutMs: 8000 });
}

/** Nest's TCP server answers a pattern it has no handler for with this text: a fact, not a guess. */
function noHandler(pattern: string, r: { ok: boolean; errorText?: string } & Evidence): Error | undefined {
  if (r.ok || !/no matching message handler/.test(r.errorText ?? '')) return undefined;
  return plainFailure(
    {
      expected: say({ en: `The app should have a message handler for ${pattern}.`, uk: `У застосунку має бути обробник повідомлень для ${pattern}.` }),
      meaning: say({
        en: `the app's TCP server knows no handler for ${pattern}: the handler is missing, its @MessagePattern names another pattern, or TasksMessagesController is not in AppModule's controllers`,
        uk: `TCP-сервер застосунку не знає обробника для ${pattern}: обробника немає, його @MessagePattern має інший шаблон, або TasksMessagesController немає в controllers модуля AppModule`,
      }),
    },
    r,
  );
}

/** A task missing from the other transport's list: ./diagnoses names a cause only on evidence of its own. */
async function notShared(addedVia: 'http' | 'tcp', expected: string, evidence: Evidence): Promise<Error> {
  return diagnose<Wire>(
    detectors,
    { kind: 'task-not-shared', addedVia },
    {
      expected,
      meaning: say({
        en: 'the two transports do not read the same list: HTTP and TCP handlers use different TasksService instances, or a handler does not answer with the service\'s list',
        uk: 'два транспорти читають не той самий список: обробники HTTP і TCP використовують різні екземпляри TasksService, або обробник відповідає не списком із сервісу',
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
  if (res.status === 200 && typeof body?.pid === 'number') {
    httpPid = body.pid;
    return;
  }
  const expected = say({
    en: 'GET /whoami should answer 200 { pid: <the process id> }.',
    uk: 'GET /whoami має відповідати 200 { pid: <ідентифікатор процесу> }.',
  });
  if (res.status !== 0) throw fail(expected, res);
  throw await diagnose<Wire>(
    detectors,
    { kind: 'http-down', ...ports() },
    {
      expected,
      meaning: say({
        en: 'nothing answers on HTTP_PORT any more: the app stopped after it started listening (a crash: its log is below), or HTTP listens on another port',
        uk: 'на HTTP_PORT більше ніхто не відповідає: застосунок зупинився після того, як почав слухати (збій: його журнал нижче), або HTTP слухає інший порт',
      }),
    },
    res,
  );
});

test(say({ en: "{ cmd: 'whoami' } answers over TCP on TCP_PORT", uk: "{ cmd: 'whoami' } відповідає через TCP на TCP_PORT" }), async () => {
  const { client, errorText } = await connectTcp();
  if (!client) {
    throw await diagnose<Wire>(
      detectors,
      { kind: 'tcp-down', ...ports() },
      { expected: say({ en: `A TCP microservice of the app should listen on TCP_PORT (${port('TCP_PORT')}).`, uk: `TCP-мікросервіс застосунку має слухати TCP_PORT (${port('TCP_PORT')}).` }), meaning: tcpDownMeaning() },
      { sent: say({ en: `connect to TCP_PORT (${port('TCP_PORT')})`, uk: `підключення до TCP_PORT (${port('TCP_PORT')})` }), received: errorText },
    );
  }
  const r = await send<{ pid: number }>(client, { cmd: 'whoami' }, {}, { timeoutMs: 8000 });
  const missing = noHandler("{ cmd: 'whoami' }", r);
  if (missing) throw missing;
  if (!r.ok || typeof r.value?.pid !== 'number') {
    throw fail(
      say({
        en: "{ cmd: 'whoami' } should reply with { pid: process.pid }.",
        uk: "{ cmd: 'whoami' } має відповідати { pid: process.pid }.",
      }),
      r,
    );
  }
  tcpPid = r.value.pid;
});

test(say({ en: 'HTTP and TCP are answered by one and the same process', uk: 'на HTTP і TCP відповідає один і той самий процес' }), async () => {
  const appPid = await pid('app');
  if (httpPid !== appPid || tcpPid !== appPid) {
    throw fail(
      say({
        en: 'GET /whoami and { cmd: "whoami" } should both report the pid of the one app process the checker started.',
        uk: 'GET /whoami і { cmd: "whoami" } мають повідомляти pid того самого єдиного процесу застосунку, який запустила перевірка.',
      }),
      {
        sent: "GET /whoami, { cmd: 'whoami' }",
        received: say({
          en: `HTTP says pid ${httpPid}, TCP says pid ${tcpPid}, the app process is ${appPid}`,
          uk: `HTTP повідомляє pid ${httpPid}, TCP повідомляє pid ${tcpPid}, процес застосунку — ${appPid}`,
        }),
      },
    );
  }
});

test(say({ en: 'a task added over HTTP is listed over TCP', uk: 'задача, додана через HTTP, є в списку через TCP' }), async () => {
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
  const listed = await tcpSend<Task[]>({ cmd: 'list_tasks' }, {});
  const missing = noHandler("{ cmd: 'list_tasks' }", listed);
  if (missing) throw missing;
  if (listed.ok && Array.isArray(listed.value) && listed.value.some((t) => sameTask(t, task))) return;
  const sent = say({ en: `POST /tasks ${JSON.stringify({ title })}, then { cmd: 'list_tasks' }`, uk: `POST /tasks ${JSON.stringify({ title })}, потім { cmd: 'list_tasks' }` });
  const expected = say({
    en: `{ cmd: 'list_tasks' } should reply with every task, including the one just added over HTTP (${JSON.stringify(task)}).`,
    uk: `{ cmd: 'list_tasks' } має відповідати всіма задачами, зокрема щойно доданою через HTTP (${JSON.stringify(task)}).`,
  });
  if (!listed.ok) throw fail(expected, { sent, received: listed.received, errorText: listed.errorText });
  throw await notShared('http', expected, { sent, received: listed.received });
});

test(say({ en: 'a task added over TCP is listed over HTTP', uk: 'задача, додана через TCP, є в списку через HTTP' }), async () => {
  const title = `tcp-${run}`;
  const added = await tcpSend<Task>({ cmd: 'add_task' }, { title });
  const missing = noHandler("{ cmd: 'add_task' }", added);
  if (missing) throw missing;
  // The lesson's add handler records the task as added via 'tcp', and one store gives one sequence of ids.
  if (!added.ok || added.value?.title !== title || added.value.via !== 'tcp' || typeof added.value.id !== 'number' || added.value.id === httpTask?.id) {
    throw fail(
      say({
        en: `{ cmd: 'add_task' } should reply with the new task: { id, title, via: 'tcp' }, its id not that of the task added over HTTP (${JSON.stringify(httpTask)}).`,
        uk: `{ cmd: 'add_task' } має відповідати новою задачею: { id, title, via: 'tcp' }, і її id не той, що в задачі, доданої через HTTP (${JSON.stringify(httpTask)}).`,
      }),
      added,
    );
  }
  const task = added.value;
  const listed = await http('HTTP_PORT', { timeoutMs: 10_000 }).get('/tasks');
  if (listed.status === 200 && Array.isArray(listed.body) && listed.body.some((t) => sameTask(t, task))) return;
  const expected = say({
    en: `GET /tasks should list the task just added over TCP (${JSON.stringify(task)}).`,
    uk: `GET /tasks має показувати задачу, щойно додану через TCP (${JSON.stringify(task)}).`,
  });
  const evidence = {
    sent: say({ en: `{ cmd: 'add_task' } ${JSON.stringify({ title })}, then GET /tasks`, uk: `{ cmd: 'add_task' } ${JSON.stringify({ title })}, потім GET /tasks` }),
    received: listed.received,
  };
  if (listed.status !== 200) throw fail(expected, evidence);
  throw await notShared('tcp', expected, evidence);
});

test(say({ en: 'the global TrimPipe applies over HTTP and over TCP', uk: 'глобальний TrimPipe діє і через HTTP, і через TCP' }), async () => {
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
  const padded = `  padded-tcp-${run}  `;
  const overTcp = await tcpSend<Task>({ cmd: 'add_task' }, { title: padded });
  if (overTcp.ok && overTcp.value?.title === padded.trim()) return;
  const expected = say({
    en: "{ cmd: 'add_task' } with a padded title should store it trimmed, like POST /tasks does.",
    uk: "{ cmd: 'add_task' } з назвою, оточеною пробілами, має зберігати її з обрізаними пробілами, як це робить POST /tasks.",
  });
  if (!overTcp.ok || overTcp.value?.title !== padded) throw fail(expected, overTcp);
  throw await diagnose<Wire>(
    detectors,
    { kind: 'tcp-title-untrimmed' },
    {
      expected,
      meaning: say({
        en: "the global pipe ran for the HTTP route and not for the message handler: the microservice does not share the app's global enhancers, the pipe was registered after the microservice was built, or the handler reads its payload without @Payload() (a pipe only runs for decorated parameters)",
        uk: 'глобальний pipe спрацював для HTTP-маршруту, а для обробника повідомлень — ні: мікросервіс не отримує глобальних enhancers застосунку, pipe зареєстровано вже після того, як мікросервіс було побудовано, або обробник читає дані повідомлення без @Payload() (pipe працює лише для параметрів із декоратором)',
      }),
    },
    overTcp,
  );
});

test(say({ en: 'app/main.ts starts the TCP side before the HTTP port answers', uk: 'app/main.ts запускає TCP-частину до того, як відповідає HTTP-порт' }), async () => {
  // Every behaviour was right; over TCP the port opens within milliseconds whatever the order, so a
  // start that the bootstrap does not wait for works here by accident: named on the source's shape.
  const wire: Wire = { kind: 'works-here' };
  if (detect(detectors, sceneOf(exerciseDir(), wire)).length === 0) return;
  throw await diagnose<Wire>(detectors, wire, { expected: '' }, { sent: 'app/main.ts' });
});
