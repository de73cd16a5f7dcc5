import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, test } from 'vitest';
import { closeClients, diagnose, eventually, fail, http, kill, logs, port, say, send, stripColours, tcpClient, type HttpResult, type SendResult } from 'learn-nest-micro/harness';
import { detectors, type Wire } from './diagnoses';

/** What Nest's BaseRpcExceptionFilter sends for anything that is not an RpcException (verbatim). */
const INTERNAL = 'Internal server error';
const NO_HANDLER = 'There is no matching message handler defined in the remote service.';
const CREATE = { cmd: 'booking.create' };
const GET = { cmd: 'booking.get' };

const gateway = http('GATEWAY_PORT');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function service() {
  return tcpClient('BOOKINGS_PORT');
}

async function book(data: unknown): Promise<SendResult> {
  return send(await service(), CREATE, data);
}

function codeOf(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}

/** The booking a reply should be: every field the exercise names, and an id. */
function isBooking(value: unknown, expected: { roomId: string; guest: string; nights: number }): value is { id: string } {
  return isRecord(value) && typeof value.id === 'string' && value.id !== '' && value.roomId === expected.roomId && value.guest === expected.guest && value.nights === expected.nights;
}

async function serviceLogLength(): Promise<number> {
  return (await logs('bookings')).length;
}

/** What a wrong reply of the service can mean, for each kind of reply, naming no cause. */
function serviceMeaning(reply: Extract<Wire, { kind: 'service-reply' }>['reply'], logged: boolean): string {
  switch (reply) {
    case 'value':
      return say({
        en: 'the payload reached the handler unchecked: nothing validates it in the bookings service, or the validation does not reach this handler (a parameter typed with an interface, a pipe on another handler only)',
        uk: 'корисне навантаження дійшло до обробника неперевіреним: у сервісі бронювань його ніщо не перевіряє, або перевірка не доходить до цього обробника (параметр типізовано інтерфейсом, pipe лише на іншому обробнику)',
      });
    case 'internal':
      return say({
        en: `"${INTERNAL}" is Nest's reply for an exception that is not an RpcException: the exception reached Nest's default filter untranslated (no filter registered for it, a filter whose @Catch does not name its class, an HTTP exception thrown in the microservice, a filter that passes it on unchanged). ${logged ? 'The service logged it (see its log).' : 'The service logged nothing for it, which Nest does for HTTP exceptions.'}`,
        uk: `«${INTERNAL}» — так Nest відповідає на виняток, що не є RpcException: виняток дійшов до типового фільтра Nest неперекладеним (для нього не зареєстровано фільтр, @Catch фільтра не називає його клас, у мікросервісі кинуто HTTP-виняток, фільтр передає його далі без змін). ${logged ? 'Сервіс записав його в журнал (див. журнал).' : 'Сервіс нічого про нього не записав, як Nest і робить для HTTP-винятків.'}`,
      });
    case 'message-only':
      return say({
        en: "an error with a message and no code: an RpcException built from a string (Nest wraps it into { status: 'error', message }), or an error object without its code",
        uk: "помилка з повідомленням, але без коду: RpcException, створений із рядка (Nest загортає його в { status: 'error', message }), або обʼєкт помилки без коду",
      });
    case 'other-code':
      return say({
        en: 'the service sent a code, but not the one for this case: the translation picks the code from the wrong place, or a different exception was thrown first',
        uk: 'сервіс надіслав код, але не той, що відповідає цьому випадку: переклад бере код не звідти, або першим було кинуто інший виняток',
      });
  }
}

