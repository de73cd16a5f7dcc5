import { Logger } from '@nestjs/common';
import { NatsRecordBuilder, type ClientProxy } from '@nestjs/microservices';
import { connect, createInbox, headers, type NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, test } from 'vitest';
import { env, eventually, fail, logs, mistake, natsClient, say, send, source, type SendResult } from 'learn-nest-micro/harness';

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
const QUOTES_CONTROLLER = 'quotes-service/quotes.controller.ts';
const AUDIT_CONTROLLER = 'audit-service/audit.controller.ts';

/** The tariffs of the starter's quotes-service/tariffs.ts. */
const perKg: Record<string, number> = { de: 1.2, fr: 1.35, pl: 0.9, ua: 0.8 };
const priceFor = (country: string, kg: number) => Math.round((4 + (perKg[country] ?? 2.5) * kg) * 100) / 100;

let nc: NatsConnection | undefined;
/** Request ids of every quote the check asked for and got an answer to: each must reach the audit. */
const answeredIds = new Set<string>();
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

async function quotesLog(): Promise<string> {
  return (await Promise.all(QUOTES.map((q) => logs(q).catch(() => '')))).join('\n');
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
  if (r.ok && requestId !== undefined) answeredIds.add(requestId);
  return shown as SendResult<Quote>;
}

/** The audit answering requests: it subscribed to the quote subjects too and recorded them. */
async function auditCaughtRequests(): Promise<string | undefined> {
  for (const a of AUDITS) {
    const line = lineOf(await logs(a).catch(() => ''), new RegExp(`subject=${SHIP.replace(/[-.]/g, '\\$&')}\\.quote\\.`));
    if (line) return line;
  }
  return undefined;
}

