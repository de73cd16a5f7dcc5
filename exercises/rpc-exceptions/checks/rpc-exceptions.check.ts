import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, test } from 'vitest';
import { closeClients, eventually, exerciseDir, fail, http, kill, logs, mistake, port, say, send, tcpClient, type HttpResult, type SendResult } from 'learn-nest-micro/harness';

/** What Nest's BaseRpcExceptionFilter sends for anything that is not an RpcException (verbatim). */
const INTERNAL = 'Internal server error';
const NO_HANDLER = 'There is no matching message handler defined in the remote service.';
const CREATE = { cmd: 'booking.create' };
const GET = { cmd: 'booking.get' };

const gateway = http('GATEWAY_PORT');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Every .ts file of one folder of the exercise, comments removed, for diagnosis only. */
function folderSources(folder: string): string {
  const dir = path.join(exerciseDir(), folder);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.ts'));
  } catch {
    return '';
  }
  return names.map((n) => readFileSync(path.join(dir, n), 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/[^\n]*/g, '$1')).join('\n');
}

const serviceSource = (): string => folderSources('bookings-service');
const gatewaySource = (): string => folderSources('gateway');
const USES_VALIDATION_PIPE = /new\s+ValidationPipe\s*\(|\bValidationPipe\b\s*[,)\]]/;
const THROWS_HTTP_EXCEPTION = /throw\s+new\s+(HttpException|BadRequestException|NotFoundException|ConflictException|UnprocessableEntityException|ForbiddenException|InternalServerErrorException)\s*\(/;

async function service() {
  return tcpClient('BOOKINGS_PORT');
}

async function book(data: unknown): Promise<SendResult> {
  return send(await service(), CREATE, data);
}

function codeOf(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}

async function serviceLogLength(): Promise<number> {
  return (await logs('bookings')).length;
}

/** The exception filters of the bookings service: class name, what @Catch lists, whether it is registered. */
function serviceFilters(): Array<{ name: string; catches: string[]; registered: boolean }> {
  const text = serviceSource();
  const filters: Array<{ name: string; catches: string[]; registered: boolean }> = [];
  for (const m of text.matchAll(/@Catch\s*\(([^)]*)\)\s*(?:export\s+)?class\s+(\w+)/g)) {
    const name = m[2];
    const catches = m[1].split(',').map((s) => s.trim()).filter(Boolean);
    const registered = new RegExp(`(useGlobalFilters|UseFilters)\\s*\\([^)]*\\b${name}\\b|provide\\s*:\\s*APP_FILTER[\\s\\S]{0,80}\\b${name}\\b`).test(text);
    filters.push({ name, catches, registered });
  }
  return filters;
}

/**
 * Names the mistake behind an error reply without the expected code. `kind` says what should have
 * produced it: the validation (INVALID_PAYLOAD) or a BookingError of the domain.
 */
