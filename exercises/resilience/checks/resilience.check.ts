import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, test } from 'vitest';
import { clearFaults, diagnose, env, eventually, fail, fault, http, kill, port, proxyLog, redisOptions, say, start, type Evidence, type HttpResult, type Plainly, type ProxiedMessage } from 'learn-nest-micro/harness';
import { detectors, growth, type Wire } from './diagnoses';

/** The contract of the exercise, as gateway/call-policy.ts states it. */
const ATTEMPT_TIMEOUT_MS = 500;
const MAX_RETRIES = 3;
const BACKOFF_MS = 100;
const ATTEMPTS = 1 + MAX_RETRIES;
/** Every attempt timed out, with every back-off between them: 4 × 500 + 100 + 200 + 400 ms. */
const WORST_CASE_MS = ATTEMPTS * ATTEMPT_TIMEOUT_MS + BACKOFF_MS * (2 ** MAX_RETRIES - 1);
/** Slack for a busy machine on top of the worst case. */
const SLACK_MS = 1000;

/** How long a payment id must be remembered (the starter's ledger.ts says so), with slack for the check's own run. */
const REMEMBER_AT_LEAST_S = 24 * 60 * 60;
const SLACK_S = 300;

const PROXY = 'PAYMENTS_PROXY';
const PREFIX = env('PAYMENTS_KEY_PREFIX');
const UNAVAILABLE = { code: 'UNAVAILABLE', message: 'The payments service is busy (a fault injected by the check).' };
/** What a Nest client gets for a pattern nobody handles: a plain string, with no code. */
const NO_HANDLER = 'There is no matching message handler defined in the remote service.';

interface Charge {
  paymentId: string;
  amount: number;
  chargedAt?: string;
}

let redis: Redis | undefined;
const gateway = http('GATEWAY_PORT', { timeoutMs: 5000 });
/** For the deadline test: long enough to see a gateway that never gives up. */
const patientGateway = http('GATEWAY_PORT', { timeoutMs: 7000 });