/** Asks the service; anything but an error with the `expected` code fails, named when a detector can. */
async function expectServiceError(pattern: unknown, data: unknown, expected: string, kind: 'validation' | 'domain'): Promise<void> {
  const offset = await serviceLogLength();
  const r = await send(await service(), pattern, data);
  if (!r.ok && codeOf(r.error) === expected) return;
  if (r.errorText === NO_HANDLER) {
    throw fail(
      say({
        en: 'The bookings service has no handler for this pattern any more: keep @MessagePattern({ cmd: "booking.create" }) and @MessagePattern({ cmd: "booking.get" }) in bookings.controller.ts.',
        uk: 'Сервіс бронювань більше не має обробника для цього шаблону: залиште @MessagePattern({ cmd: "booking.create" }) і @MessagePattern({ cmd: "booking.get" }) у bookings.controller.ts.',
      }),
      r,
    );
  }
  const error = r.error;
  const message = isRecord(error) ? error.message : undefined;
  const reply: Extract<Wire, { kind: 'service-reply' }>['reply'] = r.ok
    ? 'value'
    : codeOf(error) !== undefined
      ? 'other-code'
      : message === INTERNAL
        ? 'internal'
        : typeof message === 'string'
          ? 'message-only'
          : 'other-code';
  let logged = false;
  if (reply === 'internal') {
    // Nest logs every exception it turns into "Internal server error", except the HTTP ones (IntrinsicException).
    await new Promise((resolve) => setTimeout(resolve, 200));
    logged = /RpcExceptionsHandler/.test(stripColours((await logs('bookings')).slice(offset)));
  }
  const got = codeOf(error);
  throw await diagnose<Wire>(
    detectors,
    { kind: 'service-reply', case: kind, reply, logged },
    {
      expected: say({
        en: `The bookings service should answer with an error whose code is '${expected}'${r.ok ? ', not with a value' : got ? `, not '${got}'` : ''}.`,
        uk: `Сервіс бронювань має відповісти помилкою з кодом '${expected}'${r.ok ? ', а не значенням' : got ? `, а не '${got}'` : ''}.`,
      }),
      meaning: serviceMeaning(reply, logged),
    },
    r,
  );
}

// --- the bookings service, asked directly over TCP -------------------------------------------

const FIRST = { roomId: '201', guest: 'Ada Lovelace', nights: 3 };
let firstBookingId = '';
const bookingIds: string[] = [];

test(say({ en: 'the bookings service books a free room over TCP', uk: 'сервіс бронювань бронює вільний номер через TCP' }), async () => {
  const r = await book(FIRST);
  if (!r.ok) {
    throw fail(
      say({
        en: 'A valid payload should be answered with the booking, not an error. Keep the handlers of bookings.controller.ts calling BookingsService.',
        uk: 'На дійсне корисне навантаження треба відповідати бронюванням, а не помилкою. Залиште виклики BookingsService в обробниках bookings.controller.ts.',
      }),
      r,
    );
  }
  if (!isBooking(r.value, FIRST)) {
    throw fail(say({ en: 'The reply should be the booking: { id, roomId: "201", guest: "Ada Lovelace", nights: 3 }.', uk: 'Відповіддю має бути бронювання: { id, roomId: "201", guest: "Ada Lovelace", nights: 3 }.' }), r);
  }
  firstBookingId = r.value.id;
  bookingIds.push(firstBookingId);
});

test(say({ en: "the bookings service rejects invalid payloads with code 'INVALID_PAYLOAD' and books nothing", uk: "сервіс бронювань відхиляє недійсні корисні навантаження з кодом 'INVALID_PAYLOAD' і нічого не бронює" }), async () => {
  const invalid: unknown[] = [
    { roomId: '103', guest: 'Alan Turing', nights: 0 },
    { roomId: '103', guest: 'Alan Turing', nights: '2' },
    { roomId: 103, guest: 'Alan Turing', nights: 2 },
    { roomId: '103', nights: 2 },
    { roomId: '103', guest: 'Alan Turing', nights: 15 },
    { roomId: '103', guest: 'Alan Turing', nights: 1.5 },
    { roomId: '103', guest: '', nights: 2 },
  ];
  for (const data of invalid) await expectServiceError(CREATE, data, 'INVALID_PAYLOAD', 'validation');
  await expectServiceError(GET, {}, 'INVALID_PAYLOAD', 'validation');
  await expectServiceError(GET, { id: 42 }, 'INVALID_PAYLOAD', 'validation');
  const valid = { roomId: '103', guest: 'Alan Turing', nights: 2 };
  const r = await book(valid);
  if (!r.ok || !isBooking(r.value, valid)) {
    throw fail(
      say({
        en: 'After the invalid payloads, room 103 should still be free and booked by a valid payload: a rejected message must not reach BookingsService.',
        uk: 'Після недійсних навантажень номер 103 має лишатися вільним і бронюватися дійсним навантаженням: відхилене повідомлення не повинно дійти до BookingsService.',
      }),
      r,
    );
  }
  bookingIds.push(r.value.id);
});

