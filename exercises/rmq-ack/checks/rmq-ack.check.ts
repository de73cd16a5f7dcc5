import { Logger } from '@nestjs/common';
import { ClientRMQ, type ClientProxy } from '@nestjs/microservices';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, test } from 'vitest';
import { detect, diagnose, env, eventually, exerciseDir, fail, kill, logs, say, sceneOf, send, start, type Detector, type Evidence, type Plainly, type SendResult } from 'learn-nest-micro/harness';
import { detectors, type Wire } from './diagnoses';

interface User {
  id: number;
  email: string;
  name: string;
}
interface Snapshot {
  users: User[];
  deleted: string[];
  attempts: Record<string, number>;
}

const RMQ_URL = env('RMQ_URL');
const QUEUE = env('USER_QUEUE');
const AUDIT = env('AUDIT_QUEUE');
const SERVICE = 'users';
/** A failed message may be tried again a few times (a bounded retry), but never in a loop. */
const BOUNDED = 3;

/** How producers declare USER_QUEUE: the contract the lesson and the starter state. */
const QUEUE_CONTRACT = { durable: true };

let amqp: ChannelModel | undefined;
let client: ClientProxy | undefined;

beforeAll(async () => {
  // The client's own 'connected' log lines would land in the checker's output.
  Logger.overrideLogger(false);
  amqp = await connect(RMQ_URL);
  amqp.on('error', () => undefined);
});

afterAll(async () => {
  // Stop the service first, so that nothing declares the queues again after they are deleted.
  await kill(SERVICE).catch(() => undefined);
  await client?.close().catch(() => undefined);
  for (const queue of [QUEUE, AUDIT]) await onChannel((ch) => ch.deleteQueue(queue));
  await amqp?.close().catch(() => undefined);
});

type Outcome<T> = { ok: true; value: T } | { ok: false; errorText: string };

/** Runs one operation on a throwaway channel: RabbitMQ closes a channel on any refused operation. */
async function onChannel<T>(op: (ch: Channel) => Promise<T>): Promise<Outcome<T>> {
  if (!amqp) return { ok: false, errorText: say({ en: 'no connection to RabbitMQ', uk: 'немає зʼєднання з RabbitMQ' }) };
  let ch: Channel | undefined;
  try {
    ch = await amqp.createChannel();
    ch.on('error', () => undefined);
    const value = await op(ch);
    await ch.close().catch(() => undefined);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, errorText: (error as Error).message };
  }
}

async function queueState(queue: string): Promise<{ messageCount: number; consumerCount: number } | undefined> {
  const r = await onChannel((ch) => ch.checkQueue(queue));
  return r.ok ? r.value : undefined;
}

