import { Logger } from '@nestjs/common';
import { NatsRecordBuilder, type ClientProxy } from '@nestjs/microservices';
import { connect, createInbox, headers, type NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, test } from 'vitest';
import { describeSpot, diagnose, env, eventually, fail, logs, natsClient, say, send, unawaitedEmits, type SendResult } from 'learn-nest-micro/harness';
import { detectors, type Wire } from './diagnoses';

interface Quote {
  country: string;
  kg: number;
  price: number;
  instance: string;
  requestId?: string;
}
/** One line the starter's AuditTrail prints: `AUDIT <instance> subject=<s> request=<id|-> data=<json>`. */
interface AuditEntry {
  subject: string;
  requestId?: string;
  data: string;
}
/** What came back to one raw request's inbox. */
interface RawReply {
  response?: Quote;
  err?: unknown;
  isDisposed?: boolean;
}

const SHIP = env('SHIP');
const NATS_URL = env('NATS_URL');
const QUOTES = ['quotes-1', 'quotes-2', 'quotes-3'];
const AUDITS = ['audit-1', 'audit-2'];
const REQUEST_ID = 'x-request-id';

/** The tariffs of the starter's quotes-service/tariffs.ts. */
const perKg: Record<string, number> = { de: 1.2, fr: 1.35, pl: 0.9, ua: 0.8 };
const priceFor = (country: string, kg: number) => Math.round((4 + (perKg[country] ?? 2.5) * kg) * 100) / 100;

let nc: NatsConnection | undefined;
/** Every quote the check asked for and got, by its x-request-id: each must reach the audit as quote.issued. */
const answered = new Map<string, Quote>();
/** Quotes answered to requests without headers: they are issued too, without a request id. */
const answeredWithoutId: Quote[] = [];
/** The reply subject of each quote.issued message seen on the wire: an event has none. */
const issuedReplySubjects: string[] = [];

beforeAll(async () => {
  // The Nest client's own log lines would land in the checker's output.
  Logger.overrideLogger(false);
  nc = await connect({ servers: NATS_URL });
  nc.subscribe(`${SHIP}.events.quote.issued`, { callback: (_err, msg) => void issuedReplySubjects.push(msg.reply ?? '') });
  await nc.flush();
});

