import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, test } from 'vitest';
import { describeSpot, detect, diagnose, env, eventually, exerciseDir, fail, kill, say, sceneOf, start, unawaitedEmits, type Evidence } from 'learn-nest-micro/harness';
import { detectors, type Wire } from './diagnoses';

/** A message the check saw, with what the broker said about it. */
interface Seen {
  topic: string;
  data: unknown;
  qos: number;
  retain: boolean;
  /** Published as a Nest request (send(), with an id): a reply is awaited that nobody sends. */
  request: boolean;
}
interface FreezerState {
  freezer?: unknown;
  celsius?: unknown;
}

const MQTT_URL = env('MQTT_URL');
const SITE = env('SITE');
const SERVICE = 'aggregator';
/** The client id the exercise gives the aggregator (topics.ts): the check ends its session with it. */
const AGGREGATOR_ID = `${SITE}-aggregator`;
const status = (freezer: string) => `${SITE}/status/${freezer}`;
const alert = (freezer: string) => `${SITE}/alerts/${freezer}`;

let spy: MqttClient | undefined;
/** Everything published under this run's SITE (or next to it, as `<SITE>.…`), live, in order. */
const seen: Seen[] = [];

/** Whether a Nest client sent it with send(): its packet carries an id. */
function isRequest(payload: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(payload.toString());
    return Boolean(value && typeof value === 'object' && 'pattern' in value && 'id' in value);
  } catch {
    return false;
  }
}

/** The payload as the aggregator meant it: a Nest client wraps it as { pattern, data }. */
function body(payload: Buffer): unknown {
  try {
    const value: unknown = JSON.parse(payload.toString());
    if (value && typeof value === 'object' && 'pattern' in value && 'data' in value) return (value as { data: unknown }).data;
    return value;
  } catch {
    return payload.toString();
  }
}

const connect = (clientId?: string) => connectAsync(MQTT_URL, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 5000 });

beforeAll(async () => {
  spy = await connect();
  spy.on('message', (topic, payload, packet) => {
    if (topic.startsWith(SITE) && !topic.startsWith(`${SITE}/readings`)) seen.push({ topic, data: body(payload), qos: packet.qos, retain: packet.retain, request: isRequest(payload) });
  });
  // Every topic, so that a status sent to a topic of the wrong shape (`<SITE>.status.f1`) is seen too.
  await spy.subscribeAsync('#', { qos: 2 });
});

afterAll(async () => {
  // Stop the aggregator first, so that it cannot open its session again; then end that session.
  await kill(SERVICE).catch(() => undefined);
  const owner = await connect(AGGREGATOR_ID).catch(() => undefined);
  await owner?.endAsync().catch(() => undefined);
  // The runner clears <SITE>/# after the check; a topic built with dots (<SITE>.status.f1) is outside it.
  const strays = new Set(seen.map((s) => s.topic).filter((t) => t !== SITE && !t.startsWith(`${SITE}/`)));
  await Promise.all([...strays].map((t) => spy?.publishAsync(t, '', { retain: true, qos: 1 }).catch(() => undefined)));
  await spy?.endAsync().catch(() => undefined);
});

/** A device publishes a reading, at QoS 1, not retained. */
async function publishReading(where: string, celsius: number): Promise<string> {
  const topic = `${SITE}/readings/${where}`;
  await spy?.publishAsync(topic, JSON.stringify({ celsius }), { qos: 1 });
  return `${topic} ${JSON.stringify({ celsius })}`;
}

const celsiusOf = (s: Seen | undefined) => (s?.data as FreezerState | undefined)?.celsius;
const live = (topic: string, celsius?: number) => seen.filter((s) => s.topic === topic && (celsius === undefined || celsiusOf(s) === celsius));
const waitFor = (topic: string, celsius: number, timeoutMs = 3000) => eventually(() => live(topic, celsius).at(-1), { timeoutMs });
const shown = (list: Seen[]) => (list.length === 0 ? say({ en: 'nothing', uk: 'нічого' }) : list.map((s) => `${s.topic} ${JSON.stringify(s.data)} (QoS ${s.qos}${s.retain ? ', retained' : ''})`).join('\n'));

/** A status or an alert is news for whoever listens: published with emit(), never awaiting a reply. */
function expectEvent(got: Seen, sent: string): void {
  if (!got.request) return;
  throw fail(
    say({
      en: `${got.topic} was published with send(), as a request that waits for a reply on ${got.topic}/reply, which nobody sends. Publish it with emit().`,
      uk: `${got.topic} опубліковано через send(), як запит, що чекає відповіді в ${got.topic}/reply, якої ніхто не надішле. Публікуйте через emit().`,
    }),
    { sent, received: shown([got]) },
  );
}