/** A Nest RMQ client, as a gateway would have; it does not declare the queue (test 1 checks that). */
async function users(): Promise<ClientProxy> {
  if (!client) {
    const rmq = new ClientRMQ({ urls: [RMQ_URL], queue: QUEUE, queueOptions: QUEUE_CONTRACT, noAssert: true, persistent: true });
    await rmq.connect();
    // The harness types send() for the plain ClientProxy; ClientRMQ narrows its status type.
    client = rmq as unknown as ClientProxy;
  }
  return client;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// A failure asks ./diagnoses whether a named mistake explains it: each detector needs evidence only
// its mistake leaves (the code's shape), never the symptom alone. Otherwise the learner reads plainly
// what was expected, what came back, and what that can mean.
/** diagnose(), with a place in the learner's code that a detector found shown as part of what came back (it is not NestJS's words). */
async function explain(wire: Wire, plainly: Plainly, evidence: Evidence = {}): Promise<Error> {
  const [finding] = detect(detectors, sceneOf(exerciseDir(), wire));
  if (!finding?.line) return diagnose(detectors, wire, plainly, evidence);
  const quiet = detectors.map((d): Detector<Wire> => ({ ...d, evidence: (scene) => { const e = d.evidence(scene); return e !== false && e !== ''; } }));
  return diagnose(quiet, wire, plainly, { ...evidence, received: [evidence.received, finding.line].filter((x) => x !== undefined).join('\n') });
}

/** After a test's behaviour was right: a mistake that works only on RabbitMQ is named on its source shape. */
async function worksOnRabbitmq(test: 'user_create' | 'user_deleted', sent: unknown): Promise<void> {
  const wire: Wire = { kind: 'works-on-rabbitmq', test };
  if (detect(detectors, sceneOf(exerciseDir(), wire)).length > 0) throw await explain(wire, { expected: '' }, { sent });
}

/** RabbitMQ closed the service's channel (its log says why): checked whenever an answer does not come. */
async function diagnoseCrash(evidence: { sent?: unknown; received?: unknown }): Promise<void> {
  const line = (await logs(SERVICE)).split('\n').find((l) => /unknown delivery tag|reply consumer cannot acknowledge/.test(l))?.trim();
  if (!line) return;
  throw await explain({ kind: 'crashed', line }, {
    expected: say({ en: 'RabbitMQ closed the service\'s channel: the service should settle each delivery exactly once, on the channel it came from.', uk: 'RabbitMQ закрив канал сервісу: сервіс має завершувати кожну доставку рівно один раз і на тому каналі, яким вона прийшла.' }),
    meaning: say({
      en: "'unknown delivery tag' means an ack or nack named a delivery the broker no longer holds as unacked: settled a second time, settled under automatic acknowledgement, or already settled together with others (allUpTo). 'reply consumer cannot acknowledge' means a client acked a reply it receives through direct reply-to.",
      uk: "'unknown delivery tag' означає, що ack чи nack назвав доставку, яку брокер уже не вважає непідтвердженою: її завершено вдруге, завершено за автоматичного підтвердження або вже завершено разом з іншими (allUpTo). 'reply consumer cannot acknowledge' означає, що клієнт підтвердив відповідь, яку отримує через direct reply-to.",
    }),
  }, { ...evidence, original: line });
}

/** A request that gives up early when the service has crashed with a known signature. */
async function request<T>(pattern: unknown, data: unknown, timeoutMs: number): Promise<SendResult<T>> {
  let answered = false;
  const reply = send<T>(await users(), pattern, data, { timeoutMs }).finally(() => {
    answered = true;
  });
  const crashed = (async () => {
    while (!answered) {
      const log = await logs(SERVICE).catch(() => '');
      if (/unknown delivery tag|reply consumer cannot acknowledge/.test(log)) return true;
      await sleep(200);
    }
    return false;
  })();
  const first = await Promise.race([reply, crashed.then((yes) => (yes ? undefined : reply))]);
  if (first === undefined) await diagnoseCrash({ sent: { pattern, data }, received: say({ en: 'no reply: the service crashed', uk: 'відповіді немає: сервіс упав' }) });
  return first ?? reply;
}

async function snapshot(timeoutMs = 3000): Promise<Snapshot | undefined> {
  const r = await send<Snapshot>(await users(), { cmd: 'users' }, {}, { timeoutMs });
  return r.ok && r.value && Array.isArray(r.value.users) ? r.value : undefined;
}

async function emit(pattern: string, data: unknown): Promise<void> {
  await lastValueFrom((await users()).emit(pattern, data), { defaultValue: undefined });
}

/** Takes every message waiting in a queue: AUDIT_QUEUE (the check is its only consumer), or USER_QUEUE once the service is dead. */
async function drain(queue: string): Promise<{ content: string; deliveryMode: unknown }[]> {
  const r = await onChannel(async (ch) => {
    const got: { content: string; deliveryMode: unknown }[] = [];
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (!m) return got;
      got.push({ content: m.content.toString(), deliveryMode: m.properties.deliveryMode });
    }
  });
  return r.ok ? r.value : [];
}

/** Kills the service and returns what RabbitMQ then holds for USER_QUEUE: the unacked messages are back in it. */
async function queueAfterKill(): Promise<number | undefined> {
  await kill(SERVICE, 'SIGKILL');
  const gone = await eventually(async () => (await queueState(QUEUE))?.consumerCount === 0, { timeoutMs: 8000, intervalMs: 50 });
  if (!gone) return undefined;
  await sleep(300);
  return (await queueState(QUEUE))?.messageCount;
}