afterAll(async () => {
  await nc?.close().catch(() => undefined);
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Data with an x-request-id header, the way a caller sends it with Nest (plain data without an id). */
function withRequestId<T>(data: T, requestId: string | undefined) {
  if (requestId === undefined) return data;
  const h = headers();
  h.set(REQUEST_ID, requestId);
  return new NatsRecordBuilder(data).setHeaders(h).build();
}

function lineOf(log: string, re: RegExp): string | undefined {
  return log.split('\n').find((line) => re.test(line))?.trim();
}

async function auditTrail(instance: string): Promise<AuditEntry[]> {
  const log = await logs(instance).catch(() => '');
  const entries: AuditEntry[] = [];
  for (const m of log.matchAll(/AUDIT \S+ subject=(\S+) request=(\S+) data=(.*)$/gm)) {
    entries.push({ subject: m[1], requestId: m[2] === '-' ? undefined : m[2], data: m[3] });
  }
  return entries;
}

/** A request sent the way the learner's callers send it: a Nest ClientProxy, with the header. */
async function quote(country: string, kg: number, requestId: string | undefined): Promise<SendResult<Quote>> {
  const client: ClientProxy = await natsClient();
  const r = await send<Quote>(client, `${SHIP}.quote.${country}`, withRequestId({ kg }, requestId), { timeoutMs: 5000 });
  // What was sent, without the record's internals.
  const shown = { ...r, sent: { subject: `${SHIP}.quote.${country}`, data: { kg }, headers: requestId === undefined ? {} : { [REQUEST_ID]: requestId } } };
  if (r.ok && r.value && requestId !== undefined) answered.set(requestId, r.value);
  if (r.ok && r.value && requestId === undefined) answeredWithoutId.push(r.value);
  return shown as SendResult<Quote>;
}

/** A failed quote request: ./diagnoses names a mistake only on evidence of its own; otherwise what came back and what it can mean. */
async function explainFailedQuote(r: SendResult<Quote>, expected: string): Promise<Error> {
  const errorText = r.errorText ?? '';
  const noResponders = /There are no subscribers listening/.test(errorText);
  return diagnose<Wire>(detectors, { kind: 'quote-failed', errorText }, {
    expected: noResponders && !errorText.includes('.events.') ? say({ en: `Nobody answers ${SHIP}.quote.<country>. ${expected}`, uk: `Ніхто не відповідає на ${SHIP}.quote.<country>. ${expected}` }) : expected,
    meaning: noResponders
      ? say({
          en: 'NATS found no subscriber for a subject the request needed: no quotes instance is subscribed to the quote subjects (their subject differs, the controller is not in the module, the instances crashed: see their logs), or the handler itself sent a request nobody answers',
          uk: 'NATS не знайшов підписника на субʼєкт, потрібний запиту: жоден екземпляр quotes не підписаний на субʼєкти розрахунку (субʼєкт інший, контролера немає в модулі, екземпляри впали: див. їхні журнали), або сам обробник надіслав запит, на який ніхто не відповідає',
        })
      : /no elements in sequence|EmptyError/.test(errorText)
        ? say({
            en: 'a reply came with no value (only "completed"): some handler subscribed to the quote subjects returns nothing, and its reply arrived first',
            uk: 'прийшла відповідь без значення (лише «завершено»): якийсь обробник, підписаний на субʼєкти розрахунку, нічого не повертає, і його відповідь прийшла першою',
          })
        : say({
            en: 'the quotes handler failed or never answered: it threw (its log is below), or it waits for something that does not come',
            uk: 'обробник quotes завершився помилкою або так і не відповів: він кинув виняток (його журнал нижче) або чекає на те, що не надходить',
          }),
  }, r);
}

test(say({ en: 'a quote request for Germany is answered by a quotes instance', uk: 'на запит розрахунку для Німеччини відповідає екземпляр quotes' }), async () => {
  const expected = say({
    en: `A request on ${SHIP}.quote.de with { kg: 2 } should be answered with { country: 'de', kg: 2, price: ${priceFor('de', 2)}, instance: <INSTANCE_ID>, requestId }.`,
    uk: `Запит на ${SHIP}.quote.de з { kg: 2 } має отримати відповідь { country: 'de', kg: 2, price: ${priceFor('de', 2)}, instance: <INSTANCE_ID>, requestId }.`,
  });
  const r = await quote('de', 2, 'first-1');
  if (!r.ok) throw await explainFailedQuote(r, expected);
  const q = r.value;
  if (!q || q.country !== 'de' || q.kg !== 2 || q.price !== priceFor('de', 2)) throw fail(expected, r);
  if (!QUOTES.includes(q.instance)) {
    throw fail(say({ en: `The reply should name the instance that answered (INSTANCE_ID: one of ${QUOTES.join(', ')}).`, uk: `Відповідь має називати екземпляр, що відповів (INSTANCE_ID: один із ${QUOTES.join(', ')}).` }), r);
  }
});

test(say({ en: 'one handler answers every country: the country is the last token of the subject', uk: 'один обробник відповідає для кожної країни: країна — останній токен субʼєкта' }), async () => {
  // jp has no tariff of its own (priceFor's default rate): any country code is answered.
  for (const [country, kg] of [['fr', 3], ['pl', 1], ['ua', 10], ['jp', 2]] as const) {
    const expected = say({
      en: `A request on ${SHIP}.quote.${country} should be answered with country '${country}' and price ${priceFor(country, kg)}: take the country from the subject the request arrived on.`,
      uk: `Запит на ${SHIP}.quote.${country} має отримати відповідь із country '${country}' і price ${priceFor(country, kg)}: беріть країну із субʼєкта, на який прийшов запит.`,
    });
    const r = await quote(country, kg, `country-${country}`);
    if (!r.ok) throw await explainFailedQuote(r, expected);
    if (r.value?.country !== country || r.value.price !== priceFor(country, kg)) throw fail(expected, r);
  }
});

test(say({ en: 'the reply carries the x-request-id header of the request as requestId', uk: 'відповідь містить заголовок x-request-id запиту як requestId' }), async () => {
  const r = await quote('de', 5, 'header-7');
  if (!r.ok) throw await explainFailedQuote(r, say({ en: 'The request should be answered.', uk: 'Запит має отримати відповідь.' }));
  if (r.value?.requestId !== 'header-7') {
    throw await diagnose<Wire>(detectors, { kind: 'reply-request-id', requestId: r.value?.requestId }, {
      expected: say({ en: `The request carried the header ${REQUEST_ID}: header-7; the reply's requestId should be 'header-7'. Headers come with the NatsContext, not with the payload.`, uk: `Запит мав заголовок ${REQUEST_ID}: header-7; requestId у відповіді має бути 'header-7'. Заголовки приходять із NatsContext, а не з корисним навантаженням.` }),
      meaning: say({ en: 'the quotes handler does not read the header it was sent: it reads another name (header names are case-sensitive), reads it in a way that gives nothing, or does not put it in the reply', uk: 'обробник quotes не читає надісланий заголовок: читає іншу назву (назви заголовків чутливі до регістру), читає його так, що нічого не отримує, або не кладе його у відповідь' }),
    }, { sent: r.sent, received: r.value });
  }
  // Not every caller sets the header: a message without headers has none at all (getHeaders() is undefined).
  const bare = await quote('fr', 1, undefined);
  if (bare.ok && bare.value?.country === 'fr' && bare.value.requestId === undefined) return;
  throw fail(
    say({
      en: `A request without an ${REQUEST_ID} header should be answered too, without requestId. NatsContext.getHeaders() is undefined for a message that has no headers: read the header with incoming?.get(…).`,
      uk: `Запит без заголовка ${REQUEST_ID} теж має отримати відповідь, без requestId. Для повідомлення без заголовків NatsContext.getHeaders() повертає undefined: читайте заголовок через incoming?.get(…).`,
    }),
    bare,
  );
});

/** Publishes Nest-shaped requests itself and keeps every reply that comes back to its inbox. */
async function rawQuotes(count: number): Promise<Map<string, RawReply[]>> {
  if (!nc) throw new Error('no NATS connection');
  const inbox = createInbox();
  const replies = new Map<string, RawReply[]>();
  let last = Date.now();
  const sub = nc.subscribe(inbox, {
    callback: (_err, msg) => {
      last = Date.now();
      try {
        const body = msg.json<RawReply & { id: string }>();
        replies.set(body.id, [...(replies.get(body.id) ?? []), body]);
      } catch {
        // Not a Nest reply: ignore.
      }
    },
  });
  for (let i = 0; i < count; i++) {
    const id = `share-${i}`;
    const h = headers();
    h.set(REQUEST_ID, id);
    const subject = `${SHIP}.quote.pl`;
    nc.publish(subject, JSON.stringify({ pattern: subject, data: { kg: i + 1 }, id }), { reply: inbox, headers: h });
  }
  await nc.flush();
  // Every answer is in once nothing more has come for a while.
  const started = Date.now();
  while (Date.now() - started < 8000 && (replies.size < count || Date.now() - last < 600)) await sleep(100);
  sub.unsubscribe();
  return replies;
}

test(say({ en: '30 requests: each is answered exactly once, and every quotes instance takes a share', uk: '30 запитів: на кожен відповідають рівно один раз, і кожен екземпляр quotes бере свою частку' }), async () => {
  const count = 30;
  const replies = await rawQuotes(count);
  const sent = say({ en: `${count} requests on ${SHIP}.quote.pl, each with its own id and ${REQUEST_ID} (share-0 … share-${count - 1})`, uk: `${count} запитів на ${SHIP}.quote.pl, кожен зі своїм id і ${REQUEST_ID} (share-0 … share-${count - 1})` });
  const answersOf = (id: string) => (replies.get(id) ?? []).filter((r) => r.response !== undefined);

  const ids = Array.from({ length: count }, (_, i) => `share-${i}`);
  const emptyReplies = [...replies.values()].flat().filter((r) => r.response === undefined && r.err === undefined).length;
  const answeredBy = ids.map((id) => answersOf(id).map((a) => String(a.response?.instance)));
  const perInstance = new Map<string, number>(QUOTES.map((q) => [q, 0]));
  for (const by of answeredBy) for (const q of by) perInstance.set(q, (perInstance.get(q) ?? 0) + 1);
  const unanswered = ids.filter((_, i) => answeredBy[i].length === 0);
  const idle = QUOTES.filter((q) => !perInstance.get(q));
  const twice = ids.map((id, i) => ({ id, by: answeredBy[i] })).filter((a) => a.by.length > 1);
  const received = [
    [...perInstance].map(([q, n]) => `${q}: ${n}`).join(', '),
    ...twice.slice(0, 3).map((a) => say({ en: `request ${a.id} was answered ${a.by.length} times, by ${a.by.join(', ')}`, uk: `кількість відповідей на запит ${a.id}: ${a.by.length} (${a.by.join(', ')})` })),
    ...(emptyReplies > 0 ? [say({ en: `${emptyReplies} empty replies (no response, only "completed") besides the quotes`, uk: `порожніх відповідей (без response, лише «завершено») окрім розрахунків: ${emptyReplies}` })] : []),
  ];
  const wire: Wire = { kind: 'shared-requests', emptyReplies, answeredBy, unanswered: unanswered.length, idle };
  const expected = twice.length > 0 || emptyReplies > 0
    ? say({ en: `Each of the ${count} requests should get exactly one reply, a quote from one quotes instance.`, uk: `Кожен із ${count} запитів має отримати рівно одну відповідь — розрахунок від одного екземпляра quotes.` })
    : unanswered.length > 0
      ? say({ en: `${unanswered.length} of ${count} requests got no answer (${unanswered.slice(0, 5).join(', ')}…).`, uk: `Запитів без відповіді: ${unanswered.length} із ${count} (${unanswered.slice(0, 5).join(', ')}…).` })
      : say({ en: `Every quotes instance should take a share of the requests, but ${idle.join(', ')} answered none. All three belong in the same queue group.`, uk: `Кожен екземпляр quotes має брати частку запитів, але ${idle.join(', ')} не відповів на жоден. Усі три мають бути в одній групі черги.` });
  if (twice.length > 0 || emptyReplies > 0 || unanswered.length > 0 || idle.length > 0) {
    throw await diagnose<Wire>(detectors, wire, {
      expected,
      meaning: twice.length > 0
        ? say({ en: 'several quotes instances each got their own copy of a request: they are not members of one queue group', uk: 'кілька екземплярів quotes отримали кожен свою копію запиту: вони не в одній групі черги' })
        : emptyReplies > 0
          ? say({ en: 'a reply without a value comes from a handler that returns nothing: some service subscribed to the quote subjects answers them too', uk: 'відповідь без значення надходить від обробника, який нічого не повертає: якийсь сервіс, підписаний на субʼєкти розрахунку, теж на них відповідає' })
          : say({ en: 'an instance that answers nothing is not subscribed (crashed, or another subject), or is in a queue group of its own that the others do not share', uk: 'екземпляр, що нічого не відповідає, не підписаний (упав або має інший субʼєкт) або перебуває у власній групі черги' }),
    }, { sent, received });
  }
  for (const [id, answers] of replies) if (answers[0]?.response) answered.set(id, answers[0].response);
}, 20_000);

/** Events of other services that the audit must record: two and three tokens below `events`. */
const EVENTS = [
  ...['p-1', 'p-2', 'p-3', 'p-4'].map((parcel) => ({ subject: `${SHIP}.events.parcel.booked`, data: { parcel }, requestId: `book-${parcel}` })),
  ...['p-5', 'p-6', 'p-7', 'p-8'].map((parcel) => ({ subject: `${SHIP}.events.customs.de.cleared`, data: { parcel }, requestId: `customs-${parcel}` })),
  // An event from a service that sets no headers at all.
  { subject: `${SHIP}.events.parcel.booked`, data: { parcel: 'p-9' }, requestId: undefined },
];
const eventSent = EVENTS.map((e) => `${e.subject} ${JSON.stringify(e.data)} ${e.requestId === undefined ? say({ en: 'no headers', uk: 'без заголовків' }) : `${REQUEST_ID}: ${e.requestId}`}`);
let eventsPublished = false;

/** Each audit instance's entries for the check's own events, once they stop coming. */
async function auditOfEvents(): Promise<Map<string, AuditEntry[]>> {
  if (!eventsPublished) {
    const client = await natsClient();
    for (const e of EVENTS) await lastValueFrom(client.emit(e.subject, withRequestId(e.data, e.requestId)), { defaultValue: undefined });
    eventsPublished = true;
  }
  const ours = (entry: AuditEntry) => EVENTS.some((e) => entry.data === JSON.stringify(e.data));
  const result = new Map<string, AuditEntry[]>();
  // Done when every instance has every event, or when the trails have stopped growing for a while
  // (a mistake that loses events never completes them).
  let last = '';
  let since = Date.now();
  await eventually(
    async () => {
      for (const a of AUDITS) result.set(a, (await auditTrail(a)).filter(ours));
      const lengths = [...result.values()].map((entries) => entries.length);
      if (lengths.every((n) => n >= EVENTS.length)) return true;
      const now = lengths.join(',');
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return lengths.some((n) => n > 0) && Date.now() - since > 1500 ? true : undefined;
    },
    { timeoutMs: 6000, intervalMs: 250 },
  );
  return result;
}

test(say({ en: 'each audit instance records every event under events.>, whatever its depth', uk: 'кожен екземпляр audit записує кожну подію під events.>, хоч якої глибини' }), async () => {
  const trails = await auditOfEvents();
  const received = [...trails].map(([a, entries]) => `${a}: ${entries.length} ${say({ en: 'of', uk: 'із' })} ${EVENTS.length} (${entries.map((e) => e.subject.slice(SHIP.length + 1)).join(', ') || '-'})`);
  const evidence = { sent: eventSent, received };
  const counts = AUDITS.map((a) => trails.get(a)?.length ?? 0);
  const union = new Set([...trails.values()].flat().map((e) => e.data));

  const headerless = EVENTS.filter((e) => e.requestId === undefined).map((e) => JSON.stringify(e.data));
  const depthOf = (entries: AuditEntry[], tokens: string) => entries.filter((e) => e.subject.endsWith(tokens)).length;
  const wire: Wire = {
    kind: 'audit-events',
    published: EVENTS.length,
    counts,
    distinct: union.size,
    shallowSeen: [...trails.values()].some((entries) => depthOf(entries, '.parcel.booked') > 0),
    deepSeen: [...trails.values()].some((entries) => depthOf(entries, '.customs.de.cleared') > 0),
    headerlessSeen: headerless.some((d) => union.has(d)),
  };
  // A queue group shares the events out: together the instances have each one once, apart none has all.
  const sharedOut = union.size === EVENTS.length && counts.reduce((sum, n) => sum + n, 0) === EVENTS.length;
  if (sharedOut || !wire.deepSeen) {
    throw await diagnose<Wire>(detectors, wire, {
      expected: say({ en: `Each audit instance should record all ${EVENTS.length} events published under ${SHIP}.events., at any depth.`, uk: `Кожен екземпляр audit має записати всі ${EVENTS.length} подій, опублікованих під ${SHIP}.events., на будь-якій глибині.` }),
      meaning: sharedOut
        ? say({ en: 'together the audit instances have each event once: something hands each event to only one of them', uk: 'разом екземпляри audit мають кожну подію по одному разу: щось віддає кожну подію лише одному з них' })
        : say({ en: `no event three tokens below events. (customs.de.cleared) was recorded: the audit's subject does not cover that depth, or its handler fails on those events (see the audit's log)`, uk: `жодної події на три токени нижче events. (customs.de.cleared) не записано: субʼєкт аудиту не охоплює цієї глибини, або його обробник падає на цих подіях (див. журнал аудиту)` }),
    }, evidence);
  }
  if (counts.every((n) => n === EVENTS.length - headerless.length) && !headerless.some((d) => union.has(d))) {
    const crash = lineOf((await Promise.all(AUDITS.map((a) => logs(a).catch(() => '')))).join('\n'), /Cannot read properties of undefined/)?.replace(/^.*?(?=TypeError)/, '');
    throw fail(
      say({
        en: `The audit recorded every event except the one without headers (${headerless.join(', ')}); it belongs in the trail too, with request=-.${crash ? ` The audit logged "${crash}": NatsContext.getHeaders() is undefined for a message that has no headers, so read the header with incoming?.get(…).` : ''}`,
        uk: `Аудит записав кожну подію, крім тієї, що без заголовків (${headerless.join(', ')}); вона теж має бути в журналі, з request=-.${crash ? ` Аудит записав «${crash}»: для повідомлення без заголовків NatsContext.getHeaders() повертає undefined, тож читайте заголовок через incoming?.get(…).` : ''}`,
      }),
      evidence,
    );
  }
  if (counts.some((n) => n < EVENTS.length)) {
    throw fail(say({ en: `Each audit instance should record all ${EVENTS.length} events published under ${SHIP}.events.`, uk: `Кожен екземпляр audit має записати всі ${EVENTS.length} подій, опублікованих під ${SHIP}.events.` }), evidence);
  }
  const wrongSubject = [...trails.values()].flat().find((entry) => !EVENTS.some((e) => e.subject === entry.subject && JSON.stringify(e.data) === entry.data));
  if (wrongSubject) {
    throw fail(say({ en: `The audit should record the subject each event arrived on (NatsContext), not "${wrongSubject.subject}".`, uk: `Аудит має записувати субʼєкт, на який прийшла кожна подія (NatsContext), а не «${wrongSubject.subject}».` }), evidence);
  }
});

test(say({ en: 'the audit records the x-request-id header of each event', uk: 'аудит записує заголовок x-request-id кожної події' }), async () => {
  const trails = await auditOfEvents();
  const missing = [...trails].flatMap(([a, entries]) =>
    entries.filter((entry) => EVENTS.find((e) => JSON.stringify(e.data) === entry.data)?.requestId !== entry.requestId).map((entry) => `${a}: ${entry.subject} ${entry.data} request=${entry.requestId ?? '-'}`),
  );
  if (missing.length === 0) return;
  throw await diagnose<Wire>(detectors, { kind: 'audit-request-id', wrong: missing.length }, {
    expected: say({ en: `Each event carried an ${REQUEST_ID} header (but p-9, which has none); the audit should record it (request=<id> in its log).`, uk: `Кожна подія мала заголовок ${REQUEST_ID} (крім p-9, що без заголовків); аудит має його записати (request=<id> у журналі).` }),
    meaning: say({ en: 'the audit does not read the header it was sent: it reads another name (header names are case-sensitive), reads it in a way that gives nothing, or does not pass it to record()', uk: 'аудит не читає надісланий заголовок: читає іншу назву (назви заголовків чутливі до регістру), читає його так, що нічого не отримує, або не передає його в record()' }),
  }, { sent: eventSent, received: missing.slice(0, 4) });
});

test(say({ en: 'every answered quote reaches each audit instance as quote.issued, with the quote as data and the caller\'s x-request-id', uk: 'кожен розрахунок, на який відповіли, доходить до кожного екземпляра audit як quote.issued з розрахунком як даними та x-request-id того, хто викликав' }), async () => {
  const issued = `${SHIP}.events.quote.issued`;
  const want = [...answered.keys()];
  const sent = say({ en: `${want.length} answered quote requests, each with its own ${REQUEST_ID}, and ${answeredWithoutId.length} without headers`, uk: `запитів розрахунку з відповіддю: ${want.length}, кожен зі своїм ${REQUEST_ID}, і ${answeredWithoutId.length} без заголовків` });
  const trails = new Map<string, AuditEntry[]>();
  const complete = (entries: AuditEntry[]) => want.every((id) => entries.some((e) => e.requestId === id)) && entries.filter((e) => e.requestId === undefined).length >= answeredWithoutId.length;
  await eventually(
    async () => {
      for (const a of AUDITS) trails.set(a, (await auditTrail(a)).filter((e) => e.subject === issued));
      return [...trails.values()].every(complete) ? true : undefined;
    },
    { timeoutMs: 3000, intervalMs: 300 },
  );
  const received = [...trails].map(([a, entries]) => `${a}: ${entries.length} × quote.issued, ${entries.filter((e) => e.requestId).length} ${say({ en: 'with', uk: 'з' })} ${REQUEST_ID}`);
  const all = [...trails.values()].flat();
  // An event carries no reply subject; a quote.issued with one was published as a request.
  const wire: Wire = { kind: 'quote-issued', reply: issuedReplySubjects.find((r) => r !== '') ?? '', entries: all.length, withId: all.filter((e) => e.requestId !== undefined).length };
  if (wire.reply !== '' || wire.entries === 0 || wire.withId === 0) {
    throw await diagnose<Wire>(detectors, wire, {
      expected: wire.entries === 0
        ? say({ en: `No quote.issued event reached the audit: after each answer, publish ${issued} (an event, emit()).`, uk: `Жодна подія quote.issued не дійшла до аудиту: після кожної відповіді публікуйте ${issued} (подію, emit()).` })
        : say({ en: `After each answer, ${issued} should be published as an event (no reply subject) with the request's ${REQUEST_ID} header.`, uk: `Після кожної відповіді ${issued} має публікуватися як подія (без субʼєкта для відповіді) із заголовком ${REQUEST_ID} запиту.` }),
      meaning: wire.reply !== ''
        ? say({ en: `a message on ${issued} carried the reply subject ${wire.reply}: it was published as a request that waits for an answer`, uk: `повідомлення на ${issued} мало субʼєкт для відповіді ${wire.reply}: його опубліковано як запит, що чекає на відповідь` })
        : wire.entries === 0
          ? say({ en: 'nothing was published on quote.issued, or the publish failed (the quotes log below may say why)', uk: 'у quote.issued нічого не опубліковано, або публікація не вдалася (журнал quotes нижче може пояснити чому)' })
          : say({ en: 'the events arrived without the header: they were published without headers, or with the id under another name', uk: 'події прийшли без заголовка: їх опубліковано без заголовків або з id під іншою назвою' }),
    }, { sent, received });
  }
  const lacking = AUDITS.flatMap((a) => want.filter((id) => !trails.get(a)?.some((e) => e.requestId === id)).map((id) => `${a}: ${id}`));
  if (lacking.length > 0) {
    throw fail(say({ en: `Each audit instance should have a quote.issued event for every answered request; missing: ${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? '…' : ''}.`, uk: `Кожен екземпляр audit має мати подію quote.issued для кожного запиту з відповіддю; бракує: ${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? '…' : ''}.` }), { sent, received });
  }
  // The event carries the quote itself, the one the caller got.
  const parsed = (data: string): Partial<Quote> | undefined => {
    try {
      return JSON.parse(data) as Partial<Quote>;
    } catch {
      return undefined;
    }
  };
  const same = (q: Quote, d: Partial<Quote> | undefined) => d !== undefined && d.country === q.country && d.kg === q.kg && d.price === q.price && d.instance === q.instance;
  const unlike = all.find((e) => e.requestId !== undefined && answered.has(e.requestId) && !same(answered.get(e.requestId)!, parsed(e.data)));
  if (unlike) {
    const q = answered.get(unlike.requestId!)!;
    throw fail(say({ en: `quote.issued should carry the quote the caller got as its data: for ${unlike.requestId} that is ${JSON.stringify(q)}.`, uk: `quote.issued має нести як дані той розрахунок, який отримав той, хто викликав: для ${unlike.requestId} це ${JSON.stringify(q)}.` }), { sent, received: `${unlike.subject} request=${unlike.requestId} data=${unlike.data}` });
  }
  // A request without headers is a quote like any other: it is issued too, with request=-.
  const bareLacking = AUDITS.filter((a) => answeredWithoutId.some((q) => !trails.get(a)?.some((e) => e.requestId === undefined && same(q, parsed(e.data)))));
  if (bareLacking.length > 0) {
    throw fail(say({ en: `The quote answered to a request without headers (${JSON.stringify(answeredWithoutId[0])}) should be issued too, without a request id; ${bareLacking.join(', ')} has no such quote.issued.`, uk: `Розрахунок, наданий на запит без заголовків (${JSON.stringify(answeredWithoutId[0])}), теж має бути опублікований як quote.issued, без id запиту; у ${bareLacking.join(', ')} такої події немає.` }), { sent, received });
  }
  // Works here because Nest's emit() publishes at once; but nothing would notice a publish that fails.
  const unawaited = unawaitedEmits('quotes-service');
  if (unawaited.length > 0) {
    throw await diagnose<Wire>(detectors, { kind: 'issued-delivered' }, {
      expected: say({ en: 'The quotes handler should wait for the quote.issued publish (its Observable) before it answers.', uk: 'Обробник quotes має дочекатися публікації quote.issued (її Observable), перш ніж відповісти.' }),
    }, { sent, received: unawaited.map(describeSpot).join('\n') });
  }
});
