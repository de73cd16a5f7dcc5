import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, test } from 'vitest';
import { describeSpot, diagnose, env, eventually, fail, http, kill, redisClient, redisOptions, say, start, unawaitedEmits } from 'learn-nest-micro/harness';
import { detectors, type Wire } from './diagnoses';

interface PriceChange {
  sku: string;
  price: number;
}
interface Mail {
  channel: string;
  orderId: string;
  to: string;
  by: string;
}
interface Published {
  channel: string;
  packet: { id?: unknown; pattern?: unknown; data?: unknown } | string;
}

const SHOP = env('SHOP');
const CH = {
  price: `${SHOP}.price.changed`,
  placed: `${SHOP}.order.placed`,
  cancelled: `${SHOP}.order.cancelled`,
  shipped: `${SHOP}.order.shipped`,
};
const ORDER_WILDCARD = `${SHOP}.order.*`;
const shop = http('HTTP_PORT');

/** Everything published on a channel that starts with SHOP, as the check heard it. */
const published: Published[] = [];
let monitor: Redis | undefined;
let store: Redis | undefined;

beforeAll(async () => {
  // The Nest Redis client's own 'Connected to Redis' lines would land in the checker's output.
  Logger.overrideLogger(false);
  const options = { ...redisOptions(env('REDIS_URL')), lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null };
  monitor = new Redis(options);
  store = new Redis(options);
  monitor.on('error', () => undefined);
  store.on('error', () => undefined);
  await Promise.all([monitor.connect(), store.connect()]);
  monitor.on('pmessage', (_pattern: string, channel: string, message: string) => {
    let packet: Published['packet'] = message;
    try {
      packet = JSON.parse(message) as Published['packet'];
    } catch {
      // Not JSON: keep the text.
    }
    published.push({ channel, packet });
  });
  // SHOP is `shop-<hex>`: nothing in it needs escaping for a glob.
  await monitor.psubscribe(`${SHOP}.*`);
});

