import { randomBytes } from 'node:crypto';
import { afterAll, test } from 'vitest';
import { eventually, fail, http, logs, mistake, pid, send, source, tcpClient, type HttpResult } from 'learn-nest-micro/harness';

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

const GATEWAY_FILE = 'gateway/orders.controller.ts';
const NOTIFICATION_FILE = 'notification/notification.controller.ts';
const run = randomBytes(3).toString('hex');
const orders: Order[] = [
  { orderId: `order-${run}-1`, item: 'book', quantity: 2 },
  { orderId: `order-${run}-2`, item: 'pen', quantity: 3 },
  { orderId: `order-${run}-3`, item: 'mug', quantity: 1 },
];
let initialStock: Record<string, number> = {};
let placed: Placed[] = [];

// `.send('order_created', ...)` in the gateway: request-response used for the event.
const sendsTheEvent = () => /\.send\s*(<[^>]*>)?\(\s*['"`]order_created['"`]/.test(source(GATEWAY_FILE));
const messagePatternOnEvent = () => /@MessagePattern\(\s*['"`]order_created['"`]/.test(source(NOTIFICATION_FILE));
const emitsTheQuery = () => /\.emit\s*(<[^>]*>)?\(\s*\{\s*cmd\s*:\s*['"`]stock['"`]/.test(source(GATEWAY_FILE));

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
  if (!stock.ok || !isStockReport(stock.value)) throw fail("The inventory service stopped answering { cmd: 'stock' } with its stock report.", stock);
  if (!notes.ok || !Array.isArray(notes.value)) throw fail("The notification service stopped answering { cmd: 'notifications' } with its list.", notes);
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
  const at = (t: number | null | undefined) => (t == null ? 'not finished' : `+${t - p.sentAt} ms`);
  return [
    `gateway answered ${at(p.answeredAt)}`,
    `inventory finished ${at(reservationsOf(s, p.order)[0]?.finishedAt)}`,
    `email finished ${at(notificationsOf(s, p.order, 'email')[0]?.finishedAt)}`,
  ].join(', ');
}

test("the consumers answer { cmd: 'stock' } and { cmd: 'notifications' }", async () => {
  const stock = await send<StockReport>(await tcpClient('INVENTORY_PORT'), { cmd: 'stock' }, {}, { timeoutMs: 8000 });
  if (!stock.ok && /no matching message handler/.test(stock.errorText)) {
    throw fail("The inventory service has no handler for { cmd: 'stock' }: InventoryController.stock() needs the decorator that makes a method answer requests, with that pattern.", stock);
  }
  if (!stock.ok || !isStockReport(stock.value)) throw fail("{ cmd: 'stock' } should reply with the inventory's stock report ({ stock, reservations }).", stock);
  initialStock = stock.value.stock;

  const notes = await send<Notification[]>(await tcpClient('NOTIFICATION_PORT'), { cmd: 'notifications' }, {}, { timeoutMs: 8000 });
  if (!notes.ok && /no matching message handler/.test(notes.errorText)) {
    throw fail("The notification service has no handler for { cmd: 'notifications' }: NotificationController.list() needs the decorator that makes a method answer requests, with that pattern.", notes);
  }
  if (!notes.ok || !Array.isArray(notes.value)) throw fail("{ cmd: 'notifications' } should reply with the list of notifications sent.", notes);
});

test("POST /orders answers { status: 'queued' } without waiting for the consumers", async () => {
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
    const body = res.body as { status?: unknown } | undefined;
    if (res.status >= 200 && res.status < 300 && body?.status === 'queued') continue;
    if (res.status >= 500 && sendsTheEvent()) {
      const lines = await logLines('gateway');
      const original = lines.filter((l) => /ExceptionsHandler|no elements in sequence/.test(l)).map((l) => l.trim()).slice(0, 2).join(' … ');
      throw mistake('send-for-event', { sent: res.sent, received: res.received, original: original || undefined });
    }
    throw fail("POST /orders should answer at once with a 2xx status and { status: 'queued' }.", res);
  }

  const late = placed.filter((p) => p.answeredAt >= resumedAt);
  if (late.length === 0) return;
  // Answered only after the consumers were resumed: did the answer wait for their work?
  const s = await waitUntilFinished();
  for (const p of late) {
    const ends = [...reservationsOf(s, p.order), ...notificationsOf(s, p.order, 'email')].map((r) => r.finishedAt);
    if (!ends.some((end) => end != null && end <= p.answeredAt)) continue;
    const evidence = {
      sent: `POST /orders ${JSON.stringify(p.order)}${paused ? ' while both consumers were paused' : ''}`,
      received: `${p.res.received}, ${paused ? 'only after they were resumed' : 'late'} (${timeline(p, s)})`,
    };
    if (sendsTheEvent()) throw mistake('send-for-event', evidence);
    throw fail('The gateway answered only after a consumer had finished its work: it must not wait for the event to be handled.', evidence);
  }
});

test('both consumers receive every order_created event', async () => {
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
    sent: `POST /orders x${orders.length}, then waited 8 s`,
    received: `inventory reserved: [${s.reservations.map((r) => r.orderId).join(', ')}]; notifications: [${s.notifications.map((n) => `${n.channel}:${n.orderId}`).join(', ')}]`,
  };

  if (!inventoryGot && !emailGot && !pushGot) {
    if (sendsTheEvent()) throw mistake('send-not-subscribed', evidence);
    throw fail("Neither consumer received 'order_created' within 8 s: POST /orders must emit the event (with the order as its payload) to both services.", evidence);
  }
  const silent = !inventoryGot ? 'inventory' : !emailGot && !pushGot ? 'notification' : undefined;
  if (silent) {
    const noHandler = (await logLines(silent)).find((l) => /no matching event handler/.test(l));
    if (noHandler) {
      throw fail(`The ${silent} service received 'order_created' but has no handler for it: its handler needs the event decorator with exactly that pattern.`, {
        ...evidence,
        original: noHandler.trim(),
      });
    }
    throw mistake('one-consumer-wired', evidence);
  }
  if (emailGot !== pushGot) {
    const missing = emailGot ? 'pushToWarehouse' : 'emailCustomer';
    if (messagePatternOnEvent()) throw mistake('message-pattern-for-event', evidence);
    throw fail(`NotificationController.${missing}() never ran: both handlers of 'order_created' need the event decorator.`, evidence);
  }
  throw fail('Some orders never reached a consumer: every POST /orders must emit its own order_created event.', evidence);
});

test('each consumer handled each event exactly once', async () => {
  const s = await waitUntilFinished();
  for (const o of orders) {
    const counts = {
      inventory: reservationsOf(s, o).length,
      email: notificationsOf(s, o, 'email').length,
      push: notificationsOf(s, o, 'push').length,
    };
    if (Object.values(counts).some((n) => n !== 1)) {
      throw fail(`Order ${o.orderId} should be handled once by each handler.`, {
        sent: `POST /orders ${JSON.stringify(o)} (once)`,
        received: `handled: inventory x${counts.inventory}, email x${counts.email}, push x${counts.push}`,
      });
    }
    const expected = (initialStock[o.item] ?? 0) - o.quantity;
    if (s.stock[o.item] !== expected) {
      throw fail(`The stock of ${o.item} should have dropped by ${o.quantity} exactly.`, {
        sent: `POST /orders ${JSON.stringify(o)}`,
        received: `stock of ${o.item}: ${initialStock[o.item]} before, ${s.stock[o.item]} after (expected ${expected})`,
      });
    }
  }
});

test("GET /stock on the gateway returns the inventory service's reply", async () => {
  const res = await http('GATEWAY_PORT', { timeoutMs: 10_000 }).get('/stock');
  const truth = await snapshot();
  const body = res.body as StockReport | undefined;
  if (res.status === 200 && isStockReport(body) && JSON.stringify(body.stock) === JSON.stringify(truth.stock)) return;
  if (emitsTheQuery()) throw mistake('emit-for-query', res);
  throw fail("GET /stock should return the reply of { cmd: 'stock' } from the inventory service ({ stock, reservations }).", res);
});