async function diagnoseServiceError(r: SendResult, expected: string, kind: 'validation' | 'domain', logOffset: number): Promise<Error> {
  const error = r.error;
  const message = isRecord(error) ? error.message : undefined;
  if (r.errorText === NO_HANDLER) {
    return fail(
      say({
        en: 'The bookings service has no handler for this pattern any more: keep @MessagePattern({ cmd: "booking.create" }) and @MessagePattern({ cmd: "booking.get" }) in bookings.controller.ts.',
        uk: 'Сервіс бронювань більше не має обробника для цього шаблону: залиште @MessagePattern({ cmd: "booking.create" }) і @MessagePattern({ cmd: "booking.get" }) у bookings.controller.ts.',
      }),
      r,
    );
  }
  if (isRecord(error) && error.status === 'error' && message === INTERNAL && codeOf(error) === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fresh = stripAnsi((await logs('bookings')).slice(logOffset));
    // Nest logs every exception it turns into "Internal server error", except the HTTP ones (IntrinsicException).
    const loggedHere = /RpcExceptionsHandler/.test(fresh);
    const text = serviceSource();
    const filters = serviceFilters();
    if (kind === 'domain' && !loggedHere && THROWS_HTTP_EXCEPTION.test(text)) return mistake('http-exception-in-service', { ...r, original: INTERNAL });
    if (kind === 'validation' && !loggedHere && !USES_VALIDATION_PIPE.test(text) && THROWS_HTTP_EXCEPTION.test(text)) return mistake('http-exception-in-service', { ...r, original: INTERNAL });
    const unregistered = filters.find((f) => !f.registered);
    if (filters.length > 0 && filters.every((f) => !f.registered) && unregistered) {
      return mistake('filter-not-registered', { ...r, original: `@Catch(${unregistered.catches.join(', ')}) class ${unregistered.name}` });
    }
    const registered = filters.filter((f) => f.registered);
    // RpcException is what a filter sends, not what is thrown here: a filter catching only it never runs.
    const relevant = /^(BookingError|BadRequestException|HttpException)$/;
    if (registered.length > 0 && registered.every((f) => f.catches.length > 0 && !f.catches.some((c) => relevant.test(c)))) {
      return mistake('filter-catches-wrong-class', { ...r, original: registered.map((f) => `@Catch(${f.catches.join(', ')}) class ${f.name}`).join('; ') });
    }
    if (kind === 'validation' && USES_VALIDATION_PIPE.test(text) && !/exceptionFactory/.test(text)) {
      return mistake('validation-error-not-mapped', { ...r, original: INTERNAL });
    }
    return fail(
      say({
        en: `The bookings service answered "${INTERNAL}", Nest's reply for an exception that is not an RpcException, where the caller needs { code: '${expected}' }.${loggedHere ? ' The service logged the exception (see its log below).' : ' The service logged nothing for it, which Nest does for HTTP exceptions.'}`,
        uk: `Сервіс бронювань відповів «${INTERNAL}» — так Nest відповідає на виняток, що не є RpcException, — а викликачеві потрібно { code: '${expected}' }.${loggedHere ? ' Сервіс записав виняток у журнал (див. нижче).' : ' Сервіс нічого про нього не записав, як Nest і робить для HTTP-винятків.'}`,
      }),
      r,
    );
  }
  if (isRecord(error) && error.status === 'error' && typeof message === 'string' && codeOf(error) === undefined) return mistake('error-without-code', r);
  const got = codeOf(error);
  return fail(
    say({
      en: `The bookings service should answer with an error whose code is '${expected}'${got ? `, not '${got}'` : ''}.`,
      uk: `Сервіс бронювань має відповісти помилкою з кодом '${expected}'${got ? `, а не '${got}'` : ''}.`,
    }),
    r,
  );
}

async function expectServiceError(pattern: unknown, data: unknown, expected: string, kind: 'validation' | 'domain'): Promise<void> {
  const offset = await serviceLogLength();
  const r = await send(await service(), pattern, data);
  if (!r.ok && codeOf(r.error) === expected) return;
  if (r.ok) {
    if (kind === 'validation') {
      const serviceValidates = USES_VALIDATION_PIPE.test(serviceSource());
      if (!serviceValidates && USES_VALIDATION_PIPE.test(gatewaySource())) throw mistake('validation-only-on-gateway', r);
      if (!serviceValidates) throw mistake('validation-pipe-missing', r);
      throw fail(
        say({
          en: 'The bookings service has a ValidationPipe, but it accepted this invalid payload. Is the handler parameter typed with the DTO class (not an interface), and does the pipe reach this handler?',
          uk: 'У сервісі бронювань є ValidationPipe, але він прийняв це недійсне корисне навантаження. Чи має параметр обробника тип класу DTO (а не інтерфейсу) і чи доходить конвеєр до цього обробника?',
        }),
        r,
      );
    }
    throw fail(say({ en: `The bookings service should answer with an error whose code is '${expected}', not with a value.`, uk: `Сервіс бронювань має відповісти помилкою з кодом '${expected}', а не значенням.` }), r);
  }
  throw await diagnoseServiceError(r, expected, kind, offset);
}

// --- the bookings service, asked directly over TCP -------------------------------------------

let firstBookingId = '';

test(say({ en: 'the bookings service books a free room over TCP', uk: 'сервіс бронювань бронює вільний номер через TCP' }), async () => {
  const r = await book({ roomId: '201', guest: 'Ada Lovelace', nights: 3 });
  if (!r.ok) {
    throw fail(
      say({
        en: 'A valid payload should be answered with the booking, not an error. Keep the handlers of bookings.controller.ts calling BookingsService.',
        uk: 'На дійсне корисне навантаження треба відповідати бронюванням, а не помилкою. Залиште виклики BookingsService в обробниках bookings.controller.ts.',
      }),
      r,
    );
  }
  const b = r.value;
  if (!isRecord(b) || typeof b.id !== 'string' || b.roomId !== '201' || b.guest !== 'Ada Lovelace' || b.nights !== 3) {
    throw fail(say({ en: 'The reply should be the booking: { id, roomId: "201", guest: "Ada Lovelace", nights: 3 }.', uk: 'Відповіддю має бути бронювання: { id, roomId: "201", guest: "Ada Lovelace", nights: 3 }.' }), r);
  }
  firstBookingId = b.id;
});