test(say({ en: 'the service consumes USER_QUEUE, declared durable like its producers declare it', uk: 'сервіс споживає USER_QUEUE, оголошену стійкою (durable) так само, як її оголошують продюсери' }), async () => {
  const state = await queueState(QUEUE);
  if (!state) throw fail(say({ en: `Queue ${QUEUE} does not exist after the service started. Consume the queue named by process.env.USER_QUEUE.`, uk: `Черги ${QUEUE} не існує після запуску сервісу. Споживайте чергу, названу в process.env.USER_QUEUE.` }));
  if (state.consumerCount === 0) throw fail(say({ en: `Nobody consumes ${QUEUE}. The microservice should listen on the queue named by process.env.USER_QUEUE.`, uk: `Ніхто не споживає ${QUEUE}. Мікросервіс має слухати чергу, названу в process.env.USER_QUEUE.` }));
  const sent = `assertQueue('${QUEUE}', ${JSON.stringify(QUEUE_CONTRACT)})`;
  const declared = await onChannel((ch) => ch.assertQueue(QUEUE, QUEUE_CONTRACT));
  if (!declared.ok) {
    const evidence = { sent, received: declared.errorText };
    throw await explain({ kind: 'declare-refused', errorText: declared.errorText }, {
      expected: say({ en: `A producer could not declare ${QUEUE} the agreed way (${JSON.stringify(QUEUE_CONTRACT)}).`, uk: `Продюсер не зміг оголосити ${QUEUE} так, як домовлено (${JSON.stringify(QUEUE_CONTRACT)}).` }),
      meaning: say({ en: 'RabbitMQ refuses a declaration whose options differ from those of the queue as it exists: the broker\'s words name the option that differs.', uk: 'RabbitMQ відмовляє в оголошенні, чиї параметри відрізняються від параметрів наявної черги: слова брокера називають параметр, що відрізняється.' }),
    }, evidence);
  }
});

test(say({ en: 'user_create is answered with the new user', uk: 'на user_create приходить відповідь із новим користувачем' }), async () => {
  const data = { email: 'ada@example.com', name: 'Ada' };
  const r = await request<User>('user_create', data, 10_000);
  if (!r.ok && /^no reply within/.test(r.errorText)) {
    throw await explain({ kind: 'no-reply', pattern: 'user_create' }, {
      expected: say({ en: 'user_create got no answer.', uk: 'user_create не отримав відповіді.' }),
      meaning: say({ en: 'the handler did not return: it is still waiting for something, or it never ran (the message is not consumed, or nothing handles the pattern).', uk: 'обробник не повернув результату: він досі на щось чекає або зовсім не запускався (повідомлення ніхто не споживає чи шаблон ніхто не обробляє).' }),
    }, r);
  }
  if (!r.ok) throw fail(say({ en: 'user_create got an error instead of the new user.', uk: 'user_create отримав помилку замість нового користувача.' }), r);
  if (r.value?.email !== data.email || typeof r.value.id !== 'number') throw fail(say({ en: 'user_create should answer with the created user ({ id, email, name }).', uk: 'user_create має відповідати створеним користувачем ({ id, email, name }).' }), r);

  const audit = await eventually(async () => (await drain(AUDIT)).find((m) => m.content.includes(data.email)), { timeoutMs: 3000, intervalMs: 100 });
  if (!audit) throw fail(say({ en: `user_create answered, but no user_created event for ${data.email} reached ${AUDIT}: emit it before you acknowledge.`, uk: `user_create відповів, але жодна подія user_created для ${data.email} не дійшла до ${AUDIT}: опублікуйте її до підтвердження.` }), { sent: data });
  if (audit.deliveryMode !== 2) {
    throw await explain({ kind: 'audit-mode', deliveryMode: audit.deliveryMode }, {
      expected: say({ en: `The user_created event in ${AUDIT} should be persistent (deliveryMode 2), so that a broker restart does not lose it.`, uk: `Подія user_created у ${AUDIT} має бути збереженою (deliveryMode 2), щоб перезапуск брокера її не втратив.` }),
      meaning: say({ en: 'the producer published it as a transient message: the deliveryMode of a message is set by whoever publishes it.', uk: 'продюсер опублікував її як тимчасове повідомлення: deliveryMode задає той, хто публікує.' }),
    }, { sent: data, received: say({ en: `the user_created event in ${AUDIT} has deliveryMode ${String(audit.deliveryMode)}; 2 means persistent`, uk: `подія user_created у ${AUDIT} має deliveryMode ${String(audit.deliveryMode)}; 2 означає збережене (persistent)` }) });
  }
  const pattern = (JSON.parse(audit.content) as { pattern?: unknown }).pattern;
  if (pattern !== 'user_created') throw fail(say({ en: `The event in ${AUDIT} should have the pattern 'user_created': the audit service subscribes by that name.`, uk: `Подія в ${AUDIT} має мати шаблон 'user_created': сервіс аудиту підписується саме на цю назву.` }), { sent: data, received: audit.content });
  if (r.value.name !== data.name) throw fail(say({ en: `user_create should answer with the user as created, name included: expected name '${data.name}'.`, uk: `user_create має відповідати створеним користувачем разом з іменем: очікувалося ім'я '${data.name}'.` }), { sent: data, received: r.value });
  // The audit queue keeps its events through a broker restart only if it is durable: declare it as its consumer would.
  const auditDeclared = await onChannel((ch) => ch.assertQueue(AUDIT, { durable: true }));
  if (!auditDeclared.ok) throw fail(say({ en: `The audit consumer could not declare ${AUDIT} durable: the audit client declares it otherwise (queueOptions in users.module.ts).`, uk: `Споживач аудиту не зміг оголосити ${AUDIT} стійкою (durable): клієнт аудиту оголошує її інакше (queueOptions у users.module.ts).` }), { sent: `assertQueue('${AUDIT}', { durable: true })`, received: auditDeclared.errorText });

  // A redelivered user_create must not create the user twice: the same e-mail gives the same user.
  const again = await request<User>('user_create', data, 10_000);
  if (!again.ok || again.value?.id !== r.value.id) throw fail(say({ en: `user_create sent again for ${data.email} should answer with the same user (id ${r.value.id}): the service is idempotent.`, uk: `Повторний user_create для ${data.email} має повернути того самого користувача (id ${r.value.id}): сервіс ідемпотентний.` }), { sent: data, received: again.ok ? again.value : again.errorText });

  // An emit() nobody awaits works here because Nest's emit() publishes at once; but the ack then goes out before RabbitMQ has confirmed the event.
  await worksOnRabbitmq('user_create', data);
}, 30_000);

