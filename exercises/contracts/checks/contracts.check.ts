import Redis from 'ioredis';
import { afterAll, test } from 'vitest';
import { describeSpot, detect, diagnose, env, eventually, exerciseDir, fail, http, logs, redisOptions, say, sceneOf, unawaitedEmits, type Evidence } from 'learn-nest-micro/harness';
import { detectors, type Consumer, type Wire } from './diagnoses';

// The suite plays the shop instances that still publish version 1, and reads what the learner's shop
// publishes, straight from Redis: the wire is the contract.
const prefix = env('ORDERS_CHANNEL');
const CHANNEL = `${prefix}.order_placed`;
const run = Math.random().toString(36).slice(2, 8);
const redis = new Redis({ ...redisOptions(env('REDIS_URL')), lazyConnect: true, maxRetriesPerRequest: 2 });
let sniffer: Redis | undefined;
afterAll(async () => {
  redis.disconnect();
  sniffer?.disconnect();
});

function envelope(v: number, body: unknown): { type: string; v: number; body: unknown } {
  return { type: CHANNEL, v, body };
}

/** Publishes an envelope as an old (v1) or new (v2) shop would, and returns it. */
async function publish(v: number, body: unknown): Promise<{ type: string; v: number; body: unknown }> {
  const message = envelope(v, body);
  await redis.publish(CHANNEL, JSON.stringify(message));
  return message;
}

/**
 * Waits for a log line of `service` written after `from` characters of its log; returns the match.
 * Gives up early once the consumer has complained about a message ("cannot bill …" / "cannot score …").
 */