test(say({ en: "the bookings service rejects invalid payloads with code 'INVALID_PAYLOAD' and books nothing", uk: "сервіс бронювань відхиляє недійсні корисні навантаження з кодом 'INVALID_PAYLOAD' і нічого не бронює" }), async () => {
  const invalid: unknown[] = [
    { roomId: '103', guest: 'Alan Turing', nights: 0 },
    { roomId: '103', guest: 'Alan Turing', nights: '2' },
    { roomId: 103, guest: 'Alan Turing', nights: 2 },
    { roomId: '103', nights: 2 },
    { roomId: '103', guest: 'Alan Turing', nights: 15 },
  ];
  for (const data of invalid) await expectServiceError(CREATE, data, 'INVALID_PAYLOAD', 'validation');
  await expectServiceError(GET, {}, 'INVALID_PAYLOAD', 'validation');
  const r = await book({ roomId: '103', guest: 'Alan Turing', nights: 2 });
  if (!r.ok) {
    throw fail(
      say({
        en: 'After the invalid payloads, room 103 should still be free: a rejected message must not reach BookingsService.',
        uk: 'Після недійсних навантажень номер 103 має лишатися вільним: відхилене повідомлення не повинно дійти до BookingsService.',
      }),
      r,
    );
  }
});

test(say({ en: "the bookings service reports domain errors with their codes: ROOM_NOT_FOUND, ROOM_TAKEN, BOOKING_NOT_FOUND", uk: 'сервіс бронювань повідомляє про помилки предметної області їхніми кодами: ROOM_NOT_FOUND, ROOM_TAKEN, BOOKING_NOT_FOUND' }), async () => {
  await expectServiceError(CREATE, { roomId: '999', guest: 'Ada Lovelace', nights: 1 }, 'ROOM_NOT_FOUND', 'domain');
  await expectServiceError(CREATE, { roomId: '201', guest: 'Grace Hopper', nights: 1 }, 'ROOM_TAKEN', 'domain');
  await expectServiceError(GET, { id: 'b-does-not-exist' }, 'BOOKING_NOT_FOUND', 'domain');
  const r = await send(await service(), GET, { id: firstBookingId });
  if (!r.ok || !isRecord(r.value) || r.value.id !== firstBookingId) {
    throw fail(say({ en: `{ cmd: "booking.get" } with the id of a booking (${firstBookingId}) should answer that booking.`, uk: `{ cmd: "booking.get" } з id наявного бронювання (${firstBookingId}) має повернути це бронювання.` }), r);
  }
});

// --- the gateway, with the real bookings service behind it -----------------------------------

async function gatewayLogLength(): Promise<number> {
  return (await logs('gateway')).length;
}

/** Explains a wrong status of the gateway; `offset` is the gateway's log length before the request. */
async function diagnoseGateway(r: HttpResult, expected: number, why: string, offset: number): Promise<Error> {
  if (r.status === 0) {
    return fail(say({ en: `The gateway did not answer (${r.errorText ?? 'no answer'}); it should answer ${expected} ${why}.`, uk: `Шлюз не відповів (${r.errorText ?? 'немає відповіді'}); він має відповісти ${expected}${why}.` }), r);
  }
  if (r.status === 500 && isRecord(r.body) && r.body.message === INTERNAL) {
    const fresh = stripAnsi((await logs('gateway')).slice(offset));
    const original = fresh.split('\n').find((l) => /ERROR/.test(l))?.replace(/^.*?ERROR\s*/, 'ERROR ').trim();
    return mistake('gateway-passes-500', { sent: r.sent, received: r.received, original });
  }
  if (r.status === 500 && isRecord(r.body) && typeof r.body.message === 'string' && r.body.message.startsWith('not mapped yet')) {
    return fail(
      say({
        en: `The gateway now calls toHttpException, which still returns the starter's InternalServerErrorException. Fill it in (gateway/downstream-errors.ts): it should give ${expected} ${why}.`,
        uk: `Шлюз уже викликає toHttpException, але та досі повертає InternalServerErrorException із заготовки. Допишіть її (gateway/downstream-errors.ts): вона має дати ${expected}${why}.`,
      }),
      r,
    );
  }
  return fail(say({ en: `The gateway answered ${r.status}; it should answer ${expected} ${why}.`, uk: `Шлюз відповів ${r.status}; він має відповісти ${expected}${why}.` }), r);
}