afterAll(() => {
  monitor?.disconnect();
  store?.disconnect();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function redis(): Redis {
  if (!store) throw fail(say({ en: 'The check could not connect to Redis.', uk: 'Перевірка не змогла підʼєднатися до Redis.' }));
  return store;
}

async function records<T>(key: string): Promise<T[]> {
  const raw = await redis().lrange(key, 0, -1);
  return raw.flatMap((line) => {
    try {
      return [JSON.parse(line) as T];
    } catch {
      return [];
    }
  });
}

/** The price changes one cache instance has applied (PriceCache.apply records them). */
const cacheOf = (instance: string) => records<PriceChange>(`${SHOP}:cache:${instance}`);
/** Every mail the mailer instances have sent (Outbox.send records them). */
const outbox = () => records<Mail>(`${SHOP}:outbox`);

/** How many connections are subscribed to exactly this channel name (pattern subscriptions are not counted). */
async function subscribers(channel: string): Promise<number> {
  const reply = (await redis().pubsub('NUMSUB', channel)) as [string, number | string];
  return Number(reply[1] ?? 0);
}

const samePrice = (a: PriceChange, b: PriceChange) => a.sku === b.sku && a.price === b.price;
const countOf = (list: PriceChange[], change: PriceChange) => list.filter((c) => samePrice(c, change)).length;
const mailsFor = (mails: Mail[], channel: string, orderId: string) => mails.filter((m) => m.channel === channel && m.orderId === orderId);
const showPrices = (list: PriceChange[]) => (list.length === 0 ? say({ en: 'nothing', uk: 'нічого' }) : list.map((c) => `${c.sku}=${c.price}`).join(', '));
const showMails = (list: Mail[]) => (list.length === 0 ? say({ en: 'no mail', uk: 'жодного листа' }) : list.map((m) => `${m.channel} #${m.orderId} (${m.by})`).join('; '));

async function post(path: string, body: object) {
  const r = await shop.post(path, body);
  if (r.status === 0) throw fail(say({ en: `The shop did not answer ${r.sent}.`, uk: `Крамниця не відповіла на ${r.sent}.` }), r);
  return r;
}

async function expectPosted(path: string, body: object) {
  const r = await post(path, body);
  if (r.status >= 300) throw fail(say({ en: `${r.sent} should be accepted (a 2xx status).`, uk: `${r.sent} має бути прийнято (статус 2xx).` }), r);
  return r;
}

test(say({ en: 'POST /prices makes the shop publish an event (not a request) on <SHOP>.price.changed', uk: 'POST /prices змушує крамницю опублікувати подію (а не запит) у <SHOP>.price.changed' }), async () => {
  const change = { sku: 'tea', price: 4 };
  const r = await post('/prices', change);
  const heard = await eventually(() => published.find((p) => p.channel === CH.price), { timeoutMs: 5000 });
  if (!heard) {
    const elsewhere = [...new Set(published.map((p) => p.channel))];
    const received = elsewhere.length > 0
      ? say({ en: `HTTP ${r.status}; published on ${elsewhere.join(', ')} instead`, uk: `HTTP ${r.status}; натомість опубліковано в ${elsewhere.join(', ')}` })
      : say({ en: `HTTP ${r.status}; nothing was published on any channel that starts with ${SHOP}`, uk: `HTTP ${r.status}; нічого не опубліковано в жодному каналі, що починається з ${SHOP}` });
    throw await diagnose<Wire>(detectors, { kind: 'price-not-published', status: r.status, elsewhere }, {
      expected: say({ en: `POST /prices should publish an event on ${CH.price} (CHANNELS.priceChanged) through a Redis client.`, uk: `POST /prices має опублікувати подію в ${CH.price} (CHANNELS.priceChanged) через клієнт Redis.` }),
      meaning: r.status === 404
        ? say({ en: 'the shop has no POST /prices route: the controller or its method is missing, or the controller is not in the module', uk: 'у крамниці немає маршруту POST /prices: бракує контролера чи його методу, або контролера немає в модулі' })
        : say({ en: 'the route ran but nothing reached Redis on that channel: the publish is never made, its Observable is never subscribed, or it goes to another channel or another transport', uk: 'маршрут спрацював, але в цей канал Redis нічого не надійшло: публікацію не зроблено, на її Observable ніхто не підписався, або вона йде в інший канал чи інший транспорт' }),
    }, { sent: r.sent, received });
  }
  const packet = heard.packet;
  if (typeof packet === 'object' && packet.id !== undefined) {
    throw await diagnose<Wire>(detectors, { kind: 'price-as-request' }, {
      expected: say({ en: `POST /prices should publish an event on ${CH.price}: a packet with a pattern and data, no id.`, uk: `POST /prices має опублікувати подію в ${CH.price}: пакет із pattern і data, без id.` }),
      meaning: say({ en: `a packet with an id is a request: its sender waits for a reply on ${CH.price}.reply`, uk: `пакет з id — це запит: відправник чекає на відповідь у ${CH.price}.reply` }),
    }, { sent: r.sent, received: say({ en: `a request on ${CH.price}, with an id, waiting for a reply: ${JSON.stringify(packet)}`, uk: `запит у ${CH.price}, з id, що чекає на відповідь: ${JSON.stringify(packet)}` }) });
  }
  const data = typeof packet === 'object' ? (packet.data as Partial<PriceChange> | undefined) : undefined;
  if (data?.sku !== change.sku || data.price !== change.price) {
    throw fail(say({ en: `The event on ${CH.price} should carry the change, { sku, price }.`, uk: `Подія в ${CH.price} має нести зміну, { sku, price }.` }), { sent: r.sent, received: JSON.stringify(packet) });
  }
  if (r.status >= 300) throw fail(say({ en: 'The event went out, but POST /prices did not succeed.', uk: 'Подію опубліковано, але POST /prices не вдався.' }), r);
  // Works here because Nest's emit() publishes at once; but a PUBLISH that fails would go unnoticed.
  const unawaited = unawaitedEmits('shop');
  if (unawaited.length > 0) {
    throw await diagnose<Wire>(detectors, { kind: 'price-delivered' }, {
      expected: say({ en: 'The shop should wait for each publish (the Observable emit() returns) before it answers the HTTP request.', uk: 'Крамниця має дочекатися кожної публікації (Observable, який повертає emit()), перш ніж відповісти на HTTP-запит.' }),
    }, { sent: r.sent, received: unawaited.map(describeSpot).join('\n') });
  }
}, 20_000);

test(say({ en: 'every cache instance applies every price change, once', uk: 'кожен екземпляр кешу застосовує кожну зміну ціни, один раз' }), async () => {
  const changes: PriceChange[] = [{ sku: 'coffee', price: 7 }, { sku: 'cocoa', price: 5 }, { sku: 'coffee', price: 8 }];
  for (const change of changes) await expectPosted('/prices', change);
  const sent = say({ en: `POST /prices × 3: ${showPrices(changes)}`, uk: `POST /prices × 3: ${showPrices(changes)}` });
  const allArrived = async () => {
    const [one, two] = await Promise.all([cacheOf('cache-1'), cacheOf('cache-2')]);
    return changes.every((c) => countOf(one, c) > 0 && countOf(two, c) > 0) ? true : undefined;
  };
  const arrived = await eventually(allArrived, { timeoutMs: 6000, intervalMs: 100 });
  await sleep(arrived ? 300 : 0); // a duplicate would land right after
  const [one, two] = await Promise.all([cacheOf('cache-1'), cacheOf('cache-2')]);
  const received = say({ en: `cache-1 applied ${showPrices(one)}; cache-2 applied ${showPrices(two)}`, uk: `cache-1 застосував ${showPrices(one)}; cache-2 застосував ${showPrices(two)}` });
  if (!arrived) {
    if (one.length + two.length === 0) {
      const listening = await subscribers(CH.price);
      if (listening === 0) throw fail(say({ en: `No cache instance is subscribed to ${CH.price}, the channel the shop publishes on. The cache's @EventPattern must be that channel exactly (CHANNELS.priceChanged).`, uk: `Жоден екземпляр кешу не підписаний на ${CH.price}, канал, у який публікує крамниця. @EventPattern кешу має бути саме цим каналом (CHANNELS.priceChanged).` }), { sent, received });
      throw fail(say({ en: `Both cache instances are subscribed to ${CH.price}, but neither applied a change: call cache.apply(change) in the handler.`, uk: `Обидва екземпляри кешу підписані на ${CH.price}, але жоден не застосував зміну: викличте cache.apply(change) в обробнику.` }), { sent, received });
    }
    throw await diagnose<Wire>(detectors, { kind: 'cache-applied', applied: changes.map((c) => [countOf(one, c), countOf(two, c)]), subscribers: await subscribers(CH.price) }, {
      expected: say({ en: 'Each cache instance should apply each of the three price changes.', uk: 'Кожен екземпляр кешу має застосувати кожну з трьох змін ціни.' }),
      meaning: say({ en: 'Redis delivers every event to every subscribed connection: an instance that applied nothing, or only some, is not subscribed (crashed: see its log), fails in its handler, or decides not to apply', uk: 'Redis доставляє кожну подію кожному підписаному зʼєднанню: екземпляр, що не застосував нічого або лише частину, не підписаний (упав: див. його журнал), падає в обробнику або сам вирішує не застосовувати' }),
    }, { sent, received });
  }
  if (changes.some((c) => countOf(one, c) > 1 || countOf(two, c) > 1)) {
    throw fail(say({ en: 'A cache instance applied one price change more than once: one handler per instance, on one channel.', uk: 'Екземпляр кешу застосував одну зміну ціни більше ніж один раз: один обробник на екземпляр, на один канал.' }), { sent, received });
  }
}, 20_000);

test(say({ en: 'each order event is mailed exactly once, by one of the two mailer instances, and price changes are not mailed', uk: 'кожну подію замовлення надіслано листом рівно один раз, одним із двох екземплярів поштаря, а про зміни цін листів немає' }), async () => {
  const email = 'ada@example.com';
  await expectPosted('/orders', { id: 'o-1', email });
  await expectPosted('/orders/o-1/cancel', { email });
  const sent = say({ en: `POST /orders { id: 'o-1' }, then POST /orders/o-1/cancel (and the price changes before)`, uk: `POST /orders { id: 'o-1' }, потім POST /orders/o-1/cancel (і зміни цін перед тим)` });
  const expected = [CH.placed, CH.cancelled];
  const arrived = await eventually(async () => {
    const mails = await outbox();
    return expected.every((channel) => mailsFor(mails, channel, 'o-1').length > 0) ? true : undefined;
  }, { timeoutMs: 6000, intervalMs: 100 });
  await sleep(1000); // the other instance's copy, if any, lands right after (later on a busy machine)
  const mails = await outbox();
  const received = showMails(mails);
  const twiceBy = expected.map((channel) => mailsFor(mails, channel, 'o-1').map((m) => m.by)).filter((by) => by.length > 1);
  const wire: Wire = {
    kind: 'order-mails',
    placed: mailsFor(mails, CH.placed, 'o-1').length,
    cancelled: mailsFor(mails, CH.cancelled, 'o-1').length,
    twiceBy,
    foreign: mails.filter((m) => !m.channel?.startsWith(`${SHOP}.order.`)).length,
    literal: await subscribers(ORDER_WILDCARD),
  };
  if (wire.foreign > 0) {
    throw await diagnose<Wire>(detectors, wire, {
      expected: say({ en: `Only order events (${SHOP}.order.<anything>) should be mailed; price changes are not.`, uk: `Листи надсилають лише про події замовлень (${SHOP}.order.<будь-що>); про зміни цін — ні.` }),
      meaning: say({ en: "a mail's channel is not an order channel: the mailer's pattern covers more than the order channels, or it mails with a channel other than the one the event came on", uk: 'канал листа не є каналом замовлення: шаблон поштаря охоплює більше, ніж канали замовлень, або він надсилає лист з іншим каналом, ніж той, яким прийшла подія' }),
    }, { sent, received });
  }
  if (!arrived) {
    const placedOnly = wire.placed > 0 && wire.cancelled === 0;
    if (placedOnly && wire.literal === 0) {
      throw fail(say({ en: `Order o-1 was mailed when it was placed, but not when it was cancelled. If the mailer claims events, the claim's key must name the event (its channel and the order id), not the order alone.`, uk: `Про замовлення o-1 надіслано лист, коли його створили, але не коли скасували. Якщо поштар заявляє право на події, ключ заявки має називати подію (її канал та id замовлення), а не лише замовлення.` }), { sent, received });
    }
    throw await diagnose<Wire>(detectors, wire, {
      expected: say({ en: `The mailer should mail both order events: ${CH.placed} and ${CH.cancelled} for order o-1 (Outbox.send with the concrete channel).`, uk: `Поштар має надіслати листи про обидві події замовлення: ${CH.placed} і ${CH.cancelled} для замовлення o-1 (Outbox.send з конкретним каналом).` }),
      meaning: say({
        en: `no mailer instance handled the event: their pattern does not match ${CH.placed}, or is subscribed as a plain channel name (PUBSUB NUMSUB '${ORDER_WILDCARD}' answers ${wire.literal}), or the handler fails (see the mailer's log)`,
        uk: `жоден екземпляр поштаря не обробив подію: їхній шаблон не збігається з ${CH.placed} або підписаний як звичайна назва каналу (PUBSUB NUMSUB '${ORDER_WILDCARD}' відповідає ${wire.literal}), або обробник падає (див. журнал поштаря)`,
      }),
    }, { sent, received });
  }
  if (twiceBy.some((by) => new Set(by).size > 1)) {
    throw await diagnose<Wire>(detectors, wire, {
      expected: say({ en: 'Each order event should be mailed exactly once, by one of the two mailer instances.', uk: 'Про кожну подію замовлення має бути надіслано рівно один лист, одним із двох екземплярів поштаря.' }),
      meaning: say({ en: 'both mailer instances received the event (Redis delivers it to every subscriber) and both sent the mail: nothing let only one of them act, or what should (a claim) answers true to both', uk: 'обидва екземпляри поштаря отримали подію (Redis доставляє її кожному підписникові) й обидва надіслали лист: ніщо не дозволило діяти лише одному з них, або те, що мало б (заявка), відповідає true обом' }),
    }, { sent, received });
  }
  for (const by of twiceBy) {
    throw fail(say({ en: `An order event for o-1 was mailed ${by.length} times by ${by[0]}: one handler, one mail.`, uk: `Про подію замовлення o-1 надіслано листів: ${by.length}, усі від ${by[0]}: один обробник, один лист.` }), { sent, received });
  }
  // The mail goes to the address the order event carries (Outbox.send takes the event's payload).
  const misaddressed = mails.find((m) => m.orderId === 'o-1' && m.to !== email);
  if (misaddressed) {
    throw fail(say({ en: `Mails about order o-1 should go to ${email}, the e-mail the order event carries; one went to ${String(misaddressed.to)}.`, uk: `Листи про замовлення o-1 мають іти на ${email} — адресу, яку несе подія замовлення; один пішов на ${String(misaddressed.to)}.` }), { sent, received: JSON.stringify(misaddressed) });
  }
}, 20_000);

test(say({ en: 'an order event of a new kind, published by another service on <SHOP>.order.shipped, is mailed too', uk: 'подію замовлення нового виду, опубліковану іншим сервісом у <SHOP>.order.shipped, теж надіслано листом' }), async () => {
  const event = { id: 'o-1', email: 'ada@example.com' };
  const client = await redisClient();
  await lastValueFrom(client.emit(CH.shipped, event), { defaultValue: undefined });
  const sent = say({ en: `emit('${CH.shipped}', ${JSON.stringify(event)}) from a Nest Redis client`, uk: `emit('${CH.shipped}', ${JSON.stringify(event)}) з клієнта Redis у Nest` });
  const arrived = await eventually(async () => (mailsFor(await outbox(), CH.shipped, 'o-1').length > 0 ? true : undefined), { timeoutMs: 6000, intervalMs: 100 });
  await sleep(300);
  const mails = mailsFor(await outbox(), CH.shipped, 'o-1');
  if (!arrived) {
    // order.placed and order.cancelled were mailed (the test before).
    throw await diagnose<Wire>(detectors, { kind: 'shipped-not-mailed', literal: await subscribers(ORDER_WILDCARD) }, {
      expected: say({ en: `The mailer should mail every <SHOP>.order.<anything> event, ${CH.shipped} included.`, uk: `Поштар має надсилати лист про кожну подію <SHOP>.order.<будь-що>, зокрема ${CH.shipped}.` }),
      meaning: say({ en: `${CH.placed} and ${CH.cancelled} were mailed, ${CH.shipped} was not: the mailer's subscriptions do not cover it, or its claim for this event was already taken (a key that does not name the event's channel)`, uk: `про ${CH.placed} і ${CH.cancelled} листи надіслано, про ${CH.shipped} — ні: підписки поштаря його не охоплюють, або заявку на цю подію вже було взято (ключ, що не називає каналу події)` }),
    }, { sent, received: say({ en: `no mail for ${CH.shipped}, while ${CH.placed} and ${CH.cancelled} were mailed`, uk: `жодного листа про ${CH.shipped}, хоча про ${CH.placed} і ${CH.cancelled} листи надіслано` }) });
  }
  if (mails.length > 1) throw fail(say({ en: `${CH.shipped} was mailed ${mails.length} times.`, uk: `Про ${CH.shipped} надіслано листів: ${mails.length}.` }), { sent, received: showMails(mails) });
}, 20_000);

test(say({ en: 'with mailer-1 stopped, mailer-2 alone still mails every order event', uk: 'коли mailer-1 зупинено, mailer-2 сам надсилає листи про кожну подію замовлення' }), async () => {
  await kill('mailer-1');
  const order = { id: 'o-2', email: 'grace@example.com' };
  await expectPosted('/orders', order);
  const sent = say({ en: `mailer-1 stopped, then POST /orders ${JSON.stringify(order)}`, uk: `mailer-1 зупинено, потім POST /orders ${JSON.stringify(order)}` });
  const mail = await eventually(async () => mailsFor(await outbox(), CH.placed, 'o-2')[0], { timeoutMs: 6000, intervalMs: 100 });
  if (mail && mail.to !== order.email) throw fail(say({ en: `The mail about order o-2 should go to ${order.email}, the e-mail the event carries.`, uk: `Лист про замовлення o-2 має йти на ${order.email} — адресу, яку несе подія.` }), { sent, received: JSON.stringify(mail) });
  if (!mail) {
    const received = say({ en: 'no mail for order o-2', uk: 'жодного листа про замовлення o-2' });
    throw await diagnose<Wire>(detectors, { kind: 'no-mail-without-mailer-1' }, {
      expected: say({ en: 'With mailer-1 stopped, mailer-2 should mail order o-2: any instance that wins the claim sends the mail.', uk: 'Коли mailer-1 зупинено, mailer-2 має надіслати лист про замовлення o-2: лист надсилає будь-який екземпляр, що виграв заявку.' }),
      meaning: say({ en: 'mailer-2 is subscribed like mailer-1, so it got the event: it decided not to mail, its claim was taken already, or its handler failed (see its log)', uk: 'mailer-2 підписаний так само, як mailer-1, тож подію отримав: він вирішив не надсилати листа, його заявку вже було взято, або його обробник упав (див. його журнал)' }),
    }, { sent, received });
  }
}, 20_000);

test(say({ en: 'a price change published while cache-2 is down never reaches it, not even after it restarts', uk: 'зміна ціни, опублікована, поки cache-2 не працює, до нього не доходить — навіть після перезапуску' }), async () => {
  await kill('cache-2');
  await eventually(async () => ((await subscribers(CH.price)) <= 1 ? true : undefined), { timeoutMs: 5000, intervalMs: 50 });
  const lost = { sku: 'lost-while-down', price: 1 };
  await expectPosted('/prices', lost);
  const atOne = await eventually(async () => (countOf(await cacheOf('cache-1'), lost) > 0 ? true : undefined), { timeoutMs: 6000, intervalMs: 100 });
  if (!atOne) throw fail(say({ en: 'With cache-2 stopped, cache-1 should still apply price changes.', uk: 'Коли cache-2 зупинено, cache-1 усе одно має застосовувати зміни цін.' }), { sent: `POST /prices ${JSON.stringify(lost)}`, received: showPrices(await cacheOf('cache-1')) });

  await start('cache-2');
  await eventually(async () => ((await subscribers(CH.price)) >= 2 ? true : undefined), { timeoutMs: 5000, intervalMs: 50 });
  const after = { sku: 'after-restart', price: 2 };
  await expectPosted('/prices', after);
  const sent = say({ en: `cache-2 stopped; POST /prices ${JSON.stringify(lost)}; cache-2 started again; POST /prices ${JSON.stringify(after)}`, uk: `cache-2 зупинено; POST /prices ${JSON.stringify(lost)}; cache-2 знову запущено; POST /prices ${JSON.stringify(after)}` });
  const back = await eventually(async () => (countOf(await cacheOf('cache-2'), after) > 0 ? true : undefined), { timeoutMs: 6000, intervalMs: 100 });
  const two = await cacheOf('cache-2');
  if (!back) throw fail(say({ en: 'The restarted cache-2 should apply the price changes published after it came back.', uk: 'Перезапущений cache-2 має застосовувати зміни цін, опубліковані після його повернення.' }), { sent, received: say({ en: `cache-2 applied ${showPrices(two)}`, uk: `cache-2 застосував ${showPrices(two)}` }) });
  // Redis pub/sub keeps nothing: the change published while cache-2 was down is gone for it.
  if (countOf(two, lost) > 0) throw fail(say({ en: 'cache-2 applied a change published while it was stopped: Redis pub/sub cannot deliver that, so the cache reads prices from somewhere else too. Apply what the price events carry.', uk: 'cache-2 застосував зміну, опубліковану, поки він був зупинений: Redis pub/sub не може її доставити, тож кеш бере ціни ще звідкись. Застосовуйте те, що несуть події цін.' }), { sent, received: showPrices(two) });
}, 30_000);