/** What a client that connects now and subscribes to `filter` is given within `ms`. */
async function lateSubscriber(filter: string, ms: number): Promise<Seen[]> {
  const late = await connect();
  const got: Seen[] = [];
  late.on('message', (topic, payload, packet) => got.push({ topic, data: body(payload), qos: packet.qos, retain: packet.retain, request: isRequest(payload) }));
  await late.subscribeAsync(filter, { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, ms));
  await late.endAsync();
  return got;
}

/** A status or an alert that arrived at QoS 0 on the spy's QoS 2 subscription: ./diagnoses may name why. */
async function diagnoseQos(of: 'status' | 'alert', got: Seen[], sent: string): Promise<Error> {
  return diagnose<Wire>(
    detectors,
    { kind: 'qos', of, qos: got[0].qos },
    {
      expected: say({ en: `The ${of === 'status' ? 'status' : 'alert'} should be published at QoS 1.`, uk: `${of === 'status' ? 'Статус' : 'Тривогу'} треба публікувати з QoS 1.` }),
      meaning: say({
        en: "the broker delivers at the lower of the publisher's and the subscriber's QoS, and this subscription is QoS 2: the aggregator published at QoS 0, which is what emit() does unless its payload is an MqttRecord that asks for more",
        uk: 'брокер доставляє з меншим із двох QoS — видавця й підписника, а ця підписка має QoS 2: агрегатор опублікував із QoS 0, як і робить emit(), якщо дані не є MqttRecord, що просить більшого',
      }),
    },
    { sent, received: say({ en: `${shown(got.slice(0, 2))}, on a subscription of QoS 2`, uk: `${shown(got.slice(0, 2))}, за підписки з QoS 2` }) },
  );
}

/** A source-shape audit once everything arrived as promised: a detector's evidence alone decides. */
async function audit(wire: Wire, evidence: Evidence): Promise<void> {
  if (detect(detectors, sceneOf(exerciseDir(), wire)).length === 0) return;
  throw await diagnose(detectors, wire, { expected: '' }, evidence);
}

test(say({ en: 'a reading from a one-probe freezer updates <SITE>/status/<freezer>', uk: 'показ морозильника з одним датчиком оновлює <SITE>/status/<freezer>' }), async () => {
  const sent = await publishReading('f1', -18.5);
  const got = await waitFor(status('f1'), -18.5);
  if (got) {
    if ((got.data as FreezerState).freezer !== 'f1') {
      throw fail(say({ en: `The status should name its freezer: { freezer: 'f1', celsius: -18.5, … }.`, uk: `Статус має називати свій морозильник: { freezer: 'f1', celsius: -18.5, … }.` }), { sent, received: shown([got]) });
    }
    expectEvent(got, sent);
    return;
  }
  throw await diagnose<Wire>(
    detectors,
    { kind: 'no-status', topics: seen.map((s) => s.topic.slice(SITE.length)) },
    {
      expected:
        seen.length > 0
          ? say({ en: `The status of freezer f1 should arrive on ${status('f1')} with { freezer: 'f1', celsius: -18.5 }.`, uk: `Статус морозильника f1 має надходити в ${status('f1')} із { freezer: 'f1', celsius: -18.5 }.` })
          : say({
              en: `Nothing came back within 3 s. The aggregator should subscribe to the readings under ${SITE}/readings and publish the freezer's state to ${status('f1')}.`,
              uk: `За 3 с нічого не надійшло. Агрегатор має підписатися на показники під ${SITE}/readings і публікувати стан морозильника в ${status('f1')}.`,
            }),
      meaning: say({
        en: 'the reading never reached a handler (the filter does not match <SITE>/readings/f1, or the controller is not in the module), or the handler failed (its log), or it published to another topic: MQTT levels are separated by /',
        uk: 'показ так і не дійшов до обробника (шаблон не відповідає <SITE>/readings/f1 або контролера немає в модулі), або обробник завершився помилкою (його журнал), або він опублікував в інший топік: рівні MQTT розділяє /',
      }),
    },
    { sent, received: seen.length > 0 ? shown(seen) : say({ en: 'nothing under the site', uk: 'нічого під цим сайтом' }) },
  );
});