async function expectGatewayStatus(request: () => Promise<HttpResult>, expected: number, why: string): Promise<HttpResult> {
  const offset = await gatewayLogLength();
  const r = await request();
  if (r.status !== expected) throw await diagnoseGateway(r, expected, why, offset);
  return r;
}

test(say({ en: 'the gateway books through the service: POST /bookings answers 201, GET /bookings/:id answers 200', uk: 'шлюз бронює через сервіс: POST /bookings відповідає 201, GET /bookings/:id відповідає 200' }), async () => {
  const created = await expectGatewayStatus(() => gateway.post('/bookings', { roomId: '301', guest: 'Grace Hopper', nights: 2 }), 201, say({ en: 'with the new booking', uk: ' з новим бронюванням' }));
  const id = isRecord(created.body) ? created.body.id : undefined;
  if (typeof id !== 'string') throw fail(say({ en: 'POST /bookings should answer the booking, with its id.', uk: 'POST /bookings має повернути бронювання з його id.' }), created);
  const found = await expectGatewayStatus(() => gateway.get(`/bookings/${id}`), 200, say({ en: 'with that booking', uk: ' з цим бронюванням' }));
  if (!isRecord(found.body) || found.body.roomId !== '301') throw fail(say({ en: `GET /bookings/${id} should answer the booking of room 301.`, uk: `GET /bookings/${id} має повернути бронювання номера 301.` }), found);
});

test(say({ en: 'the gateway maps the service\'s codes: invalid payload 400, unknown room or booking 404, taken room 409', uk: 'шлюз перетворює коди сервісу: недійсне навантаження 400, невідомий номер чи бронювання 404, зайнятий номер 409' }), async () => {
  await expectGatewayStatus(() => gateway.post('/bookings', { roomId: '302', guest: 'Grace Hopper', nights: 0 }), 400, say({ en: 'when the service says INVALID_PAYLOAD', uk: ', коли сервіс каже INVALID_PAYLOAD' }));
  await expectGatewayStatus(() => gateway.post('/bookings', { roomId: '999', guest: 'Grace Hopper', nights: 1 }), 404, say({ en: 'when the service says ROOM_NOT_FOUND', uk: ', коли сервіс каже ROOM_NOT_FOUND' }));
  await expectGatewayStatus(() => gateway.post('/bookings', { roomId: '301', guest: 'Alan Turing', nights: 1 }), 409, say({ en: 'when the service says ROOM_TAKEN', uk: ', коли сервіс каже ROOM_TAKEN' }));
  await expectGatewayStatus(() => gateway.get('/bookings/b-does-not-exist'), 404, say({ en: 'when the service says BOOKING_NOT_FOUND', uk: ', коли сервіс каже BOOKING_NOT_FOUND' }));
});

// --- the gateway, with a stand-in for the bookings service (the real one is stopped) ----------

type Behaviour = { reply: unknown } | 'silent';