test(say({ en: "the bookings service reports domain errors with their codes: ROOM_NOT_FOUND, ROOM_TAKEN, BOOKING_NOT_FOUND", uk: 'сервіс бронювань повідомляє про помилки предметної області їхніми кодами: ROOM_NOT_FOUND, ROOM_TAKEN, BOOKING_NOT_FOUND' }), async () => {
  await expectServiceError(CREATE, { roomId: '999', guest: 'Ada Lovelace', nights: 1 }, 'ROOM_NOT_FOUND', 'domain');
  await expectServiceError(CREATE, { roomId: '201', guest: 'Grace Hopper', nights: 1 }, 'ROOM_TAKEN', 'domain');
  await expectServiceError(GET, { id: 'b-does-not-exist' }, 'BOOKING_NOT_FOUND', 'domain');
  // After the errors, the booking is still there, every field as booked.
  const r = await send(await service(), GET, { id: firstBookingId });
  if (!r.ok || !isBooking(r.value, FIRST) || r.value.id !== firstBookingId) {
    throw fail(say({ en: `{ cmd: "booking.get" } with the id of a booking (${firstBookingId}) should answer that booking: { id: "${firstBookingId}", roomId: "201", guest: "Ada Lovelace", nights: 3 }.`, uk: `{ cmd: "booking.get" } з id наявного бронювання (${firstBookingId}) має повернути це бронювання: { id: "${firstBookingId}", roomId: "201", guest: "Ada Lovelace", nights: 3 }.` }), r);
  }
});

test(say({ en: 'every room of the hotel can be booked once, each booking with an id of its own', uk: 'кожен номер готелю можна забронювати один раз, і кожне бронювання має власний id' }), async () => {
  // The rooms of bookings.service.ts the other tests leave free (301 is booked through the gateway),
  // with the limits of the DTO: one night, fourteen nights, a guest name of 60 characters.
  const requests = [
    { roomId: '101', guest: 'Katherine Johnson', nights: 1 },
    { roomId: '102', guest: 'Margaret Hamilton', nights: 14 },
    { roomId: '202', guest: 'G'.repeat(60), nights: 2 },
    { roomId: '203', guest: 'Edsger Dijkstra', nights: 5 },
    { roomId: '302', guest: 'Barbara Liskov', nights: 7 },
  ];
  for (const request of requests) {
    const r = await book(request);
    if (!r.ok || !isBooking(r.value, request)) {
      throw fail(say({ en: `Room ${request.roomId} is one of the hotel's rooms and still free: ${JSON.stringify(request)} should be answered with the booking.`, uk: `Номер ${request.roomId} є в готелі й досі вільний: на ${JSON.stringify(request)} треба відповісти бронюванням.` }), r);
    }
    if (bookingIds.includes(r.value.id)) {
      throw fail(say({ en: `The booking of room ${request.roomId} got the id ${r.value.id}, which an earlier booking already has.`, uk: `Бронювання номера ${request.roomId} отримало id ${r.value.id}, який уже має попереднє бронювання.` }), { sent: request, received: { earlier: bookingIds, now: r.value } });
    }
    bookingIds.push(r.value.id);
  }
});

// --- the gateway, with the real bookings service behind it -----------------------------------

type Situation = Extract<Wire, { kind: 'gateway-status' }>['situation'];

async function gatewayLog(offset: number): Promise<string> {
  return stripColours((await logs('gateway')).slice(offset));
}

/** What a wrong status of the gateway can mean, naming no cause. */
function gatewayMeaning(r: HttpResult, situation: Situation): string {
  if (r.status === 0) {
    return say({
      en: 'the gateway is still waiting for the bookings service: nothing limits how long it waits for a reply, or the limit is longer than the check waits',
      uk: 'шлюз досі чекає на сервіс бронювань: ніщо не обмежує, скільки він чекає на відповідь, або обмеження довше, ніж чекає перевірка',
    });
  }
  if (r.status === 500) {
    return say({
      en: "500 is Nest's HTTP answer for an exception that is not an HttpException: the failure of the service reached Nest's HTTP layer untranslated (not caught, caught and rethrown as it was, or the translation itself failed). The gateway's log shows what reached it.",
      uk: '500 — так Nest відповідає по HTTP на виняток, що не є HttpException: збій сервісу дійшов до HTTP-шару Nest неперекладеним (його не перехоплено, перехоплено й кинуто далі як є, або збій стався в самому перекладі). Що саме дійшло, видно в журналі шлюзу.',
    });
  }
  if (situation === 'code-reply' || situation === 'misleading-message') {
    return say({
      en: 'the translation chose another status for this failure: a wrong entry in the table of codes, or a status chosen from something other than the error\'s code',
      uk: 'переклад обрав для цього збою інший статус: хибний запис у таблиці кодів, або статус обрано не за кодом помилки, а за чимось іншим',
    });
  }
  return say({
    en: 'a failure without a known code (another code, "Internal server error", no handler, no connection, no answer) was taken for something else than a failure of the service',
    uk: 'збій без відомого коду (інший код, «Internal server error», немає обробника, немає зʼєднання, немає відповіді) сприйнято не як збій сервісу, а як щось інше',
  });
}

