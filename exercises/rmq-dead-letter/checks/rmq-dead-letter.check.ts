import { Logger } from '@nestjs/common';
import { ClientRMQ, type ClientProxy } from '@nestjs/microservices';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, test } from 'vitest';
import { env, eventually, fail, kill, logs, mistake, say, send, source, type SendResult, describeSpot, unawaitedEmits } from 'learn-nest-micro/harness';

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
const deadLetters: string[] = [];

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

/** The service's crash signatures, checked whenever an answer does not come. */
async function diagnoseCrash(evidence: { sent?: unknown; received?: unknown }): Promise<void> {
  const log = await logs(SERVICE);
  const said = (re: RegExp) => log.split('\n').find((line) => re.test(line))?.trim();
  const unknownTag = said(/unknown delivery tag/);
  if (unknownTag) {
    const options = source('users-service/rmq-config.ts') + source('users-service/main.ts');
    throw mistake(/noAck\s*:\s*false/.test(options) ? 'double-ack' : 'ack-with-auto-ack', { ...evidence, original: unknownTag });
  }
  const replyConsumer = said(/reply consumer cannot acknowledge/);
  if (replyConsumer) throw mistake('client-no-ack', { ...evidence, original: replyConsumer });
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

/** Moves whatever is in USER_DLQ into `deadLetters` (as text). */
async function drainDeadLetters(): Promise<string[]> {
  await onChannel(async (ch) => {
    for (;;) {
      const m = await ch.get(DLQ, { noAck: true });
      if (!m) break;
      deadLetters.push(m.content.toString());
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
    if (/inequivalent arg 'durable'/.test(declared.errorText)) throw mistake('durable-mismatch', evidence);
    if (/inequivalent arg 'x-dead-letter/.test(declared.errorText)) throw mistake('dead-letter-arguments-missing', evidence);
    throw fail(say({ en: `A producer could not declare ${QUEUE} the agreed way.`, uk: `Продюсер не зміг оголосити ${QUEUE} так, як домовлено.` }), evidence);
  }
  if (!(await queueState(DLQ))) throw mistake('dead-letter-queue-missing', { sent: `checkQueue('${DLQ}')`, received: say({ en: `queue '${DLQ}' does not exist`, uk: `черги '${DLQ}' не існує` }) });
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
  const unawaited = unawaitedEmits('users-service');
  if (unawaited.length > 0) {
    throw fail(say({ en: 'The user_created event is emitted without waiting for it (part 1): wrap the emit in firstValueFrom(…) and await it before the ack, or a failed publish is lost after the message was acked.', uk: 'Подію user_created надіслано без очікування (частина 1): обгорніть emit у firstValueFrom(…) і дочекайтеся його до ack, інакше невдала публікація губиться вже після підтвердження повідомлення.' }), { sent: data, received: unawaited.map(describeSpot).join('\n') });
  }
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
    if (snap) throw mistake(/^no reply within/.test(r.errorText) ? 'copy-without-reply-to' : 'error-reply-on-retry', r);
    const attempts = (await snapshot())?.attempts[`user_create:${email}`] ?? 0;
    throw fail(say({ en: `The first attempt failed and the message was ${attempts <= 1 ? 'never tried again' : `tried ${attempts} times without success`}.`, uk: `Перша спроба не вдалася, і повідомлення ${attempts <= 1 ? 'більше ніхто не пробував обробити' : `так і не вдалося обробити (спроб: ${attempts})`}.` }), r);
  }
  if (r.value?.email !== email) throw fail(say({ en: 'user_create should answer with the created user.', uk: 'user_create має відповідати створеним користувачем.' }), r);

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
}, 30_000);

/** Waits until the message for `email` is dead-lettered, or its attempts run away. */
async function poisonOutcome(key: string, email: string): Promise<{ kind: 'dead' | 'loop' | 'stuck'; attempts: number }> {
  let attempts = 0;
  const kind = await eventually<'dead' | 'loop'>(async () => {
    if ((await drainDeadLetters()).some((m) => m.includes(email))) return 'dead';
    attempts = (await snapshot(1500))?.attempts[key] ?? attempts;
    return attempts > 10 * MAX_ATTEMPTS ? 'loop' : undefined;
  }, { timeoutMs: 8000, intervalMs: 200 });
  attempts = (await snapshot(1500))?.attempts[key] ?? attempts;
  return { kind: kind ?? 'stuck', attempts };
}

test(say({ en: 'a message that always fails ends in USER_DLQ after 3 attempts, and its caller hears that it failed', uk: 'повідомлення, що падає завжди, після 3 спроб опиняється в USER_DLQ, і його клієнт дізнається про невдачу' }), async () => {
  const email = 'poison@example.com';
  const data = { email, name: 'Poison', poison: true };
  const reply = send<User>(await users(), 'user_create', data, { timeoutMs: 10_000 });
  const { kind, attempts } = await poisonOutcome(`user_create:${email}`, email);
  const evidence = { sent: data, received: say({ en: `${attempts} attempt(s); ${deadLetters.length} message(s) in ${DLQ}`, uk: `спроб: ${attempts}; повідомлень у ${DLQ}: ${deadLetters.length}` }) };
  if (kind === 'loop') throw mistake('requeue-forever', evidence);
  if (kind === 'stuck') {
    await diagnoseCrash(evidence);
    throw fail(say({ en: `The poison message never reached ${DLQ}.`, uk: `Отруйне повідомлення так і не дійшло до ${DLQ}.` }), evidence);
  }
  if (attempts !== MAX_ATTEMPTS) throw mistake('wrong-attempt-count', { ...evidence, received: say({ en: `${attempts} attempt(s) before it reached ${DLQ}, not ${MAX_ATTEMPTS}`, uk: `спроб до потрапляння в ${DLQ}: ${attempts}, а не ${MAX_ATTEMPTS}` }) });
  const answer = await reply;
  if (answer.ok) throw fail(say({ en: 'user_create of a poison message should end in an error reply, not a user.', uk: 'user_create з отруйним повідомленням має закінчуватися відповіддю з помилкою, а не користувачем.' }), answer);
  if (/^no reply within/.test(answer.errorText)) throw fail(say({ en: 'The poison message was dead-lettered but its caller never heard back: throw an RpcException when you give up.', uk: 'Отруйне повідомлення потрапило в чергу «мертвих» листів, але його клієнт так і не отримав відповіді: киньте RpcException, коли припиняєте спроби.' }), answer);

  const event = { email: 'poison-event@example.com', poison: true };
  await emit('user_deleted', event);
  const eventOutcome = await poisonOutcome(`user_deleted:${event.email}`, event.email);
  const eventEvidence = { sent: { event: 'user_deleted', data: event }, received: say({ en: `${eventOutcome.attempts} attempt(s)`, uk: `спроб: ${eventOutcome.attempts}` }) };
  if (eventOutcome.kind === 'loop') throw mistake('requeue-forever', eventEvidence);
  if (eventOutcome.kind === 'stuck') throw fail(say({ en: `The poison user_deleted event never reached ${DLQ}.`, uk: `Отруйна подія user_deleted так і не дійшла до ${DLQ}.` }), eventEvidence);
  if (eventOutcome.attempts !== MAX_ATTEMPTS) throw mistake('wrong-attempt-count', { ...eventEvidence, received: say({ en: `${eventOutcome.attempts} attempt(s) before it reached ${DLQ}, not ${MAX_ATTEMPTS}`, uk: `спроб до потрапляння в ${DLQ}: ${eventOutcome.attempts}, а не ${MAX_ATTEMPTS}` }) });

  // Every original must be settled once its copy is queued or it is dead-lettered: what is still unacked comes back when the service dies.
  await kill(SERVICE, 'SIGKILL');
  const gone = await eventually(async () => (await queueState(QUEUE))?.consumerCount === 0, { timeoutMs: 8000, intervalMs: 50 });
  await sleep(300);
  const back = gone ? ((await queueState(QUEUE))?.messageCount ?? 0) : 0;
  if (back > 0) {
    throw fail(say({ en: `${back} message(s) came back to ${QUEUE} when the service was killed after the retries: an original was left unacknowledged (ack it once its copy is queued, or reject it).`, uk: `Після повторних спроб і вбивства сервісу в ${QUEUE} повернулося повідомлень: ${back} — оригінал лишився непідтвердженим (підтвердьте його, щойно копію поставлено в чергу, або відхиліть).` }), { sent: say({ en: 'the messages that failed once and always, then the service killed', uk: 'повідомлення, що падали раз і завжди, потім сервіс вбито' }) });
  }
}, 30_000);