test(say({ en: 'user_deleted removes the user, and a second one changes nothing', uk: 'user_deleted видаляє користувача, а повторна подія нічого не змінює' }), async () => {
  const email = 'gone@example.com';
  const created = await request<User>('user_create', { email, name: 'Gone' }, 10_000);
  if (!created.ok) throw fail(say({ en: 'user_create got no answer.', uk: 'user_create не отримав відповіді.' }), created);
  await emit('user_deleted', { email });
  await emit('user_deleted', { email });
  const sent = { event: 'user_deleted', data: { email }, times: 2 };
  const snap = await eventually(async () => {
    const s = await snapshot(1500);
    return s && (s.attempts[`user_deleted:${email}`] ?? 0) >= 2 ? s : undefined;
  }, { timeoutMs: 8000, intervalMs: 200 });
  if (!snap) {
    await diagnoseCrash({ sent });
    throw fail(say({ en: 'Two user_deleted events were emitted, but the service did not handle both (its attempts counter for them stayed below 2).', uk: 'Надіслано дві події user_deleted, але сервіс не обробив обидві (лічильник спроб для них лишився меншим за 2).' }), { sent, received: (await snapshot(1500)) ?? say({ en: 'no answer to { cmd: "users" }', uk: 'немає відповіді на { cmd: "users" }' }) });
  }
  const deletedTimes = snap.deleted.filter((e) => e === email).length;
  if (snap.users.some((u) => u.email === email) || deletedTimes !== 1) {
    throw fail(say({ en: `After user_deleted, ${email} should be gone from users and listed once in deleted.`, uk: `Після user_deleted ${email} має зникнути з users і бути один раз у deleted.` }), { sent, received: snap });
  }
  // An event bound with @MessagePattern, or the query with @EventPattern, works here because Nest finds
  // handlers by pattern alone and over RabbitMQ answers a send() with whatever the handler returns.
  await worksOnRabbitmq('user_deleted', sent);
}, 30_000);