async function logLine(service: Consumer, from: number, re: RegExp, timeoutMs = 4000): Promise<RegExpExecArray | undefined> {
  const complained = /cannot (bill|score) /;
  let grace = 0;
  const found = await eventually(
    async () => {
      const log = (await serviceLog(service)).slice(from);
      const m = re.exec(log);
      if (m) return m;
      // One more look after a complaint, in case the expected line follows it.
      if (complained.test(log) && grace++ >= 2) return null;
      return undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
  return found ?? undefined;
}

/** A service's log without colour codes (Nest colours its log lines). */
async function serviceLog(service: Consumer): Promise<string> {
  // eslint-disable-next-line no-control-regex
  return (await logs(service)).replace(/\x1b\[[0-9;]*m/g, '');
}

const logLength = async (service: Consumer) => (await serviceLog(service)).length;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a consumer said about a message it could not use ("cannot bill …" / "cannot score …"), parsed. */
async function complaint(service: Consumer, from: number): Promise<{ line: string; payload: unknown } | undefined> {
  const verb = service === 'billing' ? 'bill' : 'score';
  const m = await logLine(service, from, new RegExp(`cannot ${verb} (.*)$`, 'm'), 500);
  if (!m) return undefined;
  const raw = m[1].trim();
  try {
    return { line: m[0].trim(), payload: raw === 'undefined' ? undefined : JSON.parse(raw) };
  } catch {
    return { line: m[0].trim(), payload: raw };
  }
}

/**
 * When the consumer said it could not use a message, asks ./diagnoses whether a known mistake explains
 * what its handler got; otherwise the failure says what was expected and what that complaint can mean.
 */
async function diagnoseComplaint(service: Consumer, v: number, from: number, expected: string, evidence: Evidence): Promise<Error | undefined> {
  const said = await complaint(service, from);
  if (!said) return undefined;
  return diagnose<Wire>(
    detectors,
    { kind: 'complaint', service, v, payload: said.payload },
    {
      expected,
      meaning: say({
        en: `${service}'s handler was called, but with something other than a version ${v} body: what reaches @Payload() is the \`data\` of the packet the consumer's deserializer returns (with no deserializer, Nest hands over the whole message), or the handler reads another argument, or the body of this version is not brought to the shape the service reads`,
        uk: `обробник ${service} викликано, але не з тілом версії ${v}: до @Payload() доходить \`data\` пакета, який повертає десеріалізатор споживача (без десеріалізатора Nest передає все повідомлення), або обробник читає інший аргумент, або тіло цієї версії не приведено до форми, яку читає сервіс`,
      }),
    },
    { ...evidence, received: said.line },
  );
}

/** A source-shape audit once every message arrived as agreed: a detector's evidence alone decides. */
async function audit(wire: Wire, evidence: Evidence): Promise<void> {
  if (detect(detectors, sceneOf(exerciseDir(), wire)).length === 0) return;
  throw await diagnose(detectors, wire, { expected: '' }, evidence);
}

test(say({ en: 'billing and loyalty both listen on <ORDERS_CHANNEL>.order_placed', uk: 'billing і loyalty обидва слухають <ORDERS_CHANNEL>.order_placed' }), async () => {
  await redis.connect();
  const count = async () => Number(((await redis.pubsub('NUMSUB', CHANNEL)) as [string, number])[1]);
  const both = await eventually(async () => (await count()) >= 2, { timeoutMs: 5000, intervalMs: 100 });
  if (both) return;
  const channels = ((await redis.pubsub('CHANNELS', `*${prefix}*`)) as string[]).filter((c) => c !== CHANNEL);
  const evidence = {
    sent: `PUBSUB NUMSUB ${CHANNEL}; PUBSUB CHANNELS *${prefix}*`,
    received: say({ en: `${await count()} subscriber(s) on ${CHANNEL}; other channels: ${channels.join(', ') || 'none'}`, uk: `підписників на ${CHANNEL}: ${await count()}; інші канали: ${channels.join(', ') || 'немає'}` }),
  };
  throw await diagnose<Wire>(
    detectors,
    { kind: 'subscribers', count: await count(), otherChannels: channels },
    {
      expected: say({ en: `Both consumers should subscribe to ${CHANNEL}: @EventPattern(ORDER_PLACED) in billing and in loyalty, each registered in its module.`, uk: `Обидва споживачі мають бути підписані на ${CHANNEL}: @EventPattern(ORDER_PLACED) і в billing, і в loyalty, кожен зареєстрований у своєму модулі.` }),
      meaning: say({
        en: "on Redis a handler's pattern is its channel: a consumer with fewer subscriptions here has a handler with another pattern, a controller missing from its module's controllers, or did not start (its log)",
        uk: 'у Redis шаблон обробника — це його канал: у споживача, якого тут бракує, обробник має інший шаблон, контролера немає в controllers його модуля, або він не запустився (його журнал)',
      }),
    },
    evidence,
  );
});

test(say({ en: 'billing (the version 1 reader) bills a version 1 order from a shop not yet upgraded', uk: 'billing (читач версії 1) виставляє рахунок за замовлення версії 1 від ще не оновленого магазину' }), async () => {
  const orderId = `v1-${run}`;
  const from = await logLength('billing');
  const sent = await publish(1, { orderId, amount: 19.99 });
  if (await logLine('billing', from, new RegExp(`billed order ${escape(orderId)}: amount 19\\.99\\b`))) return;
  const evidence = { sent: `PUBLISH ${CHANNEL} ${JSON.stringify(sent)}` };
  const expected = say({ en: `billing should log "billed order ${orderId}: amount 19.99" for this envelope. Its deserializer turns { type, v, body } into Nest's packet: the pattern from type, the handler's data from body.`, uk: `billing має записати в журнал "billed order ${orderId}: amount 19.99" для цього конверта. Його десеріалізатор перетворює { type, v, body } на пакет Nest: шаблон із type, дані обробника з body.` });
  const complained = await diagnoseComplaint('billing', 1, from, expected, evidence);
  if (complained) throw complained;
  throw fail(expected, { ...evidence, received: (await serviceLog('billing')).slice(from).trim() || say({ en: 'nothing in billing\'s log', uk: 'у журналі billing нічого' }) });
});

test(say({ en: 'loyalty (the version 2 reader) scores a version 2 order', uk: 'loyalty (читач версії 2) нараховує бали за замовлення версії 2' }), async () => {
  const orderId = `v2-${run}`;
  const from = await logLength('loyalty');
  const sent = await publish(2, { orderId, amount: 42, total: { cents: 4200, currency: 'USD' } });
  const evidence = { sent: `PUBLISH ${CHANNEL} ${JSON.stringify(sent)}` };
  const scored = await logLine('loyalty', from, new RegExp(`order ${escape(orderId)} earned (\\d+) points \\((\\d+) (\\w+)\\)`));
  if (scored && scored[1] === '42' && scored[2] === '4200' && scored[3] === 'USD') return;
  if (scored) {
    throw fail(say({ en: `loyalty scored the order as "${scored[0]}", not "42 points (4200 USD)": it treated a version 2 body as version 1. The version reaches the handler only if the deserializer puts it in the packet's metadata and the handler reads it from the RedisContext.`, uk: `loyalty нарахувала бали як "${scored[0]}", а не "42 points (4200 USD)": тіло версії 2 оброблено як версію 1. Версія доходить до обробника, лише якщо десеріалізатор кладе її в metadata пакета, а обробник читає її з RedisContext.` }), { ...evidence, received: scored[0] });
  }
  const expected = say({ en: `loyalty should log "order ${orderId} earned 42 points (4200 USD)" for this envelope.`, uk: `loyalty має записати в журнал "order ${orderId} earned 42 points (4200 USD)" для цього конверта.` });
  const complained = await diagnoseComplaint('loyalty', 2, from, expected, evidence);
  if (complained) throw complained;
  throw fail(expected, { ...evidence, received: (await serviceLog('loyalty')).slice(from).trim() || say({ en: 'nothing in loyalty\'s log', uk: 'у журналі loyalty нічого' }) });
});

test(say({ en: 'loyalty also scores a version 1 order from a shop not yet upgraded', uk: 'loyalty також нараховує бали за замовлення версії 1 від ще не оновленого магазину' }), async () => {
  const orderId = `v1b-${run}`;
  const from = await logLength('loyalty');
  // 19.99 has no exact binary form: 19.99 * 100 is 1998.9999999999998, so only a rounded total is whole cents.
  const sent = await publish(1, { orderId, amount: 19.99 });
  const scored = await logLine('loyalty', from, new RegExp(`order ${escape(orderId)} earned (\\d+) points \\(([^\\s)]+) (\\w+)\\)`));
  if (scored && scored[1] === '19' && scored[2] === '1999' && scored[3] === 'EUR') return;
  const evidence = { sent: `PUBLISH ${CHANNEL} ${JSON.stringify(sent)}`, received: scored?.[0] ?? ((await serviceLog('loyalty')).slice(from).trim() || say({ en: 'nothing in loyalty\'s log', uk: 'у журналі loyalty нічого' })) };
  if (scored) {
    throw await diagnose<Wire>(
      detectors,
      { kind: 'scored-v1', cents: scored[2], currency: scored[3] },
      {
        expected: say({ en: `A version 1 order of 19.99 EUR should earn "19 points (1999 EUR)"; loyalty logged "${scored[0]}".`, uk: `Замовлення версії 1 на 19.99 EUR має дати "19 points (1999 EUR)"; loyalty записала "${scored[0]}".` }),
        meaning: say({
          en: 'loyalty read the order, but the total it built from a version 1 body is not 1999 whole cents in EUR: the conversion from euros to cents (19.99 has no exact binary form), or the currency version 1 implies',
          uk: 'loyalty прочитала замовлення, але total, побудований із тіла версії 1, — не 1999 цілих центів в EUR: перетворення євро на центи (19.99 не має точного двійкового подання) або валюта, яку передбачає версія 1',
        }),
      },
      evidence,
    );
  }
  // The same consumer scored a version 2 message a moment ago: a complaint now is about version 1.
  const expected = say({ en: `loyalty should log "order ${orderId} earned 19 points (1999 EUR)" for a version 1 envelope: read the version from the RedisContext's metadata and bring the body to version 2 with toV2.`, uk: `loyalty має записати в журнал "order ${orderId} earned 19 points (1999 EUR)" для конверта версії 1: прочитайте версію з metadata у RedisContext і приведіть тіло до версії 2 через toV2.` });
  const complained = await diagnoseComplaint('loyalty', 1, from, expected, evidence);
  if (complained) throw complained;
  throw fail(expected, evidence);
});

test(say({ en: 'billing keeps billing version 2 orders: it reads only what version 1 had', uk: 'billing і далі виставляє рахунки за замовлення версії 2: вона читає лише те, що було у версії 1' }), async () => {
  const orderId = `v2b-${run}`;
  const from = await logLength('billing');
  const sent = await publish(2, { orderId, amount: 30, total: { cents: 3000, currency: 'EUR' } });
  if (await logLine('billing', from, new RegExp(`billed order ${escape(orderId)}: amount 30\\b`))) return;
  throw fail(say({ en: `billing should bill a version 2 message as it bills version 1: "billed order ${orderId}: amount 30". An old reader ignores the fields it does not know and the version it was not written for.`, uk: `billing має виставити рахунок за повідомлення версії 2 так само, як за версію 1: "billed order ${orderId}: amount 30". Старий читач ігнорує поля, яких не знає, і версію, для якої його не писали.` }), { sent: `PUBLISH ${CHANNEL} ${JSON.stringify(sent)}`, received: (await serviceLog('billing')).slice(from).trim() || say({ en: 'nothing in billing\'s log', uk: 'у журналі billing нічого' }) });
});

/** The orders placed at the learner's shop, followed into billing and loyalty by the next test. */
interface ShopOrder {
  orderId: string;
  cents: number;
  currency: string;
}
const shopOrders: ShopOrder[] = [];

test(say({ en: 'the shop publishes order_placed version 2 in the agreed envelope, still readable by billing', uk: 'магазин публікує order_placed версії 2 в узгодженому конверті, який billing і далі може прочитати' }), async () => {
  sniffer = new Redis({ ...redisOptions(env('REDIS_URL')), maxRetriesPerRequest: 2 });
  const wire: string[] = [];
  sniffer.on('message', (_channel: string, message: string) => wire.push(message));
  await sniffer.subscribe(CHANNEL);
  // Two orders, in two currencies and amounts one after the other: each body is built from its own order.
  const orders: ShopOrder[] = [
    { orderId: `shop-${run}`, cents: 1250, currency: 'EUR' },
    { orderId: `shop2-${run}`, cents: 999, currency: 'USD' },
  ];
  for (const order of orders) {
    const res = await http('SHOP_PORT', { timeoutMs: 8000 }).post('/orders', order);
    const sent = `POST /orders ${JSON.stringify(order)}`;
    if (res.status !== 201) throw fail(say({ en: 'POST /orders should answer 201 once the event is published.', uk: 'POST /orders має відповідати 201, щойно подію опубліковано.' }), res);
    const raw = await eventually(() => wire.find((m) => m.includes(order.orderId)), { timeoutMs: 3000, intervalMs: 50 });
    if (!raw) throw fail(say({ en: `The shop answered, but nothing about ${order.orderId} was published on ${CHANNEL}.`, uk: `Магазин відповів, але на ${CHANNEL} нічого про ${order.orderId} не опубліковано.` }), { sent, received: wire.join('\n') || say({ en: 'no message', uk: 'жодного повідомлення' }) });
    const evidence = { sent, received: say({ en: `on ${CHANNEL}: ${raw}`, uk: `на ${CHANNEL}: ${raw}` }) };
    const message = JSON.parse(raw) as Record<string, unknown>;
    const published: Wire = { kind: 'published', message };
    if (message.type !== CHANNEL || message.v !== 2 || typeof message.body !== 'object' || message.body === null) {
      throw await diagnose<Wire>(
        detectors,
        published,
        {
          expected: say({ en: `The shop should publish { type: "${CHANNEL}", v: 2, body: { … } }.`, uk: `Магазин має публікувати { type: "${CHANNEL}", v: 2, body: { … } }.` }),
          meaning: say({
            en: "what reaches the channel is what the serializer of the shop's client returns for Nest's packet { pattern, data }: a client without one publishes the packet itself",
            uk: 'у канал потрапляє те, що серіалізатор клієнта магазину повертає для пакета Nest { pattern, data }: клієнт без серіалізатора публікує сам пакет',
          }),
        },
        evidence,
      );
    }
    const body = message.body as { orderId?: unknown; amount?: unknown; total?: { cents?: unknown; currency?: unknown } };
    if (body.orderId !== order.orderId || body.total?.cents !== order.cents || body.total?.currency !== order.currency) {
      throw fail(say({ en: `A version 2 body carries the order id and total: { cents: ${order.cents}, currency: "${order.currency}" } for this order.`, uk: `Тіло версії 2 містить ідентифікатор замовлення і total: { cents: ${order.cents}, currency: "${order.currency}" } для цього замовлення.` }), evidence);
    }
    const euros = order.cents / 100;
    if (body.amount !== euros) {
      throw await diagnose<Wire>(
        detectors,
        published,
        {
          expected: say({ en: `amount keeps its version 1 meaning, the total in euros: ${euros} for ${order.cents} cents.`, uk: `amount зберігає значення з версії 1, сума в євро: ${euros} для ${order.cents} центів.` }),
          meaning: say({
            en: 'billing still reads amount as version 1 defined it: a body without it, or with another number in it, is billed wrongly or not at all',
            uk: 'billing і далі читає amount так, як його визначила версія 1: тіло без нього або з іншим числом у ньому отримає неправильний рахунок або жодного',
          }),
        },
        evidence,
      );
    }
  }
  shopOrders.push(...orders);
});

test(say({ en: 'each order placed at the upgraded shop is billed by billing and scored by loyalty', uk: 'кожне замовлення в оновленому магазині отримує рахунок від billing і бали від loyalty' }), async () => {
  if (shopOrders.length === 0) throw fail(say({ en: 'The previous check failed, so there is no order from the shop to follow.', uk: 'Попередня перевірка не пройшла, тож немає замовлення з магазину, за яким можна стежити.' }));
  for (const order of shopOrders) {
    const sent = `POST /orders ${JSON.stringify(order)}`;
    const amount = String(order.cents / 100);
    if (!(await logLine('billing', 0, new RegExp(`billed order ${escape(order.orderId)}: amount ${escape(amount)}\\b`)))) {
      throw fail(say({ en: `billing should log "billed order ${order.orderId}: amount ${amount}".`, uk: `billing має записати в журнал "billed order ${order.orderId}: amount ${amount}".` }), { sent, received: (await serviceLog('billing')).trim().split('\n').slice(-5).join('\n') });
    }
    const scored = `earned ${Math.floor(order.cents / 100)} points (${order.cents} ${order.currency})`;
    if (!(await logLine('loyalty', 0, new RegExp(`order ${escape(order.orderId)} ${escape(scored)}`)))) {
      throw fail(say({ en: `loyalty should log "order ${order.orderId} ${scored}".`, uk: `loyalty має записати в журнал "order ${order.orderId} ${scored}".` }), { sent, received: (await serviceLog('loyalty')).trim().split('\n').slice(-5).join('\n') });
    }
  }
});

// Nest's emit() publishes at once, so nothing on the wire tells an awaited emit from one nobody waits
// for; the lesson teaches the shop to answer only once the publish is done, so the source is read.
test(say({ en: 'the shop answers only once the publish is done (the Observable of emit() is awaited)', uk: 'магазин відповідає лише після завершення публікації (на Observable з emit() чекають)' }), async () => {
  await audit({ kind: 'delivered' }, { sent: 'POST /orders', received: unawaitedEmits('shop').map(describeSpot).join('\n') });
});