test(say({ en: 'a reading from one probe of a freezer, a level deeper, updates the status of that freezer', uk: 'показ одного з датчиків морозильника, на рівень глибше, оновлює статус цього морозильника' }), async () => {
  const sent = await publishReading('f2/p1', -21);
  const got = await waitFor(status('f2'), -21);
  if (got && (got.data as FreezerState).freezer === 'f2') return;
  if (got || live(status('p1')).length > 0) {
    throw fail(
      say({
        en: 'The freezer is the level right after "readings", not the last level of the topic: <SITE>/readings/f2/p1 is probe p1 of freezer f2.',
        uk: 'Морозильник — це рівень одразу після «readings», а не останній рівень топіка: <SITE>/readings/f2/p1 — це датчик p1 морозильника f2.',
      }),
      { sent, received: shown(got ? [got] : live(status('p1'))) },
    );
  }
  throw await diagnose<Wire>(
    detectors,
    { kind: 'no-deep-status' },
    {
      expected: say({ en: `No status of freezer f2 within 3 s: every reading under ${SITE}/readings counts, at any depth.`, uk: `За 3 с немає статусу морозильника f2: враховується кожен показник під ${SITE}/readings, на будь-якій глибині.` }),
      meaning: say({
        en: `${SITE}/readings/f1 gave a status, so the handler is subscribed: the filter does not match a topic one level deeper, or the handler failed on it (its log)`,
        uk: `${SITE}/readings/f1 дав статус, тож обробник підписаний: шаблон не відповідає топіку на рівень глибше, або обробник на ньому впав (його журнал)`,
      }),
    },
    { sent, received: say({ en: `nothing on ${status('f2')}, although ${SITE}/readings/f1 gave a status`, uk: `нічого в ${status('f2')}, хоча ${SITE}/readings/f1 дав статус` }) },
  );
});

test(say({ en: 'a too-warm reading raises an alert on <SITE>/alerts/<freezer>, at QoS 1; a cold one does not', uk: 'надто теплий показ піднімає тривогу в <SITE>/alerts/<freezer> з QoS 1; холодний — ні' }), async () => {
  // -15 °C is still cold enough: only a reading above it is too warm.
  const borderline = await publishReading('f5', -15);
  await waitFor(status('f5'), -15);
  const sent = await publishReading('f3', -9);
  const got = await waitFor(alert('f3'), -9);
  if (!got) {
    throw fail(say({ en: `A reading above -15 °C should publish the freezer's state to ${alert('f3')}.`, uk: `Показ, вищий за -15 °C, має публікувати стан морозильника в ${alert('f3')}.` }), { sent, received: shown(seen) });
  }
  expectEvent(got, sent);
  const cold = seen.filter((s) => [alert('f1'), alert('f2'), alert('f5')].includes(s.topic));
  if (cold.length > 0) throw fail(say({ en: 'Only a reading above -15 °C raises an alert; f1, f2 and f5 were cold enough.', uk: 'Тривогу піднімає лише показ, вищий за -15 °C; f1, f2 і f5 були достатньо холодні.' }), { sent: say({ en: `readings of -18.5, -21 and -15 °C (${borderline})`, uk: `показники -18,5, -21 і -15 °C (${borderline})` }), received: shown(cold) });
  if (got.qos === 0) throw await diagnoseQos('alert', [got], sent);
  if (got.qos !== 1) throw fail(say({ en: `An alert is published at QoS 1 (delivered at least once), not QoS ${got.qos}.`, uk: `Тривога публікується з QoS 1 (доставляється щонайменше раз), а не з QoS ${got.qos}.` }), { sent, received: shown([got]) });
  // Every too-warm reading raises its own alert, not only the first one of a freezer.
  const again = await publishReading('f3', -8);
  if (!(await waitFor(alert('f3'), -8))) {
    throw fail(say({ en: `Each too-warm reading raises an alert: a second reading of -8 °C from f3 should publish another one to ${alert('f3')}.`, uk: `Кожен надто теплий показ піднімає тривогу: другий показ -8 °C від f3 має опублікувати ще одну в ${alert('f3')}.` }), { sent: again, received: shown(live(alert('f3'))) });
  }
});