test(say({ en: 'a burst of 50 user_create is answered and leaves the queue empty', uk: 'пачка з 50 user_create отримує відповіді й лишає чергу порожньою' }), async () => {
  const emails = Array.from({ length: 50 }, (_, i) => `burst-${i}@example.com`);
  const c = await users();
  const replies = await Promise.all(emails.map((email) => send<User>(c, 'user_create', { email }, { timeoutMs: 10_000 })));
  const answered = replies.filter((r) => r.ok).length;
  const sent = `50 × user_create { email: 'burst-<n>@example.com' }`;
  if (answered < emails.length) {
    await diagnoseCrash({ sent, received: say({ en: `${answered} replies`, uk: `відповідей: ${answered}` }) });
    const waiting = (await queueState(QUEUE))?.messageCount ?? 0;
    if (waiting > 0) {
      throw await explain({ kind: 'burst-stalled', answered, waiting }, {
        expected: say({ en: `All 50 requests should be answered; the consumer stopped taking messages from ${QUEUE}.`, uk: `Відповідь мають отримати всі 50 запитів; споживач перестав брати повідомлення з ${QUEUE}.` }),
        meaning: say({ en: `RabbitMQ delivers no more once prefetchCount messages are unacked: messages the handlers finished without settling, or handlers that never finish (they wait for something that does not come).`, uk: `RabbitMQ більше не доставляє, щойно непідтверджених повідомлень набирається prefetchCount: обробники завершили їх, не підтвердивши, або обробники ніколи не завершуються (чекають на те, що не приходить).` }),
      }, { sent, received: say({ en: `${answered} replies; ${waiting} messages still waiting in ${QUEUE}`, uk: `відповідей: ${answered}; повідомлень, що досі чекають у ${QUEUE}: ${waiting}` }) });
    }
    throw fail(say({ en: `Only ${answered} of 50 requests were answered.`, uk: `Відповідь отримали лише ${answered} із 50 запитів.` }), { sent, received: replies.find((r) => !r.ok)?.errorText });
  }
  const snap = await snapshot();
  const missing = emails.filter((email) => !snap?.users.some((u) => u.email === email));
  if (!snap || missing.length > 0) throw fail(say({ en: `{ cmd: 'users' } should list every created user; missing ${missing.length}.`, uk: `{ cmd: 'users' } має перелічувати всіх створених користувачів; бракує: ${missing.length}.` }), { sent: { cmd: 'users' }, received: snap });
  const waiting = (await queueState(QUEUE))?.messageCount ?? 0;
  if (waiting > 0) throw fail(say({ en: `All requests were answered, yet ${waiting} message(s) still wait in ${QUEUE}.`, uk: `Усі запити отримали відповідь, але в ${QUEUE} досі чекають повідомлення: ${waiting}.` }), { sent });
}, 30_000);