beforeAll(async () => {
  Logger.overrideLogger(false);
  redis = new Redis({ ...redisOptions(env('REDIS_URL')), lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  await redis.connect();
});

afterAll(async () => {
  await clearFaults().catch(() => undefined);
  await redis?.quit().catch(() => undefined);
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** POST /payments, timed from the check's side. */
async function pay(paymentId: string, amount: number, client = gateway): Promise<HttpResult & { ms: number }> {
  const from = Date.now();
  const r = await client.post('/payments', { paymentId, amount });
  return { ...r, ms: Date.now() - from };
}

/** The charge requests for one payment that reached the proxy, in arrival order. */
async function attemptsFor(paymentId: string): Promise<ProxiedMessage[]> {
  return (await proxyLog(PROXY)).filter((m) => (m.data as Partial<Charge> | undefined)?.paymentId === paymentId && m.id !== undefined);
}

/** When each attempt arrived, in ms after the first: "0, 102, 305, 708". */
function timeline(attempts: ProxiedMessage[]): string {
  return attempts.map((a) => a.at - attempts[0].at).join(', ');
}

function gaps(attempts: ProxiedMessage[]): number[] {
  return attempts.slice(1).map((a, i) => a.at - attempts[i].at);
}

/** How many entries the ledger in Redis holds for a payment. */
async function ledgerEntries(paymentId: string): Promise<number> {
  return (await ledgerCharges(paymentId)).length;
}

/** The ledger's entries for a payment, parsed. */
async function ledgerCharges(paymentId: string): Promise<Charge[]> {
  const entries = (await redis?.lrange(`${PREFIX}:ledger`, 0, -1)) ?? [];
  return entries.flatMap((e) => {
    try {
      const charge = JSON.parse(e) as Charge;
      return charge.paymentId === paymentId ? [charge] : [];
    } catch {
      return [];
    }
  });
}

async function balance(): Promise<number> {
  return Number((await redis?.get(`${PREFIX}:balance`)) ?? 0);
}

/** What the check has charged so far (each payment once): the balance that must follow. */
const charged = new Map<string, number>();

/** Names a known mistake when its evidence is there; otherwise says plainly what was expected and what the symptom can mean. */
const explain = (wire: Wire, plainly: Plainly, evidence: Evidence): Promise<Error> => diagnose(detectors, wire, plainly, evidence);

/** A payment charged more than once: what that can mean, naming no cause. */
const CHARGED_TWICE_MEANS = say({
  en: 'the ledger added the amount for each delivery: nothing recognises a paymentId seen before, it is recognised only after the balance changed, two copies at once both find it unseen, or what was seen is forgotten',
  uk: 'журнал додав суму для кожної доставки: ніщо не впізнає вже бачений paymentId, його впізнають лише після зміни балансу, дві одночасні копії обидві не знаходять його, або побачене забувається',
});

/** The answer to the first charge of pay-first, which a repeat of it must get again. */
let firstCharge: Charge | undefined;

test(say({ en: 'POST /payments charges a payment through the payments service and answers 201 with the charge', uk: 'POST /payments списує платіж через сервіс платежів і відповідає 201 зі списанням' }), async () => {
  await clearFaults();
  const r = await pay('pay-first', 4200);
  const attempts = await attemptsFor('pay-first');
  if (r.status === 0) throw fail(say({ en: 'The gateway did not answer POST /payments.', uk: 'Шлюз не відповів на POST /payments.' }), r);
  if (attempts.length === 0) {
    throw fail(say({ en: "No { cmd: 'charge' } request reached the payments service: the gateway should send it through the client registered in gateway.module.ts (port PAYMENTS_PROXY).", uk: "Жоден запит { cmd: 'charge' } не дійшов до сервісу платежів: шлюз має надсилати його через клієнт, зареєстрований у gateway.module.ts (порт PAYMENTS_PROXY)." }), r);
  }
  const body = r.body as Partial<Charge> | undefined;
  if (r.status !== 201 || body?.paymentId !== 'pay-first' || body.amount !== 4200 || typeof body.chargedAt !== 'string' || Number.isNaN(Date.parse(body.chargedAt))) {
    throw fail(say({ en: 'POST /payments { paymentId: "pay-first", amount: 4200 } should answer 201 with the charge ({ paymentId, amount, chargedAt }, chargedAt a date).', uk: 'POST /payments { paymentId: "pay-first", amount: 4200 } має відповідати 201 зі списанням ({ paymentId, amount, chargedAt }, chargedAt — дата).' }), r);
  }
  firstCharge = body as Charge;
  charged.set('pay-first', 4200);
  const entries = await ledgerEntries('pay-first');
  if (entries !== 1) {
    throw fail(say({ en: `After one payment the ledger (${PREFIX}:ledger in Redis) should hold one entry for it.`, uk: `Після одного платежу журнал (${PREFIX}:ledger у Redis) має містити для нього один запис.` }), { sent: r.sent, received: say({ en: `${entries} entries for pay-first`, uk: `записів для pay-first: ${entries}` }) });
  }
});

test(say({ en: 'a permanent error (an invalid amount or id, a declined card) is answered at once, never retried, and reaches the caller unchanged', uk: 'на постійну помилку (неправильна сума чи id, відхилена картка) шлюз відповідає одразу, ніколи не повторює запит і передає її клієнту незмінною' }), async () => {
  await clearFaults();
  // Boundaries of a valid charge (an amount of 0 or a fraction of a cent, an empty paymentId), a declined
  // card, and an error with no code at all (what a wrong pattern gets), which the check's proxy answers.
  for (const [paymentId, amount, status, code, injected] of [
    ['pay-invalid', 0, 400, 'INVALID', undefined],
    ['pay-fraction', 12.5, 400, 'INVALID', undefined],
    ['', 300, 400, 'INVALID', undefined],
    ['declined-card', 1500, 402, 'DECLINED', undefined],
    ['pay-no-handler', 800, 502, 'no code', NO_HANDLER],
  ] as const) {
    await clearFaults();
    if (injected !== undefined) await fault(PROXY, { failNext: 1, error: injected });
    const r = await pay(paymentId, amount);
    const attempts = await attemptsFor(paymentId);
    const received = say({ en: `${r.received}; the payments service was asked ${attempts.length} time(s), at ${timeline(attempts)} ms`, uk: `${r.received}; сервіс платежів отримав запит ${attempts.length} раз(и), на ${timeline(attempts)} мс` });
    const answered = attempts[0]?.reply?.err;
    const said = code === 'no code' ? say({ en: 'an error without a code', uk: 'помилкою без коду' }) : code;
    if (attempts.length > 1) {
      throw await explain({ kind: 'permanent-error', code, attempts: attempts.length, status: r.status }, {
        expected: say({ en: `The payments service answered ${said}, which another attempt cannot change: the gateway should answer ${status} at once, with one attempt.`, uk: `Сервіс платежів відповів ${said}, і ще одна спроба цього не змінить: шлюз має одразу відповісти ${status}, з однією спробою.` }),
        meaning: say({ en: 'another attempt after such an error means the retry let it through (what decides "transient", or a delay function that never rethrows), or the request was sent more than once to begin with', uk: 'ще одна спроба після такої помилки означає, що повтор пропустив її (те, що вирішує «тимчасова», або функція затримки, яка ніколи не кидає її далі), або запит із самого початку надіслано не один раз' }),
      }, { sent: r.sent, received, original: JSON.stringify(answered) });
    }
    const message = typeof answered === 'string' ? answered : (answered as { message?: unknown } | undefined)?.message;
    const body = r.body as { statusCode?: unknown; message?: unknown } | undefined;
    if (r.status !== status || body?.statusCode !== status || typeof message !== 'string' || message === '' || body.message !== message) {
      throw fail(say({ en: `The payments service answered ${said}; the gateway should answer ${status} with the service's message (toHttpError in http-errors.ts), once that error reaches it unchanged.`, uk: `Сервіс платежів відповів ${said}; шлюз має відповісти ${status} з повідомленням сервісу (toHttpError у http-errors.ts), коли ця помилка доходить до нього незмінною.` }), { sent: r.sent, received, original: JSON.stringify(answered) });
    }
  }
  await clearFaults();
  // No body at all: Express 5 leaves the controller's body undefined, which must still be an INVALID charge.
  const bare = await fetch(`http://localhost:${port('GATEWAY_PORT')}/payments`, { method: 'POST', signal: AbortSignal.timeout(5000) }).catch(() => undefined);
  const bareText = (await bare?.text().catch(() => '')) ?? '';
  const bareAttempts = (await proxyLog(PROXY)).filter((m) => m.id !== undefined);
  if (bare?.status !== 400 || bareAttempts.length !== 1) {
    throw fail(say({ en: 'POST /payments with no body should be asked of the payments service once, as a charge without paymentId and amount, and answered 400 (INVALID).', uk: 'POST /payments без тіла має дійти до сервісу платежів один раз, як списання без paymentId і amount, і отримати 400 (INVALID).' }), {
      sent: 'POST /payments (no body)',
      received: say({ en: `${bare ? `${bare.status} ${bareText}` : 'no answer'}; the payments service was asked ${bareAttempts.length} time(s)`, uk: `${bare ? `${bare.status} ${bareText}` : 'відповіді немає'}; сервіс платежів отримав запит ${bareAttempts.length} раз(и)` }),
    });
  }
});

test(say({ en: 'a transient failure (UNAVAILABLE) is retried, with a growing delay, until it succeeds', uk: 'тимчасову помилку (UNAVAILABLE) шлюз повторює зі зростаючою затримкою, доки не вдасться' }), async () => {
  await clearFaults();
  await fault(PROXY, { failNext: MAX_RETRIES, error: UNAVAILABLE });
  const r = await pay('pay-retried', 990);
  await sleep(100);
  const attempts = await attemptsFor('pay-retried');
  const between = gaps(attempts);
  const sent = say({ en: `${String(r.sent)}, the first ${MAX_RETRIES} attempts answered ${JSON.stringify(UNAVAILABLE)}`, uk: `${String(r.sent)}, на перші ${MAX_RETRIES} спроби відповідь ${JSON.stringify(UNAVAILABLE)}` });
  const received = say({ en: `${r.received} after ${r.ms} ms; ${attempts.length} attempt(s), at ${timeline(attempts)} ms`, uk: `${r.received} через ${r.ms} мс; спроб: ${attempts.length}, на ${timeline(attempts)} мс` });
  const evidence = { sent, received };
  const wire: Wire = { kind: 'transient', attempts: attempts.length, status: r.status, gaps: between, everyAttemptAnsweredAtOnce: attempts.every((a) => a.fault === 'failed') };
  const fourAttempts = say({ en: `UNAVAILABLE should be retried: ${ATTEMPTS} attempts, ${BACKOFF_MS}, ${2 * BACKOFF_MS} and ${4 * BACKOFF_MS} ms apart, the last one answered 201.`, uk: `UNAVAILABLE треба повторювати: ${ATTEMPTS} спроби з проміжками ${BACKOFF_MS}, ${2 * BACKOFF_MS} і ${4 * BACKOFF_MS} мс, остання отримує 201.` });
  if (attempts.length === 1) {
    throw await explain(wire, {
      expected: fourAttempts,
      meaning: say({ en: 'one attempt after UNAVAILABLE: nothing retries the request (the client options retryAttempts and retryDelay do not), or the retry judged UNAVAILABLE permanent', uk: 'одна спроба після UNAVAILABLE: запит ніщо не повторює (параметри клієнта retryAttempts і retryDelay цього не роблять), або повтор вважав UNAVAILABLE постійною помилкою' }),
    }, evidence);
  }
  // Every attempt was answered at once, so a timeout can only come from a deadline over several of them.
  if (attempts.length < ATTEMPTS && r.status === 504 && wire.everyAttemptAnsweredAtOnce) {
    throw await explain(wire, {
      expected: fourAttempts,
      meaning: say({ en: 'a 504 although every attempt was answered at once: a deadline that counts the back-off waits too, i.e. one deadline for several attempts', uk: '504, хоча на кожну спробу відповідь прийшла одразу: дедлайн, що враховує й очікування між спробами, тобто один дедлайн на кілька спроб' }),
    }, evidence);
  }
  if (Math.min(...between) < BACKOFF_MS / 2) {
    throw await explain(wire, {
      expected: fourAttempts,
      meaning: say({ en: `attempts less than ${BACKOFF_MS / 2} ms apart: the retry does not wait, or waits far less than BACKOFF_MS`, uk: `спроби з проміжком менше ${BACKOFF_MS / 2} мс: повтор не чекає або чекає значно менше за BACKOFF_MS` }),
    }, evidence);
  }
  if (attempts.length < ATTEMPTS) {
    throw fail(say({ en: `The gateway stopped after ${attempts.length} attempts; a transient failure may be retried ${MAX_RETRIES} times (the ${ATTEMPTS}th attempt succeeds here).`, uk: `Шлюз зупинився після ${attempts.length} спроб; тимчасову помилку можна повторити ${MAX_RETRIES} рази (тут успішна ${ATTEMPTS}-та спроба).` }), evidence);
  }
  // Doubling waits 100, 200, 400 ms: a later gap is up to 300 ms longer than an earlier one; a fixed wait, about 0.
  // A busy machine only lengthens a gap, so the largest growth between any two is what tells them apart.
  if (growth(between) < 1.5 * BACKOFF_MS) {
    throw await explain(wire, {
      expected: fourAttempts,
      meaning: say({ en: 'gaps that hardly grow: each retry waits about as long as the one before, instead of twice as long', uk: 'проміжки майже не зростають: кожен повтор чекає приблизно стільки ж, скільки попередній, а не вдвічі довше' }),
    }, evidence);
  }
  // 100 + 200 + 400 ms of back-off in all; half as much again is room for a busy machine, not for a wait that starts at 200 ms.
  const waited = between.reduce((a, b) => a + b, 0);
  if (waited > 1.5 * BACKOFF_MS * (2 ** MAX_RETRIES - 1) || r.ms > WORST_CASE_MS + SLACK_MS) {
    throw fail(say({ en: `The retries wait too long: before the first retry ${BACKOFF_MS} ms, then twice as long each time (BACKOFF_MS), ${BACKOFF_MS * (2 ** MAX_RETRIES - 1)} ms in all.`, uk: `Повторні спроби чекають задовго: перед першою ${BACKOFF_MS} мс, далі щоразу вдвічі довше (BACKOFF_MS), разом ${BACKOFF_MS * (2 ** MAX_RETRIES - 1)} мс.` }), evidence);
  }
  const body = r.body as Partial<Charge> | undefined;
  if (r.status !== 201 || body?.paymentId !== 'pay-retried') {
    throw fail(say({ en: `The ${ATTEMPTS}th attempt succeeded; the gateway should answer 201 with the charge.`, uk: `${ATTEMPTS}-та спроба вдалася; шлюз має відповісти 201 зі списанням.` }), evidence);
  }
  charged.set('pay-retried', 990);
});

test(say({ en: 'a service that stays UNAVAILABLE gets 1 + MAX_RETRIES attempts, and the caller 503 with its message', uk: 'сервіс, що лишається UNAVAILABLE, отримує 1 + MAX_RETRIES спроб, а клієнт — 503 з його повідомленням' }), async () => {
  await clearFaults();
  // One failure more than the gateway may try: a further attempt would reach the service and charge.
  await fault(PROXY, { failNext: ATTEMPTS, error: UNAVAILABLE });
  const r = await pay('pay-unavailable', 640);
  await sleep(100);
  const attempts = await attemptsFor('pay-unavailable');
  await clearFaults();
  const sent = say({ en: `${String(r.sent)}, the first ${ATTEMPTS} attempts answered ${JSON.stringify(UNAVAILABLE)}`, uk: `${String(r.sent)}, на перші ${ATTEMPTS} спроби відповідь ${JSON.stringify(UNAVAILABLE)}` });
  const received = say({ en: `${r.received} after ${r.ms} ms; ${attempts.length} attempt(s), at ${timeline(attempts)} ms`, uk: `${r.received} через ${r.ms} мс; спроб: ${attempts.length}, на ${timeline(attempts)} мс` });
  if (attempts.length > ATTEMPTS) {
    throw await explain({ kind: 'unavailable-throughout', attempts: attempts.length, status: r.status }, {
      expected: say({ en: `At most ${ATTEMPTS} attempts (MAX_RETRIES = ${MAX_RETRIES} retries), then 503.`, uk: `Щонайбільше ${ATTEMPTS} спроби (MAX_RETRIES = ${MAX_RETRIES} повтори), потім 503.` }),
      meaning: say({ en: 'more attempts than 1 + MAX_RETRIES: the retry has no bound, or a larger one', uk: 'спроб більше за 1 + MAX_RETRIES: повтор не має межі або має більшу' }),
    }, { sent, received });
  }
  const body = r.body as { statusCode?: unknown; message?: unknown } | undefined;
  if (attempts.length !== ATTEMPTS || r.status !== 503 || body?.statusCode !== 503 || body.message !== UNAVAILABLE.message) {
    throw fail(say({ en: `After ${ATTEMPTS} attempts answered UNAVAILABLE, the gateway should answer 503 with the service's message (toHttpError in http-errors.ts turns the last UNAVAILABLE into it).`, uk: `Після ${ATTEMPTS} спроб із відповіддю UNAVAILABLE шлюз має відповісти 503 з повідомленням сервісу (toHttpError у http-errors.ts перетворює на нього останню UNAVAILABLE).` }), { sent, received });
  }
});

test(say({ en: 'each attempt has a deadline: a payments service that does not answer gets its retries, and the caller an answer in time', uk: 'кожна спроба має дедлайн: сервіс платежів, що не відповідає, отримує свої повторні спроби, а клієнт — відповідь вчасно' }), async () => {
  await clearFaults();
  const delayMs = 4000;
  await fault(PROXY, { delayMs });
  const r = await pay('pay-slow', 700, patientGateway);
  await sleep(300);
  const attempts = await attemptsFor('pay-slow');
  await clearFaults();
  const sent = say({ en: `${String(r.sent)}, every answer of the payments service held back ${delayMs} ms`, uk: `${String(r.sent)}, кожну відповідь сервісу платежів затримано на ${delayMs} мс` });
  const received = r.status === 0
    ? say({ en: `no answer within 7 s; ${attempts.length} attempt(s), at ${timeline(attempts)} ms`, uk: `відповіді немає протягом 7 с; спроб: ${attempts.length}, на ${timeline(attempts)} мс` })
    : say({ en: `${r.received} after ${r.ms} ms; ${attempts.length} attempt(s), at ${timeline(attempts)} ms`, uk: `${r.received} через ${r.ms} мс; спроб: ${attempts.length}, на ${timeline(attempts)} мс` });
  const evidence = { sent, received };
  const wire: Wire = { kind: 'slow-service', attempts: attempts.length, status: r.status, ms: r.ms, heldMs: delayMs };
  const expected = say({ en: `${ATTEMPTS} attempts, each given up after ${ATTEMPT_TIMEOUT_MS} ms (ATTEMPT_TIMEOUT_MS), then 504 within ${WORST_CASE_MS} ms.`, uk: `${ATTEMPTS} спроби, кожну покинуто через ${ATTEMPT_TIMEOUT_MS} мс (ATTEMPT_TIMEOUT_MS), потім 504 протягом ${WORST_CASE_MS} мс.` });
  if (attempts.length > ATTEMPTS) {
    throw await explain(wire, {
      expected,
      meaning: say({ en: 'more attempts than 1 + MAX_RETRIES: the retry has no bound, or a larger one', uk: 'спроб більше за 1 + MAX_RETRIES: повтор не має межі або має більшу' }),
    }, evidence);
  }
  if (attempts.length === 1 && (r.status === 0 || r.ms >= delayMs)) {
    throw await explain(wire, {
      expected,
      meaning: say({ en: 'one attempt, answered only when the held reply came: nothing gives the attempt a deadline, or its deadline is longer than the hold', uk: 'одна спроба, відповідь лише тоді, коли прийшла затримана відповідь: у спроби немає дедлайну або він довший за затримку' }),
    }, evidence);
  }
  if (attempts.length === 1 && r.status === 504) {
    throw await explain(wire, {
      expected,
      meaning: say({ en: 'one attempt, then 504: the deadline passed, but the timeout was not retried (judged permanent, or the deadline covers all the attempts together)', uk: 'одна спроба, потім 504: дедлайн минув, але тайм-аут не повторено (його вважали постійною помилкою, або дедлайн охоплює всі спроби разом)' }),
    }, evidence);
  }
  if (r.status === 0 || r.ms > WORST_CASE_MS + SLACK_MS) {
    throw fail(say({ en: `The caller waited too long: ${ATTEMPTS} attempts of ${ATTEMPT_TIMEOUT_MS} ms and their back-off take ${WORST_CASE_MS} ms at most.`, uk: `Клієнт чекав задовго: ${ATTEMPTS} спроби по ${ATTEMPT_TIMEOUT_MS} мс разом із затримками тривають щонайбільше ${WORST_CASE_MS} мс.` }), evidence);
  }
  const cutEarly = gaps(attempts).find((g) => g < ATTEMPT_TIMEOUT_MS - 50);
  if (cutEarly !== undefined) {
    throw fail(say({ en: `An attempt was given up after less than ${ATTEMPT_TIMEOUT_MS} ms (ATTEMPT_TIMEOUT_MS): the payments service gets that long to answer.`, uk: `Спробу покинуто раніше ніж через ${ATTEMPT_TIMEOUT_MS} мс (ATTEMPT_TIMEOUT_MS): сервіс платежів має стільки часу на відповідь.` }), evidence);
  }
  if (attempts.length < ATTEMPTS) {
    throw fail(say({ en: `The gateway gave up after ${attempts.length} attempt(s); an attempt that timed out is transient and may be retried ${MAX_RETRIES} times.`, uk: `Шлюз здався після ${attempts.length} спроб(и); спроба, що вичерпала тайм-аут, — тимчасова помилка, її можна повторити ${MAX_RETRIES} рази.` }), evidence);
  }
  const said = (r.body as { message?: unknown } | undefined)?.message;
  if (r.status !== 504 || typeof said !== 'string' || said === '') {
    throw fail(say({ en: 'Every attempt timed out: the gateway should answer 504 with a message (toHttpError turns the last TimeoutError into it).', uk: 'Кожна спроба вичерпала тайм-аут: шлюз має відповісти 504 з повідомленням (toHttpError перетворює на нього останню TimeoutError).' }), evidence);
  }
  // The service did the work of every attempt; the replies were only slow.
  charged.set('pay-slow', 700);
});

test(say({ en: 'a charge whose reply was lost is retried, charged once, and answered with the first charge', uk: 'списання, відповідь на яке загубилася, повторюється, списується один раз і отримує відповідь першим списанням' }), async () => {
  await clearFaults();
  await fault(PROXY, { failNext: 1, afterService: true, error: UNAVAILABLE });
  const r = await pay('pay-lost-reply', 2500);
  const attempts = await attemptsFor('pay-lost-reply');
  const sent = say({ en: `${String(r.sent)}; the first attempt reached the payments service, but its reply was replaced by ${JSON.stringify(UNAVAILABLE)}`, uk: `${String(r.sent)}; перша спроба дійшла до сервісу платежів, але її відповідь замінено на ${JSON.stringify(UNAVAILABLE)}` });
  const entries = await ledgerEntries('pay-lost-reply');
  const slowEntries = await ledgerEntries('pay-slow');
  const received = say({ en: `${r.received}; ${attempts.length} attempt(s); the ledger holds ${entries} entries for pay-lost-reply (and ${slowEntries} for pay-slow, delivered ${ATTEMPTS} times by the previous test)`, uk: `${r.received}; спроб: ${attempts.length}; у журналі записів для pay-lost-reply: ${entries} (і для pay-slow, доставленого ${ATTEMPTS} рази попереднім тестом: ${slowEntries})` });
  if (entries > 1 || slowEntries > 1) {
    throw await explain({ kind: 'charged-twice', delivery: entries > 1 ? 'retry-after-lost-reply' : 'retry-after-timeout', entries: Math.max(entries, slowEntries) }, {
      expected: say({ en: 'Each payment charged once, however many times it was delivered: one ledger entry each.', uk: 'Кожен платіж списано один раз, хоч скільки разів його доставлено: по одному запису в журналі.' }),
      meaning: CHARGED_TWICE_MEANS,
    }, { sent, received });
  }
  const body = r.body as Partial<Charge> | undefined;
  const [entry] = await ledgerCharges('pay-lost-reply');
  if (r.status !== 201 || body?.paymentId !== 'pay-lost-reply' || body.amount !== 2500 || body.chargedAt !== entry?.chargedAt) {
    throw fail(say({ en: 'The retry after the lost reply should be answered 201 with the charge made the first time (the same chargedAt as its ledger entry).', uk: 'Повторна спроба після загубленої відповіді має отримати 201 зі списанням, зробленим першого разу (той самий chargedAt, що в записі журналу).' }), { sent, received: say({ en: `${String(received)}; the ledger entry: ${JSON.stringify(entry)}`, uk: `${String(received)}; запис журналу: ${JSON.stringify(entry)}` }) });
  }
  charged.set('pay-lost-reply', 2500);
  const expected = [...charged.values()].reduce((a, b) => a + b, 0);
  const actual = await balance();
  if (actual !== expected) {
    throw fail(say({ en: `The balance (${PREFIX}:balance) should be the sum of the payments charged so far, each once.`, uk: `Баланс (${PREFIX}:balance) має дорівнювати сумі списаних досі платежів, кожного один раз.` }), { sent: [...charged.keys()].join(', '), received: say({ en: `balance ${actual}, expected ${expected}`, uk: `баланс ${actual}, очікувано ${expected}` }) });
  }
});

test(say({ en: 'a charge delivered twice at the same moment is charged once', uk: 'списання, доставлене двічі одночасно, списується один раз' }), async () => {
  await clearFaults();
  await fault(PROXY, { duplicateNext: 1 });
  const r = await pay('pay-twice', 3100);
  await eventually(async () => (await attemptsFor('pay-twice')).some((a) => a.duplicateRepliedAt !== undefined), { timeoutMs: 3000 });
  const entries = await ledgerEntries('pay-twice');
  const sent = say({ en: `${String(r.sent)}, delivered to the payments service twice, both copies at once`, uk: `${String(r.sent)}, доставлено сервісу платежів двічі, обидві копії одночасно` });
  const received = say({ en: `${r.received}; the ledger holds ${entries} entries for pay-twice`, uk: `${r.received}; у журналі записів для pay-twice: ${entries}` });
  if (entries > 1) {
    throw await explain({ kind: 'charged-twice', delivery: 'simultaneous', entries }, {
      expected: say({ en: 'Two copies of one payment arriving together charged once: one ledger entry.', uk: 'Дві копії одного платежу, що прийшли разом, списано один раз: один запис у журналі.' }),
      meaning: CHARGED_TWICE_MEANS,
    }, { sent, received });
  }
  if (r.status !== 201 || entries !== 1) throw fail(say({ en: 'The payment should be charged once and answered with 201.', uk: 'Платіж має бути списаний один раз, а відповідь — 201.' }), { sent, received });
  charged.set('pay-twice', 3100);
});

test(say({ en: 'a charge delivered again after the payments service restarted is still charged once, and answered with the first charge', uk: 'списання, доставлене знову після перезапуску сервісу платежів, усе одно списується один раз і отримує відповідь першим списанням' }), async () => {
  await clearFaults();
  await kill('payments');
  await start('payments');
  const r = await pay('pay-first', 4200);
  const entries = await ledgerEntries('pay-first');
  const sent = say({ en: `${String(r.sent)} again, after the payments service was restarted`, uk: `${String(r.sent)} ще раз, після перезапуску сервісу платежів` });
  const received = say({ en: `${r.received}; the ledger holds ${entries} entries for pay-first`, uk: `${r.received}; у журналі записів для pay-first: ${entries}` });
  if (entries > 1) {
    throw await explain({ kind: 'charged-twice', delivery: 'after-restart', entries }, {
      expected: say({ en: 'A payment delivered again after a restart charged once: one ledger entry.', uk: 'Платіж, доставлений знову після перезапуску, списано один раз: один запис у журналі.' }),
      meaning: CHARGED_TWICE_MEANS,
    }, { sent, received });
  }
  const body = r.body as Partial<Charge> | undefined;
  if (r.status !== 201 || body?.chargedAt !== firstCharge?.chargedAt || body?.amount !== 4200) {
    throw fail(say({ en: 'A payment asked for again should be answered 201 with the charge made the first time (the same chargedAt).', uk: 'На повторний запит платежу відповідь має бути 201 зі списанням, зробленим першого разу (той самий chargedAt).' }), { sent, received: say({ en: `${String(received)}; the first answer: ${JSON.stringify(firstCharge)}`, uk: `${String(received)}; перша відповідь: ${JSON.stringify(firstCharge)}` }) });
  }
  const expected = [...charged.values()].reduce((a, b) => a + b, 0);
  const actual = await balance();
  if (actual !== expected) {
    throw fail(say({ en: `The balance (${PREFIX}:balance) should be the sum of the payments charged so far, each once.`, uk: `Баланс (${PREFIX}:balance) має дорівнювати сумі списаних досі платежів, кожного один раз.` }), { sent: [...charged.keys()].join(', '), received: say({ en: `balance ${actual}, expected ${expected}`, uk: `баланс ${actual}, очікувано ${expected}` }) });
  }
}, 30_000);

test(say({ en: 'a payment id is remembered for at least 24 hours', uk: 'id платежу памʼятається щонайменше 24 години' }), async () => {
  // The keys the ledger keeps for pay-first (besides the balance and the ledger list): each expires in a day or later, or never.
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = (await redis?.scan(cursor, 'MATCH', `${PREFIX}:*pay-first*`, 'COUNT', 1000)) ?? ['0', []];
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  for (const key of keys) {
    const ttl = (await redis?.ttl(key)) ?? -2;
    if (ttl !== -1 && ttl < REMEMBER_AT_LEAST_S - SLACK_S) {
      throw fail(say({ en: `The key that remembers pay-first (${key}) expires in ${ttl} s: a payment id should be remembered for at least 24 hours (or for good), longer than any retry or redelivery can arrive.`, uk: `Ключ, що памʼятає pay-first (${key}), зникне через ${ttl} с: id платежу має памʼятатися щонайменше 24 години (або назавжди), довше, ніж може прийти будь-який повтор чи повторна доставка.` }), { sent: `TTL ${key}`, received: String(ttl) });
    }
  }
});