/** A TCP server speaking Nest's framing (`<length>#<json>`) on BOOKINGS_PORT, answering as told. */
class StandIn {
  behaviour: Behaviour = 'silent';
  received: unknown[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  async listen(): Promise<void> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let buffer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        for (;;) {
          const hash = buffer.indexOf('#');
          if (hash === -1) return;
          const length = Number(buffer.slice(0, hash));
          if (buffer.length - hash - 1 < length) return;
          const packet = JSON.parse(buffer.slice(hash + 1, hash + 1 + length)) as { id?: string; pattern: unknown; data: unknown };
          buffer = buffer.slice(hash + 1 + length);
          this.received.push({ pattern: packet.pattern, data: packet.data });
          if (this.behaviour === 'silent' || packet.id === undefined) continue;
          const json = JSON.stringify({ id: packet.id, err: this.behaviour.reply, isDisposed: true });
          socket.write(`${json.length}#${json}`);
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port('BOOKINGS_PORT'), () => resolve());
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let standIn: StandIn | undefined;

async function replaceServiceWithStandIn(): Promise<StandIn> {
  if (standIn) return standIn;
  await closeClients();
  await kill('bookings');
  standIn = new StandIn();
  await standIn.listen();
  return standIn;
}

afterAll(async () => {
  await standIn?.close();
});

const A_BOOKING = { roomId: '101', guest: 'Ada Lovelace', nights: 1 };

test(say({ en: 'the gateway maps by the error\'s code, whatever its message says', uk: 'шлюз перетворює помилку за її кодом, хоч би що казало її повідомлення' }), async () => {
  const fake = await replaceServiceWithStandIn();
  fake.behaviour = { reply: { code: 'ROOM_TAKEN', message: 'Room 101 not found free for those nights' } };
  const taken = await gateway.post('/bookings', A_BOOKING);
  if (taken.status === 404) throw mistake('mapping-by-message', { sent: taken.sent, received: taken.received, original: JSON.stringify(fake.behaviour.reply) });
  if (taken.status !== 409) throw fail(say({ en: `The bookings service answered ${JSON.stringify(fake.behaviour.reply)}: the gateway should answer 409.`, uk: `Сервіс бронювань відповів ${JSON.stringify(fake.behaviour.reply)}: шлюз має відповісти 409.` }), taken);
  fake.behaviour = { reply: { code: 'ROOM_NOT_FOUND', message: 'Номер 101 не існує' } };
  const missing = await gateway.post('/bookings', A_BOOKING);
  if (missing.status !== 404) {
    // The real service's ROOM_NOT_FOUND gave 404 before: only the message differs now.
    throw mistake('mapping-by-message', { sent: missing.sent, received: missing.received, original: JSON.stringify(fake.behaviour.reply) });
  }
});

test(say({ en: 'the gateway answers 502 for a failure of the service that has no known code', uk: 'шлюз відповідає 502 на збій сервісу без відомого коду' }), async () => {
  const fake = await replaceServiceWithStandIn();
  const replies: unknown[] = [{ status: 'error', message: INTERNAL }, { code: 'INVENTORY_LOCKED', message: 'Room inventory is locked' }, NO_HANDLER];
  for (const reply of replies) {
    fake.behaviour = { reply };
    const r = await gateway.post('/bookings', A_BOOKING);
    if (r.status === 502) continue;
    throw fail(
      say({
        en: `The bookings service failed with ${JSON.stringify(reply)}. That is the service's fault, not the client's: the gateway should answer 502 Bad Gateway.`,
        uk: `Сервіс бронювань завершився помилкою ${JSON.stringify(reply)}. Це вина сервісу, а не клієнта: шлюз має відповісти 502 Bad Gateway.`,
      }),
      r,
    );
  }
});

test(say({ en: 'the gateway answers 502 when the bookings service is down', uk: 'шлюз відповідає 502, коли сервіс бронювань не працює' }), async () => {
  const fake = await replaceServiceWithStandIn();
  await fake.close();
  const offset = await gatewayLogLength();
  const r = await gateway.post('/bookings', A_BOOKING);
  if (r.status === 502) return;
  // The gateway's log line may arrive just after its answer.
  const refused =
    r.status === 500
      ? await eventually(async () => stripAnsi((await logs('gateway')).slice(offset)).split('\n').find((l) => /ECONNREFUSED/.test(l))?.trim(), { timeoutMs: 2000 })
      : undefined;
  if (r.status === 500 && refused) throw mistake('service-down-not-502', { sent: r.sent, received: r.received, original: refused });
  throw fail(say({ en: 'Nothing listens on BOOKINGS_PORT now: the gateway should answer 502 Bad Gateway.', uk: 'На BOOKINGS_PORT зараз ніхто не слухає: шлюз має відповісти 502 Bad Gateway.' }), r);
});

test(say({ en: 'the gateway gives up on a service that does not answer: 502 (or 504) within 5 seconds', uk: 'шлюз не чекає вічно на сервіс, що не відповідає: 502 (або 504) за 5 секунд' }), async () => {
  standIn = new StandIn();
  standIn.behaviour = 'silent';
  await standIn.listen();
  const before = standIn.received.length;
  const r = await http('GATEWAY_PORT', { timeoutMs: 5000 }).post('/bookings', A_BOOKING);
  if (r.status === 502 || r.status === 504) return;
  if (r.status === 0 && standIn.received.length > before) {
    throw mistake('no-timeout', { sent: r.sent, received: r.received, original: say({ en: `the bookings service received ${JSON.stringify(standIn.received[standIn.received.length - 1])} and did not answer`, uk: `сервіс бронювань отримав ${JSON.stringify(standIn.received[standIn.received.length - 1])} і не відповів` }) });
  }
  throw fail(say({ en: 'The bookings service accepted the request and never answered: within 5 seconds the gateway should answer 502 (or 504 Gateway Timeout).', uk: 'Сервіс бронювань прийняв запит і не відповів: за 5 секунд шлюз має відповісти 502 (або 504 Gateway Timeout).' }), r);
});
