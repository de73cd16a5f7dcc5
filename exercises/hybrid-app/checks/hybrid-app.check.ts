import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientProxy } from '@nestjs/microservices';
import { test } from 'vitest';
import { describeError, exerciseDir, fail, http, logs, mistake, pid, say, send, source, tcpClient } from 'learn-nest-micro/harness';

interface Task {
  id: number;
  title: string;
  via: 'http' | 'tcp';
}

const MAIN = 'app/main.ts';
const run = randomBytes(3).toString('hex');
let httpPid: number | undefined;
let tcpPid: number | undefined;

/** The app's log without colour codes. */
async function appLog(): Promise<string> {
  // eslint-disable-next-line no-control-regex
  return (await logs('app')).replace(/\x1b\[[0-9;]*m/g, '');
}

async function addressInUse(): Promise<string | undefined> {
  return (await appLog()).split('\n').find((l) => /EADDRINUSE/.test(l))?.trim();
}

/** main.ts without comments, so that a TODO that names an API does not count as calling it. */
function mainCode(): string {
  return source(MAIN).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

/** Every .ts file of the app folder, comments removed (to find where TasksService is provided). */
function appSources(): string[] {
  const dir = path.join(exerciseDir(), 'app');
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  } catch {
    return [];
  }
  return names.map((f) => readFileSync(path.join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''));
}

async function connectTcp(): Promise<{ client?: ClientProxy; errorText?: string }> {
  try {
    return { client: await tcpClient('TCP_PORT') };
  } catch (error) {
    return { errorText: describeError(error) };
  }
}

async function tcpSend<T>(pattern: object, data: unknown) {
  const { client, errorText } = await connectTcp();
  if (!client) {
    throw fail(
      say({
        en: `Nothing answers on TCP_PORT any more (${errorText}).`,
        uk: `На TCP_PORT більше ніхто не відповідає (${errorText}).`,
      }),
      { sent: { pattern, data }, received: errorText },
    );
  }
  return send<T>(client, pattern, data, { timeoutMs: 8000 });
}

const titles = (tasks: unknown): string[] => (Array.isArray(tasks) ? tasks.map((t) => (t as Task).title) : []);

test(say({ en: 'GET /whoami answers over HTTP on HTTP_PORT', uk: 'GET /whoami відповідає через HTTP на HTTP_PORT' }), async () => {
  const res = await http('HTTP_PORT', { timeoutMs: 10_000 }).get('/whoami');
  if (res.status === 0) {
    const inUse = await addressInUse();
    if (inUse) throw mistake('same-port', { sent: res.sent, received: res.received, original: inUse });
  }
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

test(say({ en: "{ cmd: 'whoami' } answers over TCP on TCP_PORT", uk: "{ cmd: 'whoami' } відповідає через TCP на TCP_PORT" }), async () => {
  const { client, errorText } = await connectTcp();
  if (!client) {
    const evidence = { sent: say({ en: `connect to TCP_PORT (${process.env.TCP_PORT})`, uk: `підключення до TCP_PORT (${process.env.TCP_PORT})` }), received: errorText };
    const code = mainCode();
    const inUse = await addressInUse();
    if (inUse) throw mistake('same-port', { ...evidence, original: inUse });
    if (/NestFactory\s*\.\s*create\s*(<[^>]*>)?\s*\([^;]*\btransport\s*:/.test(code) && !/connectMicroservice\s*(<[^>]*>)?\s*\(/.test(code)) {
      throw mistake('options-in-create', evidence);
    }
    if (!/connectMicroservice\s*(<[^>]*>)?\s*\(/.test(code)) {
      throw fail(
        say({
          en: 'Nothing listens on TCP_PORT: connect a TCP microservice to the app with app.connectMicroservice(...) in app/main.ts.',
          uk: 'На TCP_PORT ніхто не слухає: приєднайте до застосунку TCP-мікросервіс через app.connectMicroservice(...) в app/main.ts.',
        }),
        evidence,
      );
    }
    if (!/startAllMicroservices\s*\(/.test(code)) throw mistake('start-all-microservices-forgotten', evidence);
    throw fail(
      say({
        en: 'Nothing listens on TCP_PORT: does the connected microservice use Transport.TCP and the port from process.env.TCP_PORT?',
        uk: 'На TCP_PORT ніхто не слухає: чи використовує приєднаний мікросервіс Transport.TCP і порт з process.env.TCP_PORT?',
      }),
      evidence,
    );
  }
  const r = await send<{ pid: number }>(client, { cmd: 'whoami' }, {}, { timeoutMs: 8000 });
  if (!r.ok && /no matching message handler/.test(r.errorText)) {
    throw fail(
      say({
        en: "The app has no message handler for { cmd: 'whoami' }: add one to TasksMessagesController (and register that controller in AppModule).",
        uk: "У застосунку немає обробника повідомлень для { cmd: 'whoami' }: додайте його в TasksMessagesController (і зареєструйте цей контролер в AppModule).",
      }),
      r,
    );
  }
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
  if (added.status !== 201 || (added.body as Task | undefined)?.title !== title) {
    throw fail(
      say({
        en: 'POST /tasks should answer 201 with the new task.',
        uk: 'POST /tasks має відповідати 201 з новою задачею.',
      }),
      added,
    );
  }
  const listed = await tcpSend<Task[]>({ cmd: 'list_tasks' }, {});
  if (!listed.ok && /no matching message handler/.test(listed.errorText)) {
    throw fail(
      say({
        en: "The app has no message handler for { cmd: 'list_tasks' }.",
        uk: "У застосунку немає обробника повідомлень для { cmd: 'list_tasks' }.",
      }),
      listed,
    );
  }
  if (listed.ok && titles(listed.value).includes(title)) return;
  const providedTwice = appSources().filter((s) => /providers\s*:\s*\[[^\]]*\bTasksService\b/.test(s)).length > 1;
  const evidence = {
    sent: say({ en: `POST /tasks ${JSON.stringify({ title })}, then { cmd: 'list_tasks' }`, uk: `POST /tasks ${JSON.stringify({ title })}, потім { cmd: 'list_tasks' }` }),
    received: listed.received,
  };
  if (listed.ok && providedTwice) throw mistake('provider-not-shared', evidence);
  throw fail(
    say({
      en: "{ cmd: 'list_tasks' } should reply with every task, including the one just added over HTTP: both controllers must use the same TasksService.",
      uk: "{ cmd: 'list_tasks' } має відповідати всіма задачами, зокрема щойно доданою через HTTP: обидва контролери мають використовувати той самий TasksService.",
    }),
    evidence,
  );
});

test(say({ en: 'a task added over TCP is listed over HTTP', uk: 'задача, додана через TCP, є в списку через HTTP' }), async () => {
  const title = `tcp-${run}`;
  const added = await tcpSend<Task>({ cmd: 'add_task' }, { title });
  if (!added.ok && /no matching message handler/.test(added.errorText)) {
    throw fail(
      say({
        en: "The app has no message handler for { cmd: 'add_task' }.",
        uk: "У застосунку немає обробника повідомлень для { cmd: 'add_task' }.",
      }),
      added,
    );
  }
  if (!added.ok || added.value?.title !== title) {
    throw fail(
      say({
        en: "{ cmd: 'add_task' } should reply with the new task.",
        uk: "{ cmd: 'add_task' } має відповідати новою задачею.",
      }),
      added,
    );
  }
  const listed = await http('HTTP_PORT', { timeoutMs: 10_000 }).get('/tasks');
  if (listed.status === 200 && titles(listed.body).includes(title)) return;
  throw fail(
    say({
      en: 'GET /tasks should list the task just added over TCP: both controllers must use the same TasksService.',
      uk: 'GET /tasks має показувати задачу, щойно додану через TCP: обидва контролери мають використовувати той самий TasksService.',
    }),
    {
      sent: say({ en: `{ cmd: 'add_task' } ${JSON.stringify({ title })}, then GET /tasks`, uk: `{ cmd: 'add_task' } ${JSON.stringify({ title })}, потім GET /tasks` }),
      received: listed.received,
    },
  );
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
  const overTcp = await tcpSend<Task>({ cmd: 'add_task' }, { title: `  padded-tcp-${run}  ` });
  if (overTcp.ok && overTcp.value?.title === `padded-tcp-${run}`) return;
  const code = mainCode();
  const connectAt = code.search(/connectMicroservice\s*(<[^>]*>)?\s*\(/);
  const pipesAt = code.search(/useGlobalPipes\s*\(/);
  if (overTcp.ok && !/inheritAppConfig\s*:\s*true/.test(code)) throw mistake('inherit-app-config-missing', overTcp);
  if (overTcp.ok && connectAt >= 0 && pipesAt > connectAt) throw mistake('global-pipe-after-connect', overTcp);
  throw fail(
    say({
      en: "{ cmd: 'add_task' } with a padded title should store it trimmed, like POST /tasks does.",
      uk: "{ cmd: 'add_task' } з назвою, оточеною пробілами, має зберігати її з обрізаними пробілами, як це робить POST /tasks.",
    }),
    overTcp,
  );
});