test(say({ en: 'killed in the middle of a message, the service gives back only that message, and once restarted does the work', uk: 'вбитий посеред повідомлення, сервіс повертає лише це повідомлення, а після перезапуску виконує роботу' }), async () => {
  const email = 'slow@example.com';
  const data = { email, name: 'Slow', slowMs: 3000 };
  const c = await users();
  const reply = send<User>(c, 'user_create', data, { timeoutMs: 30_000 });
  const working = await eventually(async () => /user_create slow@example\.com: attempt 1 started/.test(await logs(SERVICE)), { timeoutMs: 10_000, intervalMs: 50 });
  if (!working) {
    await diagnoseCrash({ sent: data });
    throw fail(say({ en: 'The service never started working on the slow message (no "user_create slow@example.com: attempt 1 started" in its log).', uk: 'Сервіс так і не почав працювати над повільним повідомленням (у його лозі немає "user_create slow@example.com: attempt 1 started").' }), { sent: data });
  }
  // Whatever a consumer has not acknowledged returns to the queue when its connection goes away:
  // after everything before was acked, that is exactly the slow message.
  const returned = await queueAfterKill();
  const killed = say({ en: `${JSON.stringify(data)}, and the service killed while working on it (after the burst and the users queries)`, uk: `${JSON.stringify(data)}, і сервіс вбито, поки він над ним працював (після пачки запитів і запитів { cmd: 'users' })` });
  if (returned === undefined) throw fail(say({ en: `The service was killed but RabbitMQ still saw a consumer on ${QUEUE} after 8 s.`, uk: `Сервіс вбито, але через 8 с RabbitMQ досі бачив споживача на ${QUEUE}.` }));
  if (returned > 1) {
    throw await explain({ kind: 'returned-after-kill', returned }, {
      expected: say({ en: `Only the slow message should come back to ${QUEUE} when the service is killed: everything before it was handled.`, uk: `Після вбивства сервісу в ${QUEUE} має повернутися лише повільне повідомлення: усе, що було до нього, уже оброблено.` }),
      meaning: say({ en: 'messages that were delivered earlier were still unacked: handlers that finished without settling them, or handlers that never finished.', uk: 'раніше доставлені повідомлення досі були непідтвердженими: обробники завершилися, не підтвердивши їх, або так і не завершилися.' }),
    }, { sent: killed, received: say({ en: `${returned} messages came back to ${QUEUE}, not just the slow one`, uk: `у ${QUEUE} повернулося повідомлень: ${returned}, а не лише повільне` }) });
  }
  if (returned === 0 && /user_create slow@example\.com: done/.test(await logs(SERVICE))) {
    throw fail(say({ en: 'The slow message finished before the check could kill the service (the machine is very busy). Run the check again.', uk: 'Повільне повідомлення завершилося раніше, ніж перевірка встигла вбити сервіс (машина дуже завантажена). Запустіть перевірку ще раз.' }), { sent: killed });
  }
  if (returned === 0) {
    throw await explain({ kind: 'returned-after-kill', returned }, {
      expected: say({ en: `The slow message should come back to ${QUEUE} when the service is killed in the middle of its work.`, uk: `Повільне повідомлення має повернутися в ${QUEUE}, коли сервіс вбито посеред його роботи.` }),
      meaning: say({ en: 'the message in progress was already settled, so it is lost: acknowledged before its work was done, or acknowledged automatically on delivery.', uk: 'повідомлення в обробці вже було завершене, тож його втрачено: підтверджене до завершення роботи або автоматично під час доставки.' }),
    }, { sent: killed, received: say({ en: `nothing came back to ${QUEUE}`, uk: `у ${QUEUE} нічого не повернулося` }) });
  }
  await start(SERVICE);
  const done = await eventually(async () => (await snapshot(1500))?.users.some((u) => u.email === email), { timeoutMs: 12_000, intervalMs: 250 });
  if (!done) {
    throw fail(say({ en: 'The message survived the crash but the restarted service did not process it.', uk: 'Повідомлення пережило збій, але перезапущений сервіс його не обробив.' }), { sent: killed, received: say({ en: `the restarted service never created ${email}`, uk: `перезапущений сервіс так і не створив ${email}` }) });
  }
  const answer = await reply;
  if (!answer.ok || answer.value?.email !== email) throw fail(say({ en: 'The restarted service created the user, but the waiting caller got no answer.', uk: 'Перезапущений сервіс створив користувача, але клієнт, що чекав, не отримав відповіді.' }), answer);
}, 45_000);

/** How many messages the service may have unacknowledged at once: the exercise's prefetchCount. */
const IN_FLIGHT = 10;

test(say({ en: `at most ${IN_FLIGHT} messages are in flight at once`, uk: `одночасно в обробці щонайбільше ${IN_FLIGHT} повідомлень` }), async () => {
  const count = IN_FLIGHT + 4;
  const emails = Array.from({ length: count }, (_, i) => `inflight-${i}@example.com`);
  const c = await users();
  const replies = await Promise.all(emails.map((email) => send<User>(c, 'user_create', { email, slowMs: 1000 }, { timeoutMs: 20_000 })));
  const sent = say({ en: `${count} × user_create { email: 'inflight-<n>@example.com', slowMs: 1000 } at once`, uk: `${count} × user_create { email: 'inflight-<n>@example.com', slowMs: 1000 } одночасно` });
  const answered = replies.filter((r) => r.ok).length;
  if (answered < count) {
    await diagnoseCrash({ sent });
    throw fail(say({ en: `Only ${answered} of ${count} slow requests were answered.`, uk: `Відповідь отримали лише ${answered} із ${count} повільних запитів.` }), { sent, received: replies.find((r) => !r.ok)?.errorText });
  }
  // A message beyond the prefetch limit is delivered only after an ack, so after some message's "done".
  const lines = (await logs(SERVICE)).split('\n').filter((line) => /user_create inflight-\d+@example\.com: (attempt 1 started|done)/.test(line));
  const firstDone = lines.findIndex((line) => line.includes(': done'));
  const together = firstDone < 0 ? lines.length : firstDone;
  if (together > IN_FLIGHT) {
    throw await explain({ kind: 'in-flight', together, limit: IN_FLIGHT }, {
      expected: say({ en: `At most ${IN_FLIGHT} messages should be in flight at once.`, uk: `Одночасно в обробці має бути щонайбільше ${IN_FLIGHT} повідомлень.` }),
      meaning: say({ en: `RabbitMQ delivered more than ${IN_FLIGHT} before any was done: the consumer's prefetch allows more, or messages were settled before their work ended, which frees their place early.`, uk: `RabbitMQ доставив понад ${IN_FLIGHT} повідомлень, перш ніж бодай одне завершилося: prefetch споживача дозволяє більше або повідомлення завершували до кінця роботи, що звільняє їхнє місце завчасно.` }),
    }, { sent, received: say({ en: `${together} of the ${count} slow messages were being worked on at once, before the first one was done`, uk: `${together} із ${count} повільних повідомлень оброблялися одночасно, ще до завершення першого` }) });
  }
}, 30_000);