test(say({ en: 'a late subscriber is given the last known state of each freezer, retained, at QoS 1', uk: 'пізній підписник отримує останній відомий стан кожного морозильника, збережений, з QoS 1' }), async () => {
  const sent = await publishReading('f1', -17);
  const newest = await waitFor(status('f1'), -17);
  const late = await lateSubscriber(`${SITE}/status/+`, 1000);
  const evidence = { sent: say({ en: `${sent}, then a new client subscribed to ${SITE}/status/+`, uk: `${sent}, потім новий клієнт підписався на ${SITE}/status/+` }), received: shown(late) };
  if (late.length === 0 && newest) {
    throw await diagnose<Wire>(
      detectors,
      { kind: 'late-status' },
      {
        expected: say({ en: `A client that subscribes to ${SITE}/status/+ later should be given the last state of every freezer at once.`, uk: `Клієнт, що підписується на ${SITE}/status/+ пізніше, має одразу отримати останній стан кожного морозильника.` }),
        meaning: say({
          en: 'the status went out live, but the broker kept nothing for later subscribers: it keeps the last message of a topic only when it was published with the retain flag',
          uk: 'статус пішов наживо, але брокер нічого не зберіг для пізніших підписників: він утримує останнє повідомлення топіка, лише якщо його опубліковано з прапорцем retain',
        }),
      },
      evidence,
    );
  }
  const want: Record<string, number> = { f1: -17, f2: -21, f3: -8 };
  for (const [freezer, celsius] of Object.entries(want)) {
    const got = late.find((s) => s.topic === status(freezer));
    if (!got || celsiusOf(got) !== celsius || !got.retain) {
      throw fail(say({ en: `A late subscriber should be given the retained last state of every freezer: f1 at -17, f2 at -21, f3 at -8.`, uk: `Пізній підписник має отримати збережений останній стан кожного морозильника: f1 при -17, f2 при -21, f3 при -8.` }), evidence);
    }
  }
  const statusAtQos0 = seen.filter((s) => s.topic.startsWith(`${SITE}/status/`) && s.qos === 0);
  if (statusAtQos0.length > 0) throw await diagnoseQos('status', statusAtQos0, sent);
  const notQos1 = seen.filter((s) => s.topic.startsWith(`${SITE}/status/`) && s.qos !== 1);
  if (notQos1.length > 0) throw fail(say({ en: `A status is published at QoS 1, not QoS ${notQos1[0].qos}.`, uk: `Статус публікується з QoS 1, а не з QoS ${notQos1[0].qos}.` }), { sent, received: shown(notQos1.slice(0, 2)) });
});

test(say({ en: 'a late subscriber is given no old alert', uk: 'пізній підписник не отримує старих тривог' }), async () => {
  const late = await lateSubscriber(`${SITE}/alerts/#`, 700);
  if (late.length > 0) {
    throw await diagnose<Wire>(
      detectors,
      { kind: 'late-alert' },
      {
        expected: say({ en: `A client that subscribes to ${SITE}/alerts/# later should be given no alert raised before it subscribed.`, uk: `Клієнт, що підписується на ${SITE}/alerts/# пізніше, не має отримувати тривог, піднятих до його підписки.` }),
        meaning: say({
          en: 'the broker handed an old alert to a new subscriber, which it does only for a message published with the retain flag: here an alert, or another message on an alert topic',
          uk: 'брокер передав стару тривогу новому підписникові, а так він робить лише з повідомленням, опублікованим із прапорцем retain: тут це тривога або інше повідомлення в топіку тривог',
        }),
      },
      { sent: say({ en: `a new client subscribed to ${SITE}/alerts/# after the alerts of f3`, uk: `новий клієнт підписався на ${SITE}/alerts/# після тривог f3` }), received: shown(late) },
    );
  }
});

test(say({ en: 'readings published while the aggregator is down are handled once it is back', uk: 'показники, опубліковані, поки агрегатор не працює, обробляються, щойно він повертається' }), async () => {
  await kill(SERVICE);
  const sent = await publishReading('f4', -22);
  await start(SERVICE);
  if (await waitFor(status('f4'), -22, 5000)) return;
  const evidence = {
    sent: say({ en: `${sent} while the aggregator was stopped, then the aggregator started again`, uk: `${sent}, поки агрегатор був зупинений, потім агрегатор запущено знову` }),
    received: say({ en: `no status of f4 within 5 s of the restart`, uk: `жодного статусу f4 за 5 с після перезапуску` }),
  };
  throw await diagnose<Wire>(
    detectors,
    { kind: 'lost-while-down' },
    {
      expected: say({ en: 'The broker should keep the readings for the session of the aggregator while it is down, and hand them over when it reconnects.', uk: 'Брокер має зберігати показники для сесії агрегатора, поки той не працює, і передати їх, коли він знову підʼєднається.' }),
      meaning: say({
        en: "a broker queues messages for an absent client only in a persistent session (clean: false, the same clientId on every start) and only for subscriptions of QoS 1 or 2; a reading it did queue can still be lost by the handler (its log)",
        uk: 'брокер ставить повідомлення в чергу для відсутнього клієнта лише в постійній сесії (clean: false, той самий clientId під час кожного запуску) і лише для підписок із QoS 1 або 2; показ, який він таки зберіг, ще може втратити обробник (його журнал)',
      }),
    },
    evidence,
  );
});

// Nest's emit() publishes at once, so nothing on the wire tells an awaited emit from one nobody waits
// for; the lesson teaches to wait for the publish, so the source is read.
test(say({ en: 'the aggregator waits for each publish (the Observable of every emit() is awaited)', uk: 'агрегатор чекає на кожну публікацію (на Observable кожного emit() чекають)' }), async () => {
  await audit({ kind: 'delivered' }, { sent: say({ en: 'readings of f1 … f5', uk: 'показники f1 … f5' }), received: unawaitedEmits('aggregator').map(describeSpot).join('\n') });
});
