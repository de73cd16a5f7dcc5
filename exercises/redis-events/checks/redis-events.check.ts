import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, test } from 'vitest';
import { env, eventually, fail, http, kill, mistake, redisClient, redisOptions, say, source, start } from 'learn-nest-micro/harness';

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

function shopUsesSend(): boolean {
  return /\.send\s*[<(]/.test(source('shop/shop.controller.ts') + source('shop/shop.module.ts'));
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
    if (elsewhere.length === 0 && shopUsesSend()) throw mistake('send-instead-of-emit', { sent: r.sent, received });
    throw fail(say({ en: `POST /prices should publish an event on ${CH.price} (CHANNELS.priceChanged) through a Redis client.`, uk: `POST /prices має опублікувати подію в ${CH.price} (CHANNELS.priceChanged) через клієнт Redis.` }), { sent: r.sent, received });
  }
  const packet = heard.packet;
  if (typeof packet === 'object' && packet.id !== undefined) {
    throw mistake('send-instead-of-emit', { sent: r.sent, received: say({ en: `a request on ${CH.price}, with an id, waiting for a reply: ${JSON.stringify(packet)}`, uk: `запит у ${CH.price}, з id, що чекає на відповідь: ${JSON.stringify(packet)}` }) });
  }
  const data = typeof packet === 'object' ? (packet.data as Partial<PriceChange> | undefined) : undefined;
  if (data?.sku !== change.sku || data.price !== change.price) {
    throw fail(say({ en: `The event on ${CH.price} should carry the change, { sku, price }.`, uk: `Подія в ${CH.price} має нести зміну, { sku, price }.` }), { sent: r.sent, received: JSON.stringify(packet) });
  }
  if (r.status >= 300) throw fail(say({ en: 'The event went out, but POST /prices did not succeed.', uk: 'Подію опубліковано, але POST /prices не вдався.' }), r);
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
    if (changes.every((c) => countOf(one, c) + countOf(two, c) === 1)) throw mistake('cache-handles-once', { sent, received });
    throw fail(say({ en: 'Each cache instance should apply each of the three price changes.', uk: 'Кожен екземпляр кешу має застосувати кожну з трьох змін ціни.' }), { sent, received });
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
  if (mails.some((m) => !m.channel?.startsWith(`${SHOP}.order.`))) throw mistake('mailer-pattern-too-broad', { sent, received });
  if (!arrived) {
    const literal = await subscribers(ORDER_WILDCARD);
    if (literal > 0) {
      throw mistake('wildcards-missing', { sent, received: say({ en: `${received}; PUBSUB NUMSUB '${ORDER_WILDCARD}' answers ${literal}: a subscription to a channel with exactly that name`, uk: `${received}; PUBSUB NUMSUB '${ORDER_WILDCARD}' відповідає ${literal}: підписка на канал саме з такою назвою` }) });
    }
    const placedOnly = mailsFor(mails, CH.placed, 'o-1').length > 0 && mailsFor(mails, CH.cancelled, 'o-1').length === 0;
    if (placedOnly) {
      throw fail(say({ en: `Order o-1 was mailed when it was placed, but not when it was cancelled. If the mailer claims events, the claim's key must name the event (its channel and the order id), not the order alone.`, uk: `Про замовлення o-1 надіслано лист, коли його створили, але не коли скасували. Якщо поштар заявляє право на події, ключ заявки має називати подію (її канал та id замовлення), а не лише замовлення.` }), { sent, received });
    }
    throw fail(say({ en: `The mailer should mail both order events: ${CH.placed} and ${CH.cancelled} for order o-1 (Outbox.send with the concrete channel).`, uk: `Поштар має надіслати листи про обидві події замовлення: ${CH.placed} і ${CH.cancelled} для замовлення o-1 (Outbox.send з конкретним каналом).` }), { sent, received });
  }
  for (const channel of expected) {
    const copies = mailsFor(mails, channel, 'o-1');
    if (copies.length > 1 && new Set(copies.map((m) => m.by)).size > 1) throw mistake('mailer-sends-twice', { sent, received });
    if (copies.length > 1) throw fail(say({ en: `${channel} for order o-1 was mailed ${copies.length} times by ${copies[0]?.by}: one handler, one mail.`, uk: `Про ${channel} для замовлення o-1 надіслано листів: ${copies.length}, усі від ${copies[0]?.by}: один обробник, один лист.` }), { sent, received });
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
    const byName = (await subscribers(CH.placed)) + (await subscribers(CH.cancelled));
    // order.placed and order.cancelled were mailed (the test before): the handlers name them, and no pattern covers the rest.
    const patternless = !/order\.[*?[]/.test(source('mailer/orders.controller.ts'));
    if (byName > 0 || patternless) throw mistake('mailer-exact-channels', { sent, received: say({ en: `no mail for ${CH.shipped}, while ${CH.placed} and ${CH.cancelled} were mailed`, uk: `жодного листа про ${CH.shipped}, хоча про ${CH.placed} і ${CH.cancelled} листи надіслано` }) });
    throw fail(say({ en: `The mailer should mail every <SHOP>.order.<anything> event, ${CH.shipped} included.`, uk: `Поштар має надсилати лист про кожну подію <SHOP>.order.<будь-що>, зокрема ${CH.shipped}.` }), { sent, received: showMails(mails) });
  }
  if (mails.length > 1) throw fail(say({ en: `${CH.shipped} was mailed ${mails.length} times.`, uk: `Про ${CH.shipped} надіслано листів: ${mails.length}.` }), { sent, received: showMails(mails) });
}, 20_000);

test(say({ en: 'with mailer-1 stopped, mailer-2 alone still mails every order event', uk: 'коли mailer-1 зупинено, mailer-2 сам надсилає листи про кожну подію замовлення' }), async () => {
  await kill('mailer-1');
  const order = { id: 'o-2', email: 'grace@example.com' };
  await expectPosted('/orders', order);
  const sent = say({ en: `mailer-1 stopped, then POST /orders ${JSON.stringify(order)}`, uk: `mailer-1 зупинено, потім POST /orders ${JSON.stringify(order)}` });
  const mail = await eventually(async () => mailsFor(await outbox(), CH.placed, 'o-2')[0], { timeoutMs: 6000, intervalMs: 100 });
  if (!mail) {
    const received = say({ en: 'no mail for order o-2', uk: 'жодного листа про замовлення o-2' });
    if (/INSTANCE(_ID)?\b/.test(source('mailer/orders.controller.ts'))) throw mistake('mailer-only-first-instance', { sent, received });
    throw fail(say({ en: 'With mailer-1 stopped, mailer-2 received the event but mailed nothing: any instance that wins the claim must send the mail.', uk: 'Коли mailer-1 зупинено, mailer-2 отримав подію, але листа не надіслав: лист має надсилати будь-який екземпляр, що виграв заявку.' }), { sent, received });
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