/** A failed quote request: a known mistake when its evidence is there, else what came back. */
async function explainFailedQuote(r: SendResult<Quote>, expected: string): Promise<Error> {
  const text = r.errorText ?? '';
  const caught = await auditCaughtRequests();
  if (caught && /no elements in sequence|EmptyError/.test(text)) return mistake('audit-catches-requests', { sent: r.sent, received: [text, say({ en: `an audit instance logged: ${caught}`, uk: `екземпляр audit записав у журнал: ${caught}` })] });
  const encode = lineOf(await quotesLog(), /hdrs\.encode is not a function/);
  if (encode) return mistake('plain-object-headers', { sent: r.sent, received: text, original: encode });
  // "No responders" for quote.issued, not for the quote: the quotes handler sent the event as a request.
  if (/There are no subscribers listening/.test(text) && text.includes(`${SHIP}.events.quote.issued`)) return mistake('send-instead-of-emit', r);
  if (/There are no subscribers listening/.test(text)) {
    return fail(say({ en: `Nobody answers ${SHIP}.quote.<country>. ${expected}`, uk: `Ніхто не відповідає на ${SHIP}.quote.<country>. ${expected}` }), r);
  }
  return fail(expected, r);
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
  for (const [country, kg] of [['fr', 3], ['pl', 1], ['ua', 10]] as const) {
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
    const evidence = { sent: r.sent, received: r.value };
    if (/getHeaders\(\)\s*(\?\.)?\[/.test(source(QUOTES_CONTROLLER))) throw mistake('headers-indexed-like-object', evidence);
    throw fail(say({ en: `The request carried the header ${REQUEST_ID}: header-7; the reply's requestId should be 'header-7'. Headers come with the NatsContext, not with the payload.`, uk: `Запит мав заголовок ${REQUEST_ID}: header-7; requestId у відповіді має бути 'header-7'. Заголовки приходять із NatsContext, а не з корисним навантаженням.` }), evidence);
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

  const caught = await auditCaughtRequests();
  if (caught) {
    const empty = [...replies.values()].flat().filter((r) => r.response === undefined && r.err === undefined).length;
    throw mistake('audit-catches-requests', {
      sent,
      received: [
        say({ en: `${empty} empty replies (no response, only "completed") besides the quotes`, uk: `порожніх відповідей (без response, лише «завершено») окрім розрахунків: ${empty}` }),
        say({ en: `an audit instance logged: ${caught}`, uk: `екземпляр audit записав у журнал: ${caught}` }),
      ],
    });
  }

  const perInstance = new Map<string, number>(QUOTES.map((q) => [q, 0]));
  for (let i = 0; i < count; i++) {
    const id = `share-${i}`;
    const answers = answersOf(id);
    for (const a of answers) perInstance.set(String(a.response?.instance), (perInstance.get(String(a.response?.instance)) ?? 0) + 1);
    if (answers.length > 1) {
      const by = answers.map((a) => a.response?.instance).join(', ');
      throw mistake('no-queue-group', { sent, received: say({ en: `request ${id} was answered ${answers.length} times, by ${by}`, uk: `кількість відповідей на запит ${id}: ${answers.length} (${by})` }) });
    }
  }
  const counts = [...perInstance].map(([q, n]) => `${q}: ${n}`).join(', ');
  const unanswered = Array.from({ length: count }, (_, i) => `share-${i}`).filter((id) => answersOf(id).length === 0);
  if (unanswered.length > 0) {
    throw fail(say({ en: `${unanswered.length} of ${count} requests got no answer (${unanswered.slice(0, 5).join(', ')}…).`, uk: `Запитів без відповіді: ${unanswered.length} із ${count} (${unanswered.slice(0, 5).join(', ')}…).` }), { sent, received: counts });
  }
  for (const id of Array.from({ length: count }, (_, i) => `share-${i}`)) answeredIds.add(id);
  const idle = QUOTES.filter((q) => !perInstance.get(q));
  if (idle.length > 0) {
    throw fail(say({ en: `Every quotes instance should take a share of the requests, but ${idle.join(', ')} answered none. All three belong in the same queue group.`, uk: `Кожен екземпляр quotes має брати частку запитів, але ${idle.join(', ')} не відповів на жоден. Усі три мають бути в одній групі черги.` }), { sent, received: counts });
  }
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

  // A queue group shares the events out: together the instances have each one once, apart none has all.
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (union.size === EVENTS.length && total === EVENTS.length) throw mistake('audit-in-queue-group', evidence);
  const depthOf = (entries: AuditEntry[], tokens: string) => entries.filter((e) => e.subject.endsWith(tokens)).length;
  const shallowSeen = [...trails.values()].some((entries) => depthOf(entries, '.parcel.booked') > 0);
  const deepSeen = [...trails.values()].some((entries) => depthOf(entries, '.customs.de.cleared') > 0);
  const starPattern = /events\.(\*\.)*\*\s*[`'"]/.test(source(AUDIT_CONTROLLER));
  if ((shallowSeen && !deepSeen) || (!shallowSeen && !deepSeen && starPattern)) throw mistake('wildcard-one-token', evidence);
  const headerless = EVENTS.filter((e) => e.requestId === undefined).map((e) => JSON.stringify(e.data));
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
  const evidence = { sent: eventSent, received: missing.slice(0, 4) };
  if (/getHeaders\(\)\s*(\?\.)?\[/.test(source(AUDIT_CONTROLLER))) throw mistake('headers-indexed-like-object', evidence);
  throw fail(say({ en: `Each event carried an ${REQUEST_ID} header; the audit should record it (request=<id> in its log).`, uk: `Кожна подія мала заголовок ${REQUEST_ID}; аудит має його записати (request=<id> у журналі).` }), evidence);
});

test(say({ en: 'every answered quote reaches each audit instance as quote.issued, with the caller\'s x-request-id', uk: 'кожен розрахунок, на який відповіли, доходить до кожного екземпляра audit як quote.issued з x-request-id того, хто викликав' }), async () => {
  const issued = `${SHIP}.events.quote.issued`;
  const want = [...answeredIds];
  const sent = say({ en: `${want.length} answered quote requests, each with its own ${REQUEST_ID}`, uk: `запитів розрахунку з відповіддю: ${want.length}, кожен зі своїм ${REQUEST_ID}` });
  const trails = new Map<string, AuditEntry[]>();
  await eventually(
    async () => {
      for (const a of AUDITS) trails.set(a, (await auditTrail(a)).filter((e) => e.subject === issued));
      return [...trails.values()].every((entries) => want.every((id) => entries.some((e) => e.requestId === id))) ? true : undefined;
    },
    { timeoutMs: 3000, intervalMs: 300 },
  );
  const received = [...trails].map(([a, entries]) => `${a}: ${entries.length} × quote.issued, ${entries.filter((e) => e.requestId).length} ${say({ en: 'with', uk: 'з' })} ${REQUEST_ID}`);
  // An event carries no reply subject; a quote.issued with one was published with send(), a request that
  // the audit's handlers answer (Nest answers whatever handler holds the pattern).
  const replyTo = issuedReplySubjects.find((r) => r !== '');
  if (replyTo) throw mistake('send-instead-of-emit', { sent, received: say({ en: `on ${issued}: a message with the reply subject ${replyTo}`, uk: `на ${issued}: повідомлення із субʼєктом для відповіді ${replyTo}` }) });
  const all = [...trails.values()].flat();
  if (all.length === 0) {
    const encode = lineOf(await quotesLog(), /hdrs\.encode is not a function/);
    if (encode) throw mistake('plain-object-headers', { sent, received, original: encode });
    throw fail(say({ en: `No quote.issued event reached the audit: after each answer, publish ${issued} (an event, emit()).`, uk: `Жодна подія quote.issued не дійшла до аудиту: після кожної відповіді публікуйте ${issued} (подію, emit()).` }), { sent, received });
  }
  if (all.every((e) => e.requestId === undefined)) throw mistake('header-not-propagated', { sent, received });
  const lacking = AUDITS.flatMap((a) => want.filter((id) => !trails.get(a)?.some((e) => e.requestId === id)).map((id) => `${a}: ${id}`));
  if (lacking.length > 0) {
    throw fail(say({ en: `Each audit instance should have a quote.issued event for every answered request; missing: ${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? '…' : ''}.`, uk: `Кожен екземпляр audit має мати подію quote.issued для кожного запиту з відповіддю; бракує: ${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? '…' : ''}.` }), { sent, received });
  }
});
