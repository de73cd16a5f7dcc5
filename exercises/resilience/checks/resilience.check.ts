import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, test } from 'vitest';
import { clearFaults, env, eventually, fail, fault, http, kill, mistake, proxyLog, redisOptions, say, source, start, type HttpResult, type ProxiedMessage } from 'learn-nest-micro/harness';

/** The contract of the exercise, as gateway/call-policy.ts states it. */
const ATTEMPT_TIMEOUT_MS = 500;
const MAX_RETRIES = 3;
const BACKOFF_MS = 100;
const ATTEMPTS = 1 + MAX_RETRIES;
/** Every attempt timed out, with every back-off between them: 4 × 500 + 100 + 200 + 400 ms. */
const WORST_CASE_MS = ATTEMPTS * ATTEMPT_TIMEOUT_MS + BACKOFF_MS * (2 ** MAX_RETRIES - 1);
/** Slack for a busy machine on top of the worst case. */
const SLACK_MS = 1000;

const PROXY = 'PAYMENTS_PROXY';
const PREFIX = env('PAYMENTS_KEY_PREFIX');
const UNAVAILABLE = { code: 'UNAVAILABLE', message: 'The payments service is busy (a fault injected by the check).' };

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
  const entries = (await redis?.lrange(`${PREFIX}:ledger`, 0, -1)) ?? [];
  return entries.filter((e) => {
    try {
      return (JSON.parse(e) as Charge).paymentId === paymentId;
    } catch {
      return false;
    }
  }).length;
}

async function balance(): Promise<number> {
  return Number((await redis?.get(`${PREFIX}:balance`)) ?? 0);
}

/** What the check has charged so far (each payment once): the balance that must follow. */
const charged = new Map<string, number>();

const policySource = () => source('gateway/call-policy.ts');
const gatewaySources = () => ['gateway/call-policy.ts', 'gateway/gateway.module.ts', 'gateway/payments.controller.ts', 'gateway/main.ts'].map(source).join('\n');