/** Explains a wrong status of the gateway; `offset` is the gateway's log length before the request. */
async function diagnoseGateway(r: HttpResult, situation: Situation, expected: string, offset: number): Promise<Error> {
  if (r.status === 500 && isRecord(r.body) && typeof r.body.message === 'string' && r.body.message.startsWith('not mapped yet')) {
    return fail(
      say({
        en: `The gateway now calls toHttpException, which still returns the starter's InternalServerErrorException. Fill it in (gateway/downstream-errors.ts): ${expected}`,
        uk: `Шлюз уже викликає toHttpException, але та досі повертає InternalServerErrorException із заготовки. Допишіть її (gateway/downstream-errors.ts): ${expected}`,
      }),
      r,
    );
  }
  const internalBody = r.status === 500 && isRecord(r.body) && r.body.message === INTERNAL;
  // The gateway's log line may arrive just after its answer.
  const original =
    r.status === 500 ? await eventually(async () => (await gatewayLog(offset)).split('\n').find((l) => /ERROR/.test(l))?.replace(/^.*?ERROR\s*/, 'ERROR ').trim(), { timeoutMs: 1000 }) : undefined;
  const got = r.status === 0 ? say({ en: `No answer (${r.errorText ?? 'none'}).`, uk: `Немає відповіді (${r.errorText ?? 'жодної'}).` }) : say({ en: `The gateway answered ${r.status}.`, uk: `Шлюз відповів ${r.status}.` });
  return diagnose<Wire>(detectors, { kind: 'gateway-status', situation, status: r.status, internalBody }, { expected: `${got} ${expected}`, meaning: gatewayMeaning(r, situation) }, { sent: r.sent, received: r.received, original });
}

async function gatewayLogLength(): Promise<number> {
  return (await logs('gateway')).length;
}

async function expectGatewayStatus(request: () => Promise<HttpResult>, expected: number[], situation: Situation, why: string): Promise<HttpResult> {
  const offset = await gatewayLogLength();
  const r = await request();
  if (!expected.includes(r.status)) throw await diagnoseGateway(r, situation, why, offset);
  return r;
}

const VIA_GATEWAY = { roomId: '301', guest: 'Grace Hopper', nights: 2 };
let gatewayBookingId = '';

test(say({ en: 'the gateway books through the service: POST /bookings answers 201, GET /bookings/:id answers 200', uk: 'шлюз бронює через сервіс: POST /bookings відповідає 201, GET /bookings/:id відповідає 200' }), async () => {
  const created = await expectGatewayStatus(() => gateway.post('/bookings', VIA_GATEWAY), [201], 'code-reply', say({ en: 'POST /bookings with a free room should answer 201 with the new booking.', uk: 'POST /bookings із вільним номером має відповісти 201 і новим бронюванням.' }));
  if (!isBooking(created.body, VIA_GATEWAY)) throw fail(say({ en: 'POST /bookings should answer the booking: { id, roomId: "301", guest: "Grace Hopper", nights: 2 }.', uk: 'POST /bookings має повернути бронювання: { id, roomId: "301", guest: "Grace Hopper", nights: 2 }.' }), created);
  const id = created.body.id;
  gatewayBookingId = id;
  const found = await expectGatewayStatus(() => gateway.get(`/bookings/${id}`), [200], 'code-reply', say({ en: `GET /bookings/${id} should answer 200 with that booking.`, uk: `GET /bookings/${id} має відповісти 200 і цим бронюванням.` }));
  if (!isBooking(found.body, VIA_GATEWAY) || found.body.id !== id) throw fail(say({ en: `GET /bookings/${id} should answer that booking: { id: "${id}", roomId: "301", guest: "Grace Hopper", nights: 2 }.`, uk: `GET /bookings/${id} має повернути це бронювання: { id: "${id}", roomId: "301", guest: "Grace Hopper", nights: 2 }.` }), found);
});

