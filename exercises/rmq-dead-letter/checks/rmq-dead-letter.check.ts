import { Logger } from '@nestjs/common';
import { ClientRMQ, RmqRecordBuilder, type ClientProxy } from '@nestjs/microservices';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, test } from 'vitest';
import { detect, diagnose, env, eventually, exerciseDir, fail, kill, logs, say, sceneOf, send, type Detector, type Evidence, type Plainly, type SendResult } from 'learn-nest-micro/harness';
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
const DLQ = env('USER_DLQ');
const AUDIT = env('AUDIT_QUEUE');
const MAX_ATTEMPTS = 3;
const SERVICE = 'users';

/** How producers declare USER_QUEUE: the contract the lesson and the starter state. */
const QUEUE_CONTRACT = { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': DLQ } };

let amqp: ChannelModel | undefined;
let client: ClientProxy | undefined;
interface DeadLetter {
  content: string;
  /** 2 is persistent. */
  deliveryMode: unknown;
  headers: Record<string, unknown>;
}
/** Every message taken from USER_DLQ so far. */
const deadLetters: DeadLetter[] = [];

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
  for (const queue of [QUEUE, DLQ, AUDIT]) await onChannel((ch) => ch.deleteQueue(queue));
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
/** After a test's behaviour was right: a mistake that works only on RabbitMQ is named on its source shape. */
async function worksOnRabbitmq(test: 'user_create' | 'user_deleted', sent: unknown): Promise<void> {
  const wire: Wire = { kind: 'works-on-rabbitmq', test };
  if (detect(detectors, sceneOf(exerciseDir(), wire)).length > 0) throw await explain(wire, { expected: '' }, { sent });
}

async function explain(wire: Wire, plainly: Plainly, evidence: Evidence = {}): Promise<Error> {
  const [finding] = detect(detectors, sceneOf(exerciseDir(), wire));
  if (!finding?.line) return diagnose(detectors, wire, plainly, evidence);
  const quiet = detectors.map((d): Detector<Wire> => ({ ...d, evidence: (scene) => { const e = d.evidence(scene); return e !== false && e !== ''; } }));
  return diagnose(quiet, wire, plainly, { ...evidence, received: [evidence.received, finding.line].filter((x) => x !== undefined).join('\n') });
}

/** RabbitMQ closed the service's channel (its log says why): checked whenever an answer does not come. */
async function diagnoseCrash(evidence: { sent?: unknown; received?: unknown }): Promise<void> {
  const line = (await logs(SERVICE)).split('\n').find((l) => /unknown delivery tag|reply consumer cannot acknowledge/.test(l))?.trim();
  if (!line) return;
  throw await explain({ kind: 'crashed', line }, {
    expected: say({ en: 'RabbitMQ closed the service\'s channel: the service should settle each delivery exactly once, on the channel it came from.', uk: 'RabbitMQ закрив канал сервісу: сервіс має завершувати кожну доставку рівно один раз і на тому каналі, яким вона прийшла.' }),
    meaning: say({
      en: "'unknown delivery tag' means an ack or nack named a delivery the broker no longer holds as unacked: settled a second time (retryOrDeadLetter settles the original itself), or settled under automatic acknowledgement. 'reply consumer cannot acknowledge' means a client acked a reply it receives through direct reply-to.",
      uk: "'unknown delivery tag' означає, що ack чи nack назвав доставку, яку брокер уже не вважає непідтвердженою: її завершено вдруге (retryOrDeadLetter сам завершує оригінал) або завершено за автоматичного підтвердження. 'reply consumer cannot acknowledge' означає, що клієнт підтвердив відповідь, яку отримує через direct reply-to.",
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

/** Moves whatever is in USER_DLQ into `deadLetters`. */
async function drainDeadLetters(): Promise<DeadLetter[]> {
  await onChannel(async (ch) => {
    for (;;) {
      const m = await ch.get(DLQ, { noAck: true });
      if (!m) break;
      deadLetters.push({ content: m.content.toString(), deliveryMode: m.properties.deliveryMode, headers: (m.properties.headers ?? {}) as Record<string, unknown> });
    }
  });
  return deadLetters;
}

test(say({ en: 'the service declares USER_QUEUE (durable, dead-lettering to USER_DLQ) and USER_DLQ', uk: 'сервіс оголошує USER_QUEUE (стійку, з перенаправленням «мертвих» листів у USER_DLQ) і USER_DLQ' }), async () => {
  const state = await queueState(QUEUE);
  if (!state) throw fail(say({ en: `Queue ${QUEUE} does not exist after the service started. Consume the queue named by process.env.USER_QUEUE.`, uk: `Черги ${QUEUE} не існує після запуску сервісу. Споживайте чергу, названу в process.env.USER_QUEUE.` }));
  if (state.consumerCount === 0) throw fail(say({ en: `Nobody consumes ${QUEUE}. The microservice should listen on the queue named by process.env.USER_QUEUE.`, uk: `Ніхто не споживає ${QUEUE}. Мікросервіс має слухати чергу, названу в process.env.USER_QUEUE.` }));
  const sent = `assertQueue('${QUEUE}', ${JSON.stringify(QUEUE_CONTRACT)})`;
  const declared = await onChannel((ch) => ch.assertQueue(QUEUE, QUEUE_CONTRACT));
  if (!declared.ok) {
    const evidence = { sent, received: declared.errorText };
    throw await explain({ kind: 'declare-refused', errorText: declared.errorText }, {
      expected: say({ en: `A producer could not declare ${QUEUE} the agreed way (${JSON.stringify(QUEUE_CONTRACT)}).`, uk: `Продюсер не зміг оголосити ${QUEUE} так, як домовлено (${JSON.stringify(QUEUE_CONTRACT)}).` }),
      meaning: say({ en: 'RabbitMQ refuses a declaration whose options differ from those of the queue as it exists: the broker\'s words name the option or argument that differs.', uk: 'RabbitMQ відмовляє в оголошенні, чиї параметри відрізняються від параметрів наявної черги: слова брокера називають параметр чи аргумент, що відрізняється.' }),
    }, evidence);
  }
  if (!(await queueState(DLQ))) {
    throw await explain({ kind: 'dead-letter-queue-absent' }, {
      expected: say({ en: `Queue ${DLQ} (process.env.USER_DLQ) should exist once the service has started.`, uk: `Черга ${DLQ} (process.env.USER_DLQ) має існувати, щойно сервіс запустився.` }),
      meaning: say({ en: 'nothing declared it under that name before the service began consuming: RabbitMQ does not create the queue a dead-letter routing key names, it drops what it cannot route.', uk: 'ніхто не оголосив її під цією назвою до того, як сервіс почав споживати: RabbitMQ не створює чергу, яку називає ключ маршрутизації «мертвих» листів, а відкидає те, що не може доставити.' }),
    }, { sent: `checkQueue('${DLQ}')`, received: say({ en: `queue '${DLQ}' does not exist`, uk: `черги '${DLQ}' не існує` }) });
  }
  // The parked messages must survive a broker restart: whoever reads USER_DLQ later declares it durable.
  const dlqDeclared = await onChannel((ch) => ch.assertQueue(DLQ, { durable: true }));
  if (!dlqDeclared.ok) throw fail(say({ en: `A consumer of the dead letters could not declare ${DLQ} durable: the service declares it otherwise.`, uk: `Споживач «мертвих» листів не зміг оголосити ${DLQ} стійкою (durable): сервіс оголошує її інакше.` }), { sent: `assertQueue('${DLQ}', { durable: true })`, received: dlqDeclared.errorText });
});

test(say({ en: 'user_create is answered with the new user', uk: 'на user_create приходить відповідь із новим користувачем' }), async () => {
  const data = { email: 'ada@example.com', name: 'Ada' };
  const r = await request<User>('user_create', data, 10_000);
  if (!r.ok) throw fail(say({ en: 'user_create got no answer.', uk: 'user_create не отримав відповіді.' }), r);
  if (r.value?.email !== data.email || typeof r.value.id !== 'number' || r.value.name !== data.name) throw fail(say({ en: 'user_create should answer with the created user ({ id, email, name }).', uk: 'user_create має відповідати створеним користувачем ({ id, email, name }).' }), r);

  // Part 1's audit event must survive part 2's changes: announced on AUDIT_QUEUE, persistent, under its pattern.
  const audit = await eventually(async () => (await drainAudit()).find((m) => m.content.includes(data.email)), { timeoutMs: 3000, intervalMs: 100 });
  const pattern = audit ? (JSON.parse(audit.content) as { pattern?: unknown }).pattern : undefined;
  if (!audit || pattern !== 'user_created' || audit.deliveryMode !== 2) {
    throw fail(say({ en: `As in part 1, user_create should publish a persistent user_created event (deliveryMode 2) to ${AUDIT} before it acks.`, uk: `Як і в частині 1, user_create має публікувати в ${AUDIT} збережену (deliveryMode 2) подію user_created до підтвердження.` }), { sent: data, received: audit ? `${audit.content} (deliveryMode ${String(audit.deliveryMode)})` : say({ en: 'nothing', uk: 'нічого' }) });
  }
  const auditDeclared = await onChannel((ch) => ch.assertQueue(AUDIT, { durable: true }));
  if (!auditDeclared.ok) throw fail(say({ en: `The audit consumer could not declare ${AUDIT} durable: the audit client declares it otherwise (queueOptions in users.module.ts).`, uk: `Споживач аудиту не зміг оголосити ${AUDIT} стійкою (durable): клієнт аудиту оголошує її інакше (queueOptions у users.module.ts).` }), { sent: `assertQueue('${AUDIT}', { durable: true })`, received: auditDeclared.errorText });
  // An emit() nobody awaits works here because Nest's emit() publishes at once; but the ack then goes out before RabbitMQ has confirmed the event.
  await worksOnRabbitmq('user_create', data);

  // A retried copy may run the work again (publish, then ack: a crash in between duplicates): the same e-mail gives the same user.
  const again = await request<User>('user_create', data, 10_000);
  if (!again.ok || again.value?.id !== r.value.id) throw fail(say({ en: `user_create sent again for ${data.email} should answer with the same user (id ${r.value.id}): the service is idempotent.`, uk: `Повторний user_create для ${data.email} має повернути того самого користувача (id ${r.value.id}): сервіс ідемпотентний.` }), { sent: data, received: again.ok ? again.value : again.errorText });
}, 30_000);

/** Takes every message waiting in AUDIT_QUEUE (the check is its only consumer). */
async function drainAudit(): Promise<{ content: string; deliveryMode: unknown }[]> {
  const r = await onChannel(async (ch) => {
    const got: { content: string; deliveryMode: unknown }[] = [];
    for (;;) {
      const m = await ch.get(AUDIT, { noAck: true });
      if (!m) return got;
      got.push({ content: m.content.toString(), deliveryMode: m.properties.deliveryMode });
    }
  });
  return r.ok ? r.value : [];
}

test(say({ en: 'a message whose first attempt fails is retried, and the caller gets the successful answer', uk: 'повідомлення, чия перша спроба не вдалася, пробують знову, і клієнт отримує успішну відповідь' }), async () => {
  const email = 'flaky@example.com';
  const data = { email, name: 'Flaky', failTimes: 1 };
  const r = await request<User>('user_create', data, 10_000);
  if (!r.ok) {
    const snap = await eventually(async () => {
      const s = await snapshot();
      return s?.users.some((u) => u.email === email) ? s : undefined;
    }, { timeoutMs: 3000, intervalMs: 250 });
    if (snap) {
      const none = /^no reply within/.test(r.errorText);
      throw await explain({ kind: 'retried-answer', reply: none ? 'none' : 'error' }, {
        expected: say({ en: 'The retry created the user, so the caller should get the user back.', uk: 'Повторна спроба створила користувача, тож клієнт має отримати користувача у відповідь.' }),
        meaning: none
          ? say({ en: 'the successful attempt answered nobody: a reply goes to the replyTo and correlationId of the message being handled, so the copy must carry them, and the handler must return.', uk: 'успішна спроба нікому не відповіла: відповідь іде на replyTo і correlationId повідомлення, що обробляється, тож копія має їх нести, а обробник має повернути результат.' })
          : say({ en: 'the caller heard from a failed attempt first: a reply sent when an attempt fails ends the call, whatever a later attempt does.', uk: 'клієнт спершу почув невдалу спробу: відповідь, надіслана після невдалої спроби, завершує виклик, хоч би що зробила пізніша спроба.' }),
      }, r);
    }
    const attempts = (await snapshot())?.attempts[`user_create:${email}`] ?? 0;
    throw fail(say({ en: `The first attempt failed and the message was ${attempts <= 1 ? 'never tried again' : `tried ${attempts} times without success`}.`, uk: `Перша спроба не вдалася, і повідомлення ${attempts <= 1 ? 'більше ніхто не пробував обробити' : `так і не вдалося обробити (спроб: ${attempts})`}.` }), r);
  }
  if (r.value?.email !== email || r.value.name !== data.name || typeof r.value.id !== 'number') throw fail(say({ en: 'user_create should answer with the created user ({ id, email, name }).', uk: 'user_create має відповідати створеним користувачем ({ id, email, name }).' }), r);
  // One failure, one retry: a second copy of the same attempt would run the work again.
  const afterRetry = await snapshot();
  const tried = afterRetry?.attempts[`user_create:${email}`];
  if (!afterRetry?.users.some((u) => u.email === email)) throw fail(say({ en: `{ cmd: 'users' } should list ${email} once its retry created it.`, uk: `{ cmd: 'users' } має показувати ${email}, щойно повторна спроба його створила.` }), { sent: { cmd: 'users' }, received: afterRetry });
  if (tried !== 2) throw fail(say({ en: `A message whose first attempt fails should be tried exactly twice; it was tried ${String(tried)} times.`, uk: `Повідомлення, чия перша спроба не вдалася, має бути оброблене рівно двічі; спроб: ${String(tried)}.` }), { sent: data, received: r.value });

  const gone = { email, failTimes: 1 };
  await emit('user_deleted', gone);
  const deleted = await eventually(async () => (await snapshot())?.deleted.includes(email), { timeoutMs: 8000, intervalMs: 200 });
  if (!deleted) {
    await diagnoseCrash({ sent: { event: 'user_deleted', data: gone } });
    const attempts = (await snapshot())?.attempts[`user_deleted:${email}`] ?? 0;
    throw fail(say({ en: `The user_deleted event failed once and was ${attempts <= 1 ? 'never tried again' : `tried ${attempts} times without success`}.`, uk: `Подія user_deleted один раз не вдалася, і її ${attempts <= 1 ? 'більше ніхто не пробував обробити' : `так і не вдалося обробити (спроб: ${attempts})`}.` }), { sent: { event: 'user_deleted', data: gone } });
  }
  // A channel the broker closed (a second ack for one delivery) can recover and hide the error.
  await diagnoseCrash({ sent: { event: 'user_deleted', data: gone } });

  // As in part 1, a second user_deleted changes nothing.
  await emit('user_deleted', { email });
  const twice = await eventually(async () => {
    const snap = await snapshot(1500);
    return snap && (snap.attempts[`user_deleted:${email}`] ?? 0) >= 3 ? snap : undefined;
  }, { timeoutMs: 8000, intervalMs: 200 });
  const sentTwice = { event: 'user_deleted', data: { email }, after: gone };
  if (!twice || twice.users.some((u) => u.email === email) || twice.deleted.filter((e) => e === email).length !== 1) {
    throw fail(say({ en: `After a second user_deleted, ${email} should still be gone from users and listed once in deleted.`, uk: `Після другої user_deleted ${email} має й далі бути відсутнім у users і бути один раз у deleted.` }), { sent: sentTwice, received: twice ?? say({ en: 'the second event was not handled', uk: 'другу подію не оброблено' }) });
  }
  // An event bound with @MessagePattern, or the query with @EventPattern, works here because Nest finds
  // handlers by pattern alone and over RabbitMQ answers a send() with whatever the handler returns.
  await worksOnRabbitmq('user_deleted', sentTwice);
}, 30_000);

/** How many messages the service may have unacknowledged at once: part 1's prefetchCount. */
const IN_FLIGHT = 10;

test(say({ en: `as in part 1, at most ${IN_FLIGHT} messages are in flight at once`, uk: `як і в частині 1, одночасно в обробці щонайбільше ${IN_FLIGHT} повідомлень` }), async () => {
  const count = IN_FLIGHT + 2;
  const emails = Array.from({ length: count }, (_, i) => `inflight-${i}@example.com`);
  const c = await users();
  const replies = await Promise.all(emails.map((email) => send<User>(c, 'user_create', { email, slowMs: 600 }, { timeoutMs: 15_000 })));
  const sent = say({ en: `${count} × user_create { email: 'inflight-<n>@example.com', slowMs: 600 } at once`, uk: `${count} × user_create { email: 'inflight-<n>@example.com', slowMs: 600 } одночасно` });
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
    throw fail(say({ en: `As in part 1, at most ${IN_FLIGHT} messages should be in flight at once (prefetchCount in the consumer's options).`, uk: `Як і в частині 1, одночасно в обробці має бути щонайбільше ${IN_FLIGHT} повідомлень (prefetchCount у параметрах споживача).` }), { sent, received: say({ en: `${together} of the ${count} slow messages were being worked on at once, before the first one was done`, uk: `${together} із ${count} повільних повідомлень оброблялися одночасно, ще до завершення першого` }) });
  }
}, 30_000);

/** What a poison message tried again and again was expected to do, and what that can mean. */
function runaway(what: string): Plainly {
  return {
    expected: say({ en: `${what} should be tried ${MAX_ATTEMPTS} times, then dead-lettered to ${DLQ}.`, uk: `${what} мають пробувати обробити ${MAX_ATTEMPTS} рази, а потім перенаправити в ${DLQ}.` }),
    meaning: say({ en: 'the message keeps coming back without ever being given up: it is put back as it was (a requeue), or its copies never carry a growing attempt number.', uk: 'повідомлення раз у раз повертається, і від нього так і не відмовляються: його повертають як є (requeue) або його копії не несуть дедалі більшого номера спроби.' }),
  };
}

/** What a poison message dead-lettered after the wrong number of attempts was expected to do. */
function counted(what: string): Plainly {
  return {
    expected: say({ en: `${what} should reach ${DLQ} after exactly ${MAX_ATTEMPTS} attempts.`, uk: `${what} має потрапити в ${DLQ} рівно після ${MAX_ATTEMPTS} спроб.` }),
    meaning: say({ en: 'the attempt number is counted or compared off by one: where the first delivery (no header yet) starts, what each copy carries, and the comparison with MAX_ATTEMPTS decide it.', uk: 'номер спроби рахують чи порівнюють зі зсувом на одиницю: це вирішують початок відліку для першої доставки (заголовка ще немає), число, яке несе кожна копія, і порівняння з MAX_ATTEMPTS.' }),
  };
}

/** Waits until the message for `email` is dead-lettered, or its attempts run away. */
async function poisonOutcome(key: string, email: string): Promise<{ kind: 'dead' | 'loop' | 'stuck'; attempts: number }> {
  let attempts = 0;
  const kind = await eventually<'dead' | 'loop'>(async () => {
    if ((await drainDeadLetters()).some((m) => m.content.includes(email))) return 'dead';
    attempts = (await snapshot(1500))?.attempts[key] ?? attempts;
    return attempts > 10 * MAX_ATTEMPTS ? 'loop' : undefined;
  }, { timeoutMs: 8000, intervalMs: 200 });
  attempts = (await snapshot(1500))?.attempts[key] ?? attempts;
  return { kind: kind ?? 'stuck', attempts };
}

test(say({ en: 'a message that always fails ends in USER_DLQ after 3 attempts, and its caller hears that it failed', uk: 'повідомлення, що падає завжди, після 3 спроб опиняється в USER_DLQ, і його клієнт дізнається про невдачу' }), async () => {
  const email = 'poison@example.com';
  const data = { email, name: 'Poison', poison: true };
  // A header of the caller's own: the copies replace only the attempt header, so it reaches USER_DLQ too.
  const trace = { 'x-request-id': 'poison-1' };
  // A slow message is in flight when the poison is dead-lettered: rejecting the poison must settle only the poison.
  const bystander = { email: 'bystander@example.com', name: 'Bystander', slowMs: 1500 };
  const bystanderReply = request<User>('user_create', bystander, 15_000);
  await eventually(async () => /user_create bystander@example\.com: attempt 1 started/.test(await logs(SERVICE)), { timeoutMs: 8000, intervalMs: 50 });
  const reply = send<User>(await users(), 'user_create', new RmqRecordBuilder(data).setOptions({ headers: trace }).build(), { timeoutMs: 10_000 });
  const { kind, attempts } = await poisonOutcome(`user_create:${email}`, email);
  const evidence = { sent: data, received: say({ en: `${attempts} attempt(s); ${deadLetters.length} message(s) in ${DLQ}`, uk: `спроб: ${attempts}; повідомлень у ${DLQ}: ${deadLetters.length}` }) };
  if (kind === 'loop') throw await explain({ kind: 'poison-attempts', attempts }, runaway(say({ en: 'The poison message', uk: 'Отруйне повідомлення' })), evidence);
  if (kind === 'stuck') {
    await diagnoseCrash(evidence);
    throw fail(say({ en: `The poison message never reached ${DLQ}.`, uk: `Отруйне повідомлення так і не дійшло до ${DLQ}.` }), evidence);
  }
  if (attempts !== MAX_ATTEMPTS) throw await explain({ kind: 'dead-lettered-after', attempts, expected: MAX_ATTEMPTS }, counted(say({ en: 'The poison message', uk: 'Отруйне повідомлення' })), { ...evidence, received: say({ en: `${attempts} attempt(s) before it reached ${DLQ}, not ${MAX_ATTEMPTS}`, uk: `спроб до потрапляння в ${DLQ}: ${attempts}, а не ${MAX_ATTEMPTS}` }) });
  const answer = await reply;
  if (answer.ok) throw fail(say({ en: 'user_create of a poison message should end in an error reply, not a user.', uk: 'user_create з отруйним повідомленням має закінчуватися відповіддю з помилкою, а не користувачем.' }), answer);
  if (/^no reply within/.test(answer.errorText)) throw fail(say({ en: 'The poison message was dead-lettered but its caller never heard back: throw an RpcException when you give up.', uk: 'Отруйне повідомлення потрапило в чергу «мертвих» листів, але його клієнт так і не отримав відповіді: киньте RpcException, коли припиняєте спроби.' }), answer);
  const bystanderAnswer = await bystanderReply;
  if (!bystanderAnswer.ok || bystanderAnswer.value?.email !== bystander.email) {
    await diagnoseCrash({ sent: bystander });
    throw fail(say({ en: 'A slow user_create that was in flight while the poison message was dead-lettered got no user back.', uk: 'Повільний user_create, що був в обробці, коли отруйне повідомлення перенаправили в чергу «мертвих» листів, не отримав користувача у відповідь.' }), { sent: bystander, received: bystanderAnswer.ok ? bystanderAnswer.value : bystanderAnswer.errorText });
  }
  // It is parked once, and as the lesson says each copy keeps the original's properties: deliveryMode too, so it stays persistent.
  const parked = (await drainDeadLetters()).filter((m) => m.content.includes(email));
  // ATTEMPT_HEADER ('x-attempt', given in delivery.ts) on the last copy says which attempt it was.
  if (parked.length !== 1 || parked[0].deliveryMode !== 2 || parked[0].headers['x-request-id'] !== trace['x-request-id'] || parked[0].headers['x-attempt'] !== MAX_ATTEMPTS) {
    throw fail(say({ en: `The poison message should reach ${DLQ} once, still persistent (deliveryMode 2) and with the caller's header x-request-id, like the message the caller sent, and with x-attempt ${MAX_ATTEMPTS}: a copy keeps the original's properties and headers, and changes only the attempt header.`, uk: `Отруйне повідомлення має потрапити в ${DLQ} один раз, лишитися збереженим (deliveryMode 2) і з заголовком клієнта x-request-id, як повідомлення, яке надіслав клієнт, та з x-attempt ${MAX_ATTEMPTS}: копія зберігає властивості й заголовки оригіналу та змінює лише заголовок спроби.` }), { sent: { ...data, headers: trace }, received: parked.map((m) => `${m.content} (deliveryMode ${String(m.deliveryMode)}, headers ${JSON.stringify(m.headers)})`).join('\n') || say({ en: 'nothing', uk: 'нічого' }) });
  }

  const event = { email: 'poison-event@example.com', poison: true };
  await emit('user_deleted', event);
  const eventOutcome = await poisonOutcome(`user_deleted:${event.email}`, event.email);
  const eventEvidence = { sent: { event: 'user_deleted', data: event }, received: say({ en: `${eventOutcome.attempts} attempt(s)`, uk: `спроб: ${eventOutcome.attempts}` }) };
  if (eventOutcome.kind === 'loop') throw await explain({ kind: 'poison-attempts', attempts: eventOutcome.attempts }, runaway(say({ en: 'The poison event', uk: 'Отруйну подію' })), eventEvidence);
  if (eventOutcome.kind === 'stuck') throw fail(say({ en: `The poison user_deleted event never reached ${DLQ}.`, uk: `Отруйна подія user_deleted так і не дійшла до ${DLQ}.` }), eventEvidence);
  if (eventOutcome.attempts !== MAX_ATTEMPTS) throw await explain({ kind: 'dead-lettered-after', attempts: eventOutcome.attempts, expected: MAX_ATTEMPTS }, counted(say({ en: 'The poison event', uk: 'Отруйна подія' })), { ...eventEvidence, received: say({ en: `${eventOutcome.attempts} attempt(s) before it reached ${DLQ}, not ${MAX_ATTEMPTS}`, uk: `спроб до потрапляння в ${DLQ}: ${eventOutcome.attempts}, а не ${MAX_ATTEMPTS}` }) });

  // Every original must be settled once its copy is queued or it is dead-lettered: what is still unacked comes back when the service dies.
  await kill(SERVICE, 'SIGKILL');
  const gone = await eventually(async () => (await queueState(QUEUE))?.consumerCount === 0, { timeoutMs: 8000, intervalMs: 50 });
  await sleep(300);
  const back = gone ? ((await queueState(QUEUE))?.messageCount ?? 0) : 0;
  if (back > 0) {
    throw fail(say({ en: `${back} message(s) came back to ${QUEUE} when the service was killed after the retries: an original was left unacknowledged (ack it once its copy is queued, or reject it).`, uk: `Після повторних спроб і вбивства сервісу в ${QUEUE} повернулося повідомлень: ${back} — оригінал лишився непідтвердженим (підтвердьте його, щойно копію поставлено в чергу, або відхиліть).` }), { sent: say({ en: 'the messages that failed once and always, then the service killed', uk: 'повідомлення, що падали раз і завжди, потім сервіс вбито' }) });
  }
}, 30_000);