/** A repeated delivery changed the balance twice: name what the ledger does, from its source. */
function doubleChargeMistake(evidence: { sent: unknown; received: unknown }): Error {
  const ledger = source('payments-service/ledger.ts');
  return mistake(/['"]NX['"]|\bsetnx\b/i.test(ledger) ? 'dedup-after-effect' : 'no-dedup', evidence);
}

/** The position of the first call of `name(` in the gateway's call policy, ignoring comments. */
function callAt(text: string, name: string): number {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const found = new RegExp(`\\b${name}\\s*\\(`).exec(code);
  return found ? found.index : -1;
}

/** retry(…) comes before timeout(…): the deadline then covers every attempt together. */
function timeoutOutsideRetry(): boolean {
  const retryAt = callAt(policySource(), 'retry');
  const timeoutAt = callAt(policySource(), 'timeout');
  return retryAt >= 0 && timeoutAt > retryAt;
}

test(say({ en: 'POST /payments charges a payment through the payments service and answers 201 with the charge', uk: 'POST /payments списує платіж через сервіс платежів і відповідає 201 зі списанням' }), async () => {
  await clearFaults();
  const r = await pay('pay-first', 4200);
  const attempts = await attemptsFor('pay-first');
  if (r.status === 0) throw fail(say({ en: 'The gateway did not answer POST /payments.', uk: 'Шлюз не відповів на POST /payments.' }), r);
  if (attempts.length === 0) {
    throw fail(say({ en: "No { cmd: 'charge' } request reached the payments service: the gateway should send it through the client registered in gateway.module.ts (port PAYMENTS_PROXY).", uk: "Жоден запит { cmd: 'charge' } не дійшов до сервісу платежів: шлюз має надсилати його через клієнт, зареєстрований у gateway.module.ts (порт PAYMENTS_PROXY)." }), r);
  }
  const body = r.body as Partial<Charge> | undefined;
  if (r.status !== 201 || body?.paymentId !== 'pay-first' || body.amount !== 4200) {
    throw fail(say({ en: 'POST /payments { paymentId: "pay-first", amount: 4200 } should answer 201 with the charge ({ paymentId, amount, chargedAt }).', uk: 'POST /payments { paymentId: "pay-first", amount: 4200 } має відповідати 201 зі списанням ({ paymentId, amount, chargedAt }).' }), r);
  }
  charged.set('pay-first', 4200);
  const entries = await ledgerEntries('pay-first');
  if (entries !== 1) {
    throw fail(say({ en: `After one payment the ledger (${PREFIX}:ledger in Redis) should hold one entry for it.`, uk: `Після одного платежу журнал (${PREFIX}:ledger у Redis) має містити для нього один запис.` }), { sent: r.sent, received: say({ en: `${entries} entries for pay-first`, uk: `записів для pay-first: ${entries}` }) });
  }
});

test(say({ en: 'a permanent error (an invalid amount, a declined card) is answered at once, never retried', uk: 'на постійну помилку (неправильна сума, відхилена картка) шлюз відповідає одразу й ніколи не повторює запит' }), async () => {
  await clearFaults();
  for (const [paymentId, amount, status, code] of [
    ['pay-invalid', 0, 400, 'INVALID'],
    ['declined-card', 1500, 402, 'DECLINED'],
  ] as const) {
    const r = await pay(paymentId, amount);
    const attempts = await attemptsFor(paymentId);
    const received = say({ en: `${r.received}; the payments service was asked ${attempts.length} time(s), at ${timeline(attempts)} ms`, uk: `${r.received}; сервіс платежів отримав запит ${attempts.length} раз(и), на ${timeline(attempts)} мс` });
    if (attempts.length > 1) throw mistake('retries-permanent-error', { sent: r.sent, received, original: JSON.stringify(attempts[0].reply?.err) });
    if (r.status !== status) {
      throw fail(say({ en: `The payments service answered ${code}; the gateway should answer ${status} (toHttpError in http-errors.ts), once that error reaches it unchanged.`, uk: `Сервіс платежів відповів ${code}; шлюз має відповісти ${status} (toHttpError у http-errors.ts), коли ця помилка доходить до нього незмінною.` }), { sent: r.sent, received });
    }
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
  if (attempts.length === 1) {
    if (/\bretry(Attempts|Delay)\b/.test(gatewaySources())) throw mistake('retry-attempts-option', evidence);
    throw fail(say({ en: `The payments service answered UNAVAILABLE once and the gateway gave up: retry a transient failure (withRetries in gateway/call-policy.ts), up to ${MAX_RETRIES} times.`, uk: `Сервіс платежів один раз відповів UNAVAILABLE, і шлюз здався: повторюйте тимчасову помилку (withRetries у gateway/call-policy.ts) до ${MAX_RETRIES} разів.` }), evidence);
  }
  // Every attempt was answered at once, so a timeout can only come from a deadline over all of them.
  if (attempts.length < ATTEMPTS && r.status === 504 && attempts.every((a) => a.fault === 'failed')) throw mistake('timeout-outside-retry', evidence);
  if (Math.min(...between) < BACKOFF_MS / 2) throw mistake('retry-without-delay', evidence);
  if (attempts.length < ATTEMPTS) {
    throw fail(say({ en: `The gateway stopped after ${attempts.length} attempts; a transient failure may be retried ${MAX_RETRIES} times (the ${ATTEMPTS}th attempt succeeds here).`, uk: `Шлюз зупинився після ${attempts.length} спроб; тимчасову помилку можна повторити ${MAX_RETRIES} рази (тут успішна ${ATTEMPTS}-та спроба).` }), evidence);
  }
  // Doubling waits 100, 200, 400 ms: a later gap is up to 300 ms longer than an earlier one; a fixed wait, about 0.
  // A busy machine only lengthens a gap, so the largest growth between any two is what tells them apart.
  const growth = Math.max(...between.flatMap((g, i) => between.slice(i + 1).map((later) => later - g)));
  if (growth < 1.5 * BACKOFF_MS) throw mistake('constant-delay', evidence);
  if (between[0] > 4 * BACKOFF_MS || r.ms > WORST_CASE_MS + SLACK_MS) {
    throw fail(say({ en: `The retries wait too long: before the first retry ${BACKOFF_MS} ms, then twice as long each time (BACKOFF_MS).`, uk: `Повторні спроби чекають задовго: перед першою ${BACKOFF_MS} мс, далі щоразу вдвічі довше (BACKOFF_MS).` }), evidence);
  }
  const body = r.body as Partial<Charge> | undefined;
  if (r.status !== 201 || body?.paymentId !== 'pay-retried') {
    throw fail(say({ en: `The ${ATTEMPTS}th attempt succeeded; the gateway should answer 201 with the charge.`, uk: `${ATTEMPTS}-та спроба вдалася; шлюз має відповісти 201 зі списанням.` }), evidence);
  }
  charged.set('pay-retried', 990);
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
  if (attempts.length > ATTEMPTS) throw mistake('retry-forever', evidence);
  if (attempts.length === 1 && (r.status === 0 || r.ms >= delayMs)) throw mistake('no-timeout', evidence);
  if (attempts.length === 1 && r.status === 504) throw mistake(timeoutOutsideRetry() ? 'timeout-outside-retry' : 'timeout-not-transient', evidence);
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
  if (r.status !== 504) {
    throw fail(say({ en: 'Every attempt timed out: the gateway should answer 504 (toHttpError turns the last TimeoutError into it).', uk: 'Кожна спроба вичерпала тайм-аут: шлюз має відповісти 504 (toHttpError перетворює на нього останню TimeoutError).' }), evidence);
  }
  // The service did the work of every attempt; the replies were only slow.
  charged.set('pay-slow', 700);
});

test(say({ en: 'a charge whose reply was lost is retried, and charged once', uk: 'списання, відповідь на яке загубилася, повторюється — і списується один раз' }), async () => {
  await clearFaults();
  await fault(PROXY, { failNext: 1, afterService: true, error: UNAVAILABLE });
  const r = await pay('pay-lost-reply', 2500);
  const attempts = await attemptsFor('pay-lost-reply');
  const sent = say({ en: `${String(r.sent)}; the first attempt reached the payments service, but its reply was replaced by ${JSON.stringify(UNAVAILABLE)}`, uk: `${String(r.sent)}; перша спроба дійшла до сервісу платежів, але її відповідь замінено на ${JSON.stringify(UNAVAILABLE)}` });
  const entries = await ledgerEntries('pay-lost-reply');
  const slowEntries = await ledgerEntries('pay-slow');
  const received = say({ en: `${r.received}; ${attempts.length} attempt(s); the ledger holds ${entries} entries for pay-lost-reply (and ${slowEntries} for pay-slow, delivered ${ATTEMPTS} times by the previous test)`, uk: `${r.received}; спроб: ${attempts.length}; у журналі записів для pay-lost-reply: ${entries} (і для pay-slow, доставленого ${ATTEMPTS} рази попереднім тестом: ${slowEntries})` });
  if (entries > 1 || slowEntries > 1) throw doubleChargeMistake({ sent, received });
  const body = r.body as Partial<Charge> | undefined;
  if (r.status !== 201 || body?.paymentId !== 'pay-lost-reply' || body.amount !== 2500) {
    throw fail(say({ en: 'The retry after the lost reply should be answered with the charge made the first time (201).', uk: 'Повторна спроба після загубленої відповіді має отримати списання, зроблене першого разу (201).' }), { sent, received });
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
  if (entries > 1) throw mistake('check-then-set-race', { sent, received });
  if (r.status !== 201 || entries !== 1) throw fail(say({ en: 'The payment should be charged once and answered with 201.', uk: 'Платіж має бути списаний один раз, а відповідь — 201.' }), { sent, received });
  charged.set('pay-twice', 3100);
});

test(say({ en: 'a charge delivered again after the payments service restarted is still charged once', uk: 'списання, доставлене знову після перезапуску сервісу платежів, усе одно списується один раз' }), async () => {
  await clearFaults();
  await kill('payments');
  await start('payments');
  const r = await pay('pay-first', 4200);
  const entries = await ledgerEntries('pay-first');
  const sent = say({ en: `${String(r.sent)} again, after the payments service was restarted`, uk: `${String(r.sent)} ще раз, після перезапуску сервісу платежів` });
  const received = say({ en: `${r.received}; the ledger holds ${entries} entries for pay-first`, uk: `${r.received}; у журналі записів для pay-first: ${entries}` });
  if (entries > 1) throw mistake('dedup-in-memory', { sent, received });
  if (r.status !== 201) throw fail(say({ en: 'A payment asked for again should be answered 201 with the charge made the first time.', uk: 'На повторний запит платежу відповідь має бути 201 зі списанням, зробленим першого разу.' }), { sent, received });
}, 30_000);