test(say({ en: 'the gateway maps the service\'s codes: invalid payload 400, unknown room or booking 404, taken room 409', uk: 'шлюз перетворює коди сервісу: недійсне навантаження 400, невідомий номер чи бронювання 404, зайнятий номер 409' }), async () => {
  const when = (code: string, status: number) => say({ en: `When the service says ${code}, it should answer ${status}.`, uk: `Коли сервіс каже ${code}, він має відповісти ${status}.` });
  const invalid = await expectGatewayStatus(() => gateway.post('/bookings', { roomId: '302', guest: 'Grace Hopper', nights: 0 }), [400], 'code-reply', when('INVALID_PAYLOAD', 400));
  await expectGatewayStatus(() => gateway.post('/bookings', { roomId: '999', guest: 'Grace Hopper', nights: 1 }), [404], 'code-reply', when('ROOM_NOT_FOUND', 404));
  await expectGatewayStatus(() => gateway.post('/bookings', { roomId: '301', guest: 'Alan Turing', nights: 1 }), [409], 'code-reply', when('ROOM_TAKEN', 409));
  await expectGatewayStatus(() => gateway.get('/bookings/b-does-not-exist'), [404], 'code-reply', when('BOOKING_NOT_FOUND', 404));
  // Nest's HTTP exceptions carry their status in the body too.
  if (!isRecord(invalid.body) || invalid.body.statusCode !== 400) {
    throw fail(say({ en: 'The 400 should have the body of an HTTP exception, with statusCode: 400.', uk: 'Відповідь 400 має мати тіло HTTP-винятку зі statusCode: 400.' }), invalid);
  }
  // After the errors, the gateway still answers a booking that exists.
  const again = await expectGatewayStatus(() => gateway.get(`/bookings/${gatewayBookingId}`), [200], 'code-reply', say({ en: `After those errors, GET /bookings/${gatewayBookingId} should still answer 200 with the booking.`, uk: `Після цих помилок GET /bookings/${gatewayBookingId} має й далі відповідати 200 і бронюванням.` }));
  if (!isBooking(again.body, VIA_GATEWAY)) throw fail(say({ en: `GET /bookings/${gatewayBookingId} should answer the booking of room 301.`, uk: `GET /bookings/${gatewayBookingId} має повернути бронювання номера 301.` }), again);
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
const BAD_GATEWAY = say({ en: 'A failure of the service without a known code should be answered 502 Bad Gateway.', uk: 'На збій сервісу без відомого коду треба відповідати 502 Bad Gateway.' });

test(say({ en: 'the gateway maps by the error\'s code, whatever its message says', uk: 'шлюз перетворює помилку за її кодом, хоч би що казало її повідомлення' }), async () => {
  const fake = await replaceServiceWithStandIn();
  const cases: Array<{ reply: { code: string; message: string }; status: number }> = [
    { reply: { code: 'ROOM_TAKEN', message: 'Room 101 not found free for those nights' }, status: 409 },
    { reply: { code: 'ROOM_NOT_FOUND', message: 'Номер 101 не існує' }, status: 404 },
    { reply: { code: 'INVALID_PAYLOAD', message: 'Room 101 is already booked' }, status: 400 },
  ];
  for (const { reply, status } of cases) {
    fake.behaviour = { reply };
    await expectGatewayStatus(() => gateway.post('/bookings', A_BOOKING), [status], 'misleading-message', say({ en: `The bookings service answered ${JSON.stringify(reply)}: the gateway should answer ${status}, by the code.`, uk: `Сервіс бронювань відповів ${JSON.stringify(reply)}: шлюз має відповісти ${status} — за кодом.` }));
  }
});

test(say({ en: 'the gateway answers 502 for a failure of the service that has no known code, and passes none of its text on', uk: 'шлюз відповідає 502 на збій сервісу без відомого коду й не передає далі його текст' }), async () => {
  const fake = await replaceServiceWithStandIn();
  const replies: unknown[] = [{ status: 'error', message: INTERNAL }, { code: 'INVENTORY_LOCKED', message: 'Room inventory is locked by job 7731' }, NO_HANDLER, { message: 'Stock table corrupted at row 4411' }, { code: 'constructor', message: 'Not one of the four codes' }];
  for (const reply of replies) {
    fake.behaviour = { reply };
    const r = await expectGatewayStatus(() => gateway.post('/bookings', A_BOOKING), [502], 'unknown-failure', say({ en: `The bookings service failed with ${JSON.stringify(reply)}. That is the service's fault, not the client's: the gateway should answer 502 Bad Gateway.`, uk: `Сервіс бронювань завершився помилкою ${JSON.stringify(reply)}. Це вина сервісу, а не клієнта: шлюз має відповісти 502 Bad Gateway.` }));
    const internal = isRecord(reply) && typeof reply.message === 'string' && reply.message !== INTERNAL ? reply.message : undefined;
    if (internal && r.text.includes(internal)) {
      throw fail(
        say({
          en: `The 502 passes the service's own message on ("${internal}"): the service's internal details stay inside. Answer with a message of the gateway's own.`,
          uk: `Відповідь 502 передає далі власне повідомлення сервісу («${internal}»): внутрішні подробиці сервісу мають лишатися всередині. Відповідайте власним повідомленням шлюзу.`,
        }),
        r,
      );
    }
  }
});

test(say({ en: 'the gateway answers 502 when the bookings service is down, and recovers when it is back', uk: 'шлюз відповідає 502, коли сервіс бронювань не працює, і знову працює, коли сервіс повертається' }), async () => {
  const fake = await replaceServiceWithStandIn();
  await fake.close();
  await expectGatewayStatus(() => gateway.post('/bookings', A_BOOKING), [502], 'service-down', say({ en: 'Nothing listens on BOOKINGS_PORT now: the gateway should answer 502 Bad Gateway.', uk: 'На BOOKINGS_PORT зараз ніхто не слухає: шлюз має відповісти 502 Bad Gateway.' }));
  // The service is back: the gateway's next request reaches it.
  fake.behaviour = { reply: { code: 'ROOM_TAKEN', message: 'Room 101 is already booked' } };
  await fake.listen();
  await expectGatewayStatus(() => gateway.post('/bookings', A_BOOKING), [409], 'code-reply', say({ en: 'The bookings service is listening again and answers ROOM_TAKEN: the gateway should reach it again and answer 409.', uk: 'Сервіс бронювань знову слухає й відповідає ROOM_TAKEN: шлюз має знову до нього дістатися й відповісти 409.' }));
});

/** The gateway waits for an answer 2 seconds: not much less (a slow service is not a dead one), not forever. */
const REPLY_LIMIT_MS = 2000;

test(say({ en: 'the gateway gives up on a service that does not answer: 502 (or 504) after 2 seconds, and serves the next request', uk: 'шлюз не чекає вічно на сервіс, що не відповідає: 502 (або 504) через 2 секунди, а наступний запит обслуговує' }), async () => {
  const fake = await replaceServiceWithStandIn();
  fake.behaviour = 'silent';
  const before = fake.received.length;
  const offset = await gatewayLogLength();
  const started = Date.now();
  const r = await http('GATEWAY_PORT', { timeoutMs: 4500 }).post('/bookings', A_BOOKING);
  const waited = Date.now() - started;
  if (r.status !== 502 && r.status !== 504) {
    if (fake.received.length === before) throw fail(say({ en: 'The stand-in on BOOKINGS_PORT received nothing from the gateway.', uk: 'Замінник на BOOKINGS_PORT нічого не отримав від шлюзу.' }), r);
    throw await diagnoseGateway(
      r,
      'silent',
      say({
        en: `The bookings service received ${JSON.stringify(fake.received[fake.received.length - 1])} and never answered: within ${REPLY_LIMIT_MS / 1000} seconds the gateway should answer 502 (or 504 Gateway Timeout).`,
        uk: `Сервіс бронювань отримав ${JSON.stringify(fake.received[fake.received.length - 1])} і не відповів: за ${REPLY_LIMIT_MS / 1000} секунди шлюз має відповісти 502 (або 504 Gateway Timeout).`,
      }),
      offset,
    );
  }
  if (waited < REPLY_LIMIT_MS * 0.75) {
    throw fail(
      say({
        en: `The gateway gave up after ${waited} ms: it should wait ${REPLY_LIMIT_MS / 1000} seconds for the bookings service (a slow answer is not a failure).`,
        uk: `Шлюз здався через ${waited} мс: він має чекати на сервіс бронювань ${REPLY_LIMIT_MS / 1000} секунди (повільна відповідь — ще не збій).`,
      }),
      r,
    );
  }
  // The stand-in answers again: the gateway is not stuck on the request it gave up on.
  fake.behaviour = { reply: { code: 'ROOM_TAKEN', message: 'Room 101 is already booked' } };
  await expectGatewayStatus(() => gateway.post('/bookings', A_BOOKING), [409], 'code-reply', say({ en: 'After a request it gave up on, the gateway should serve the next one: the service answers ROOM_TAKEN, so 409.', uk: 'Після запиту, на який шлюз не дочекався відповіді, він має обслужити наступний: сервіс відповідає ROOM_TAKEN, отже 409.' }));
});