/** What a poison message tried again and again was expected to do, and what that can mean. */
function runaway(what: string): Plainly {
  return {
    expected: say({ en: `${what} should be tried at most ${BOUNDED} times, then rejected.`, uk: `${what} мають пробувати обробити щонайбільше ${BOUNDED} рази, а потім відхилити.` }),
    meaning: say({ en: 'the message keeps coming back to the queue: something puts it back (a requeue) on every failure.', uk: 'повідомлення раз у раз повертається в чергу: щось повертає його (requeue) після кожної невдачі.' }),
  };
}

/** The attempts counted so far for `key`, once they stop growing (or clearly run away). */
async function settledAttempts(key: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 20; i++) {
    await sleep(400);
    const now = (await snapshot(1500))?.attempts[key] ?? 0;
    if (now > 10 * BOUNDED || (now > 0 && now === last)) return now;
    last = now;
  }
  return last;
}

test(say({ en: 'a message that always fails is rejected, not requeued forever, and its caller hears that it failed', uk: 'повідомлення, що падає завжди, відхиляється, а не повертається в чергу безкінечно, і його клієнт дізнається про невдачу' }), async () => {
  const email = 'poison@example.com';
  const data = { email, name: 'Poison', poison: true };
  // A slow message is in flight when the poison fails: rejecting the poison must settle only the poison.
  const bystander = { email: 'bystander@example.com', name: 'Bystander', slowMs: 1500 };
  const bystanderReply = request<User>('user_create', bystander, 15_000);
  await eventually(async () => /user_create bystander@example\.com: attempt 1 started/.test(await logs(SERVICE)), { timeoutMs: 8000, intervalMs: 50 });
  const answer = await request<User>('user_create', data, 10_000);
  const bystanderAnswer = await bystanderReply;
  if (!bystanderAnswer.ok || bystanderAnswer.value?.email !== bystander.email) {
    throw fail(say({ en: 'A slow user_create that was in flight while the poison message failed got no user back.', uk: 'Повільний user_create, що був в обробці, коли впало отруйне повідомлення, не отримав користувача у відповідь.' }), { sent: bystander, received: bystanderAnswer.ok ? bystanderAnswer.value : bystanderAnswer.errorText });
  }
  const attempts = await settledAttempts(`user_create:${email}`);
  const evidence = { sent: data, received: say({ en: `${attempts} attempt(s); reply: ${answer.ok ? JSON.stringify(answer.value) : answer.errorText}`, uk: `спроб: ${attempts}; відповідь: ${answer.ok ? JSON.stringify(answer.value) : answer.errorText}` }) };
  if (attempts > 10 * BOUNDED) throw await explain({ kind: 'poison-attempts', attempts }, runaway(say({ en: 'The poison message', uk: 'Отруйне повідомлення' })), evidence);
  if (attempts > BOUNDED) throw fail(say({ en: `The poison message was tried ${attempts} times; a bounded retry stops after ${BOUNDED} at most.`, uk: `Отруйне повідомлення пробували обробити забагато разів (спроб: ${attempts}); обмежені повторні спроби зупиняються щонайбільше після ${BOUNDED}.` }), evidence);
  if (answer.ok) throw fail(say({ en: 'user_create of a poison message should end in an error reply, not a user.', uk: 'user_create з отруйним повідомленням має закінчуватися відповіддю з помилкою, а не користувачем.' }), answer);
  if (/^no reply within/.test(answer.errorText)) throw fail(say({ en: 'The poison message failed but its caller never heard back: throw an RpcException when you give up.', uk: 'Отруйне повідомлення не вдалося, але його клієнт так і не отримав відповіді: киньте RpcException, коли припиняєте спроби.' }), answer);
  const waiting = (await queueState(QUEUE))?.messageCount ?? 0;
  if (waiting > 0) throw fail(say({ en: `The poison message failed, yet ${waiting} message(s) still wait in ${QUEUE}.`, uk: `Отруйне повідомлення не вдалося, але в ${QUEUE} досі чекають повідомлення: ${waiting}.` }), evidence);

  const event = { email: 'poison-event@example.com', poison: true };
  const sentEvent = { event: 'user_deleted', data: event };
  await emit('user_deleted', event);
  await eventually(async () => /unknown delivery tag/.test(await logs(SERVICE)) || ((await snapshot(1500))?.attempts[`user_deleted:${event.email}`] ?? 0) > 0, { timeoutMs: 8000, intervalMs: 200 });
  await sleep(500);
  // A second settlement of one delivery makes the broker close the channel; it may recover and hide it.
  await diagnoseCrash({ sent: sentEvent });
  const eventAttempts = await settledAttempts(`user_deleted:${event.email}`);
  const eventEvidence = { sent: sentEvent, received: say({ en: `${eventAttempts} attempt(s)`, uk: `спроб: ${eventAttempts}` }) };
  if (eventAttempts > 10 * BOUNDED) throw await explain({ kind: 'poison-attempts', attempts: eventAttempts }, runaway(say({ en: 'The poison event', uk: 'Отруйну подію' })), eventEvidence);
  if (eventAttempts === 0) throw fail(say({ en: 'The poison user_deleted event was never handled.', uk: 'Отруйну подію user_deleted так і не оброблено.' }), eventEvidence);
  if (eventAttempts > BOUNDED) throw fail(say({ en: `The poison event was tried ${eventAttempts} times; a bounded retry stops after ${BOUNDED} at most.`, uk: `Отруйну подію пробували обробити забагато разів (спроб: ${eventAttempts}); обмежені повторні спроби зупиняються щонайбільше після ${BOUNDED}.` }), eventEvidence);
  await diagnoseCrash({ sent: sentEvent });

  // A failed message must be settled too: whatever is still unacked comes back when the service dies.
  const returned = await queueAfterKill();
  const sentBoth = say({ en: `the poison user_create and user_deleted, then the service killed`, uk: `отруйні user_create і user_deleted, потім сервіс вбито` });
  if (returned === undefined) throw fail(say({ en: `The service was killed but RabbitMQ still saw a consumer on ${QUEUE} after 8 s.`, uk: `Сервіс вбито, але через 8 с RabbitMQ досі бачив споживача на ${QUEUE}.` }));
  if (returned > 0) {
    const back = (await drain(QUEUE)).map((m) => m.content);
    const evidenceBack = { sent: sentBoth, received: say({ en: `${returned} message(s) came back to ${QUEUE}:\n${back.join('\n')}`, uk: `у ${QUEUE} повернулося повідомлень: ${returned}:\n${back.join('\n')}` }) };
    throw await explain({ kind: 'poison-returned', returned, allPoison: back.length > 0 && back.every((content) => content.includes('"poison":true')) }, {
      expected: say({ en: `Every message should be settled by the time it is handled, yet ${returned} came back to ${QUEUE} when the service was killed.`, uk: `Кожне оброблене повідомлення має бути підтверджене або відхилене, але після вбивства сервісу в ${QUEUE} повернулося повідомлень: ${returned}.` }),
      meaning: say({ en: 'those messages were still unacked: a path of a handler (often its error path) that ends without settling, or a handler that never finishes.', uk: 'ці повідомлення досі були непідтвердженими: шлях обробника (часто шлях помилки) закінчується без завершення повідомлення, або обробник ніколи не завершується.' }),
    }, evidenceBack);
  }
}, 45_000);
