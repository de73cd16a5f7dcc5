import { randomBytes } from 'node:crypto';
import { afterAll, test } from 'vitest';
import { describeSpot, detect, diagnose, eventually, exerciseDir, fail, handlersIn, http, logs, pid, plainFailure, say, sceneOf, send, tcpClient, unawaitedEmits, type Evidence, type HttpResult } from 'learn-nest-micro/harness';
import { detectors, type Wire } from './diagnoses';

interface Order {
  orderId: string;
  item: string;
  quantity: number;
}
interface Reservation extends Order {
  startedAt: number;
  finishedAt: number | null;
}
interface StockReport {
  stock: Record<string, number>;
  reservations: Reservation[];
}
interface Notification {
  orderId: string;
  channel: 'email' | 'push';
  startedAt: number;
  finishedAt: number | null;
}
interface Snapshot {
  reservations: Reservation[];
  notifications: Notification[];
  stock: Record<string, number>;
}
interface Placed {
  order: Order;
  res: HttpResult;
  sentAt: number;
  answeredAt: number;
}

const NOTIFICATION_FILE = 'notification/notification.controller.ts';
const run = randomBytes(3).toString('hex');
const orders: Order[] = [
  { orderId: `order-${run}-1`, item: 'book', quantity: 2 },
  { orderId: `order-${run}-2`, item: 'pen', quantity: 3 },
  { orderId: `order-${run}-3`, item: 'mug', quantity: 1 },
];
let initialStock: Record<string, number> = {};
let placed: Placed[] = [];

/** A service's log lines without colour codes. */
async function logLines(service: string): Promise<string[]> {
  // eslint-disable-next-line no-control-regex
  return (await logs(service)).replace(/\x1b\[[0-9;]*m/g, '').split('\n');
}

function isStockReport(value: unknown): value is StockReport {
  const v = value as StockReport | null;
  return !!v && typeof v === 'object' && typeof v.stock === 'object' && v.stock !== null && Array.isArray(v.reservations);
}

async function snapshot(): Promise<Snapshot> {
  const stock = await send<StockReport>(await tcpClient('INVENTORY_PORT'), { cmd: 'stock' }, {}, { timeoutMs: 8000 });
  const notes = await send<Notification[]>(await tcpClient('NOTIFICATION_PORT'), { cmd: 'notifications' }, {}, { timeoutMs: 8000 });
  if (!stock.ok || !isStockReport(stock.value)) {
    throw fail(say({ en: "The inventory service stopped answering { cmd: 'stock' } with its stock report.", uk: "Сервіс inventory перестав відповідати на { cmd: 'stock' } своїм звітом про залишки." }), stock);
  }
  if (!notes.ok || !Array.isArray(notes.value)) {
    throw fail(say({ en: "The notification service stopped answering { cmd: 'notifications' } with its list.", uk: "Сервіс notification перестав відповідати на { cmd: 'notifications' } своїм списком." }), notes);
  }
  return { reservations: stock.value.reservations, notifications: notes.value, stock: stock.value.stock };
}

const reservationsOf = (s: Snapshot, o: Order) => s.reservations.filter((r) => r.orderId === o.orderId);
const notificationsOf = (s: Snapshot, o: Order, channel: Notification['channel']) =>
  s.notifications.filter((n) => n.orderId === o.orderId && n.channel === channel);

const CONSUMERS = ['inventory', 'notification'];

/** Sends a signal to each service; false where the platform cannot (Windows has no SIGSTOP). */
async function signalAll(services: string[], signal: 'SIGSTOP' | 'SIGCONT'): Promise<boolean> {
  if (process.platform === 'win32') return false;
  let ok = true;
  for (const service of services) {
    const p = await pid(service);
    try {
      if (p) process.kill(p, signal);
    } catch {
      ok = false;
    }
  }
  return ok;
}
const pause = (services: string[]) => signalAll(services, 'SIGSTOP');
const resume = (services: string[]) => signalAll(services, 'SIGCONT');
// Never leave a consumer frozen, whatever failed.
afterAll(() => resume(CONSUMERS).catch(() => undefined));

/** The consumers' records once every handler that started has finished (or after 8 s). */
async function waitUntilFinished(): Promise<Snapshot> {
  const done = await eventually(async () => {
    const s = await snapshot();
    const busy = [...s.reservations, ...s.notifications].some((r) => r.finishedAt == null);
    return busy ? false : s;
  }, { timeoutMs: 8000, intervalMs: 150 });
  return done ?? (await snapshot());
}

/** Times relative to the moment the order was posted, for the learner to read. */
function timeline(p: Placed, s: Snapshot): string {
  const at = (t: number | null | undefined) => (t == null ? say({ en: 'not finished', uk: 'не завершено' }) : say({ en: `+${t - p.sentAt} ms`, uk: `+${t - p.sentAt}\u00a0мс` }));
  return [
    say({ en: `gateway answered ${at(p.answeredAt)}`, uk: `шлюз відповів ${at(p.answeredAt)}` }),
    say({ en: `inventory finished ${at(reservationsOf(s, p.order)[0]?.finishedAt)}`, uk: `inventory завершив ${at(reservationsOf(s, p.order)[0]?.finishedAt)}` }),
    say({ en: `email finished ${at(notificationsOf(s, p.order, 'email')[0]?.finishedAt)}`, uk: `email завершено ${at(notificationsOf(s, p.order, 'email')[0]?.finishedAt)}` }),
  ].join(', ');
}

/** A consumer's answer to its question was not what it should be. */
function questionFailed(r: { ok: boolean; errorText?: string }, expected: string, method: string): Error {
  const meaning = !r.ok && /no matching message handler/.test(r.errorText ?? '')
    ? say({
        en: `NestJS found no handler for this pattern: ${method} has no decorator that makes a method answer requests, or its pattern differs`,
        uk: `NestJS не знайшов обробника для цього шаблону: ${method} не має декоратора, завдяки якому метод відповідає на запити, або його шаблон інший`,
      })
    : undefined;
  return plainFailure({ expected, meaning }, r as Evidence);
}

test(say({ en: "the consumers answer { cmd: 'stock' } and { cmd: 'notifications' }", uk: "споживачі відповідають на { cmd: 'stock' } і { cmd: 'notifications' }" }), async () => {
  const stock = await send<StockReport>(await tcpClient('INVENTORY_PORT'), { cmd: 'stock' }, {}, { timeoutMs: 8000 });
  if (!stock.ok || !isStockReport(stock.value)) {
    throw questionFailed(stock, say({ en: "{ cmd: 'stock' } should reply with the inventory's stock report ({ stock, reservations })", uk: "На { cmd: 'stock' } має прийти звіт inventory про залишки ({ stock, reservations })" }), 'InventoryController.stock()');
  }
  initialStock = stock.value.stock;

  const notes = await send<Notification[]>(await tcpClient('NOTIFICATION_PORT'), { cmd: 'notifications' }, {}, { timeoutMs: 8000 });
  if (!notes.ok || !Array.isArray(notes.value)) {
    throw questionFailed(notes, say({ en: "{ cmd: 'notifications' } should reply with the list of notifications sent", uk: "На { cmd: 'notifications' } має прийти список надісланих сповіщень" }), 'NotificationController.list()');
  }
  // Asked once before any order, so that a gateway keeping that first report (a cache) shows it later.
  await http('GATEWAY_PORT', { timeoutMs: 3000 }).get('/stock');
});

test(say({ en: "POST /orders answers { status: 'queued' } without waiting for the consumers", uk: "POST /orders відповідає { status: 'queued' }, не чекаючи на споживачів" }), async () => {
  // Causal evidence, not a stopwatch: the consumers are frozen (SIGSTOP) while the orders are
  // placed. A gateway that waits for them cannot answer until they are resumed. Where processes
  // cannot be frozen, every answer is judged against the consumers' own finish times instead.
  const gateway = http('GATEWAY_PORT', { timeoutMs: 20_000 });
  const paused = await pause(CONSUMERS);
  let resumedAt = paused ? Number.POSITIVE_INFINITY : Date.now();
  let pending: Promise<Placed[]>;
  try {
    pending = Promise.all(
      orders.map(async (order) => {
        const sentAt = Date.now();
        const res = await gateway.post('/orders', order);
        return { order, res, sentAt, answeredAt: Date.now() };
      }),
    );
    if (paused) await Promise.race([pending, new Promise((r) => setTimeout(r, 3000))]);
  } finally {
    await resume(CONSUMERS);
    if (paused) resumedAt = Date.now();
  }
  placed = await pending;

  for (const p of placed) {
    const { res } = p;
    const body = res.body as { status?: unknown; orderId?: unknown } | undefined;
    if (res.status === 202 && body?.status === 'queued' && body.orderId === p.order.orderId) continue;
    throw await diagnose<Wire>(detectors, { kind: 'order-answer', status: res.status, body: res.body }, {
      expected: say({ en: `POST /orders should answer at once with 202 and { status: 'queued', orderId: '${p.order.orderId}' }`, uk: `POST /orders має одразу відповісти 202 і { status: 'queued', orderId: '${p.order.orderId}' }` }),
      meaning: res.status >= 500
        ? say({ en: "the gateway failed while placing the order: a call in POST /orders went wrong (its error is in the gateway's log)", uk: 'шлюз зламався, розміщуючи замовлення: виклик у POST /orders завершився помилкою (вона в журналі шлюзу)' })
        : res.status === 0
          ? say({ en: 'no answer at all: the gateway waits for something that, with the consumers frozen, never comes', uk: 'відповіді немає зовсім: шлюз чекає на щось, що при заморожених споживачах так і не надходить' })
          : say({ en: 'another status or body: 202 Accepted (@HttpCode) says the work is queued, not done; the body names the order', uk: 'інший статус чи тіло: 202 Accepted (@HttpCode) каже, що роботу поставлено в чергу, а не виконано; тіло називає замовлення' }),
    }, res);
  }

  const late = placed.filter((p) => p.answeredAt >= resumedAt);
  if (late.length === 0) return;
  // Answered only after the consumers were resumed: did the answer wait for their work?
  const s = await waitUntilFinished();
  for (const p of late) {
    const ends = [...reservationsOf(s, p.order), ...notificationsOf(s, p.order, 'email')].map((r) => r.finishedAt);
    if (!ends.some((end) => end != null && end <= p.answeredAt)) continue;
    const evidence = {
      sent: `POST /orders ${JSON.stringify(p.order)}${paused ? say({ en: ' while both consumers were paused', uk: ', поки обидва споживачі були призупинені' }) : ''}`,
      received: `${p.res.received}, ${paused ? say({ en: 'only after they were resumed', uk: 'лише після того, як їх відновили' }) : say({ en: 'late', uk: 'із запізненням' })} (${timeline(p, s)})`,
    };
    throw await diagnose<Wire>(detectors, { kind: 'order-waited' }, {
      expected: say({ en: 'The gateway should answer POST /orders without waiting for the event to be handled', uk: 'Шлюз має відповідати на POST /orders, не чекаючи, доки подію оброблять' }),
      meaning: say({
        en: 'it answered only after a consumer had finished its work: something in POST /orders waits for a reply or for the handlers (emit() waits for neither: its Observable completes once the event is handed to the socket)',
        uk: 'він відповів лише після того, як споживач завершив свою роботу: щось у POST /orders чекає на відповідь чи на обробники (emit() не чекає ні на те, ні на інше: його Observable завершується, щойно подію передано в сокет)',
      }),
    }, evidence);
  }
});

test(say({ en: 'both consumers receive every order_created event', uk: 'обидва споживачі отримують кожну подію order_created' }), async () => {
  const complete = (s: Snapshot) =>
    orders.every((o) => reservationsOf(s, o).length > 0 && notificationsOf(s, o, 'email').length > 0 && notificationsOf(s, o, 'push').length > 0);
  const seen = await eventually(async () => {
    const s = await snapshot();
    return complete(s) ? s : false;
  }, { timeoutMs: 8000, intervalMs: 100 });
  if (seen) return;

  const s = await snapshot();
  const inventoryGot = orders.some((o) => reservationsOf(s, o).length > 0);
  const emailGot = orders.some((o) => notificationsOf(s, o, 'email').length > 0);
  const pushGot = orders.some((o) => notificationsOf(s, o, 'push').length > 0);
  const evidence = {
    sent: say({ en: `POST /orders x${orders.length}, then waited 8 s`, uk: `POST /orders x${orders.length}, потім очікування 8\u00a0с` }),
    received: say({
      en: `inventory reserved: [${s.reservations.map((r) => r.orderId).join(', ')}]; notifications: [${s.notifications.map((n) => `${n.channel}:${n.orderId}`).join(', ')}]`,
      uk: `inventory зарезервував: [${s.reservations.map((r) => r.orderId).join(', ')}]; сповіщення: [${s.notifications.map((n) => `${n.channel}:${n.orderId}`).join(', ')}]`,
    }),
  };

  const silent = !inventoryGot ? 'inventory' : !emailGot && !pushGot ? 'notification' : undefined;
  const noHandler = silent ? (await logLines(silent)).find((l) => /no matching event handler/.test(l))?.trim() : undefined;
  const meaning =
    !inventoryGot && !emailGot && !pushGot
      ? say({
          en: 'neither consumer received order_created: POST /orders puts no event on the wire (no emit(), a send() nobody subscribes to), or publishes it under another pattern',
          uk: 'жоден споживач не отримав order_created: POST /orders не надсилає події (немає emit(), send(), на який ніхто не підписався) або публікує її під іншим шаблоном',
        })
      : silent && noHandler
        ? say({
            en: `the ${silent} service received the event but has no handler for its pattern: its handler needs the event decorator with exactly the pattern the gateway emits`,
            uk: `сервіс ${silent} отримав подію, але не має обробника для її шаблону: його обробнику потрібен декоратор події саме з тим шаблоном, який публікує шлюз`,
          })
        : silent
          ? say({
              en: `the ${silent} service never received order_created: the gateway has no client for it, or does not emit through it, or that client's port is not the ${silent} service's own variable`,
              uk: `сервіс ${silent} так і не отримав order_created: шлюз не має для нього клієнта, або не публікує подію через нього, або порт цього клієнта — не власна змінна сервісу ${silent}`,
            })
          : emailGot !== pushGot
            ? say({
                en: `NotificationController.${emailGot ? 'pushToWarehouse' : 'emailCustomer'}() never ran: it has no event decorator for order_created, or a @MessagePattern on that pattern took it over`,
                uk: `NotificationController.${emailGot ? 'pushToWarehouse' : 'emailCustomer'}() так і не виконався: він не має декоратора події для order_created, або @MessagePattern на цьому шаблоні перебрав його на себе`,
              })
            : say({ en: 'some orders never reached a consumer: every POST /orders must emit its own order_created event', uk: 'деякі замовлення так і не дійшли до споживача: кожен POST /orders має опублікувати власну подію order_created' });
  throw await diagnose<Wire>(detectors, { kind: 'events-missing', inventory: inventoryGot, email: emailGot, push: pushGot, unhandled: !!noHandler }, {
    expected: say({ en: 'Both consumers, and both handlers of the notification service, should see every order_created within 8 s', uk: 'Обидва споживачі й обидва обробники сервісу notification мають побачити кожну подію order_created за 8\u00a0с' }),
    meaning,
  }, { ...evidence, original: noHandler });
});

test(say({ en: 'each consumer handled each event exactly once', uk: 'кожен споживач обробив кожну подію рівно один раз' }), async () => {
  const s = await waitUntilFinished();
  for (const o of orders) {
    const counts = {
      inventory: reservationsOf(s, o).length,
      email: notificationsOf(s, o, 'email').length,
      push: notificationsOf(s, o, 'push').length,
    };
    if (Object.values(counts).some((n) => n !== 1)) {
      throw fail(say({ en: `Order ${o.orderId} should be handled once by each handler.`, uk: `Замовлення ${o.orderId} має бути оброблене кожним обробником рівно один раз.` }), {
        sent: say({ en: `POST /orders ${JSON.stringify(o)} (once)`, uk: `POST /orders ${JSON.stringify(o)} (один раз)` }),
        received: say({
          en: `handled: inventory x${counts.inventory}, email x${counts.email}, push x${counts.push}`,
          uk: `оброблено: inventory x${counts.inventory}, email x${counts.email}, push x${counts.push}`,
        }),
      });
    }
    const expected = (initialStock[o.item] ?? 0) - o.quantity;
    if (s.stock[o.item] !== expected) {
      throw fail(say({ en: `The stock of ${o.item} should have dropped by ${o.quantity} exactly.`, uk: `Залишок ${o.item} мав зменшитися рівно на ${o.quantity}.` }), {
        sent: `POST /orders ${JSON.stringify(o)}`,
        received: say({
          en: `stock of ${o.item}: ${initialStock[o.item]} before, ${s.stock[o.item]} after (expected ${expected})`,
          uk: `залишок ${o.item}: ${initialStock[o.item]} до, ${s.stock[o.item]} після (очікувалося ${expected})`,
        }),
      });
    }
  }
});

test(say({ en: "GET /stock on the gateway returns the inventory service's reply", uk: 'GET /stock на шлюзі повертає відповідь сервісу inventory' }), async () => {
  const res = await http('GATEWAY_PORT', { timeoutMs: 10_000 }).get('/stock');
  const truth = await snapshot();
  const body = res.body as StockReport | undefined;
  // The whole report, now: the stock after the orders and every reservation (a report kept from before the orders differs).
  if (res.status === 200 && isStockReport(body) && JSON.stringify(body.stock) === JSON.stringify(truth.stock) && JSON.stringify(body.reservations) === JSON.stringify(truth.reservations)) return;
  throw await diagnose<Wire>(detectors, { kind: 'stock-relay', status: res.status, body: res.body }, {
    expected: say({
      en: `GET /stock should return the inventory service's current reply to { cmd: 'stock' }, asked each time: its stock is now ${JSON.stringify(truth.stock)}, with ${truth.reservations.length} reservations`,
      uk: `GET /stock має повертати поточну відповідь сервісу inventory на { cmd: 'stock' }, запитану щоразу: залишки зараз ${JSON.stringify(truth.stock)}, резервувань — ${truth.reservations.length}`,
    }),
    meaning: say({
      en: 'an empty or other body: no reply was waited for (a question needs a request and its reply, subscribed); the report as it was before the orders: the gateway kept an earlier answer instead of asking again',
      uk: 'порожнє чи інше тіло: на відповідь ніхто не чекав (запитання потребує запиту та підписки на його відповідь); звіт, яким він був до замовлень: шлюз зберіг давнішу відповідь замість того, щоб спитати знову',
    }),
  }, res);
});

/** Names a mistake that works on TCP by accident when its shape is in the source; `received` is what the check read. */
async function audit(part: 'handlers' | 'emits', expected: string, received: string): Promise<void> {
  const wire: Wire = { kind: 'source-audit', part };
  if (detect(detectors, sceneOf(exerciseDir(), wire)).length === 0) return;
  throw await diagnose(detectors, wire, { expected }, { received });
}

// Nest dispatches a message to the handler of its pattern whatever its decorator (server.js
// getHandlerByPattern), so a decorator of the wrong kind still runs here: an emit() reaches a
// @MessagePattern handler and a send() is answered by an @EventPattern one. It contradicts the lesson
// and breaks elsewhere (a @MessagePattern takes an event's pattern over from its other handlers; over
// Kafka an event handler never answers, server-kafka.js:182). Behaviour cannot show it; the source can.
test(say({ en: 'each handler has the decorator of its kind of message: @EventPattern for order_created, @MessagePattern for the questions', uk: 'кожен обробник має декоратор свого виду повідомлень: @EventPattern для order_created, @MessagePattern для запитань' }), async () => {
  const declared = ['inventory/inventory.controller.ts', NOTIFICATION_FILE].flatMap((file) =>
    handlersIn(file).map((h) => `${file}:${h.line} @${h.decorator}(${h.pattern.startsWith('{') ? h.pattern : `'${h.pattern}'`}) ${h.method}()`),
  );
  await audit('handlers', say({ en: 'order_created should be handled with @EventPattern and the questions with @MessagePattern', uk: 'order_created має оброблятися через @EventPattern, а запитання — через @MessagePattern' }), declared.join('\n'));
});

// emit() publishes at once, so an emit nobody waits for still delivers here; but when a consumer
// cannot be reached its Observable fails and nobody hears of it: the order is reported queued and
// the event is lost. Behaviour with both consumers up cannot show it; the source can.
test(say({ en: "POST /orders waits for each emit() to be handed over, so a publish that fails is noticed", uk: 'POST /orders чекає, доки кожен emit() передасть подію, тож невдала публікація не минає непоміченою' }), async () => {
  const spots = unawaitedEmits('gateway');
  await audit('emits', say({ en: "Each emit() in the gateway should be awaited through firstValueFrom() or lastValueFrom()", uk: 'На кожен emit() у шлюзі треба чекати через firstValueFrom() або lastValueFrom()' }), spots.map(describeSpot).join('\n'));
});
