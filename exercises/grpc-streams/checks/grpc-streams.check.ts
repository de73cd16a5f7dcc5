import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { diagnose, exerciseDir, fail, http, kill, logs, port, say, start, stripColours } from 'learn-nest-micro/harness';
import { detectors, type Rpc, type Wire } from './diagnoses';

// The learner's services, reached the way any gRPC client in any language would: @grpc/grpc-js with
// the learner's own proto/math.proto, field names exactly as written in the proto (keepCase: true).

type Reply = Record<string, unknown>;
interface CallError {
  code: number;
  details: string;
  message: string;
}
interface UnaryResult {
  ok: boolean;
  value?: Reply;
  error?: CallError;
}
interface StreamResult {
  items: Reply[];
  ended: boolean;
  error?: CallError;
}
interface Evidence {
  sent: unknown;
  received: unknown;
  errorText?: string;
}
type GrpcClient = grpc.Client & Record<string, (...args: unknown[]) => any>;

const CALL_TIMEOUT_MS = 8000;
// Squares sends one square every 100 ms: a producer that ignores the cancel logs about seven in this time.
const SETTLE_MS = 700;

let client: GrpcClient;

beforeAll(() => {
  client = createClient();
});

afterAll(() => {
  client?.close();
});

test(say({ en: 'Sum answers the total of the values', uk: 'Sum відповідає сумою значень' }), async () => {
  const sent = { values: [1, 2, 3, 4] };
  const r = await unary('Sum', sent);
  if (!r.ok) throw await diagnoseCallError('Sum', sent, r.error!);
  if (r.value!.running_total !== 10) {
    throw await diagnose<Wire>(
      detectors,
      { kind: 'sum-reply', reply: r.value! },
      {
        expected: say({ en: 'Sum of [1, 2, 3, 4] should answer { running_total: 10 }', uk: 'Sum для [1, 2, 3, 4] має відповісти { running_total: 10 }' }),
        meaning: say({
          en: 'a missing running_total reads 0 here: the field name differs from the proto (keepCase, or runningTotal written by hand); any other number is the sum itself',
          uk: 'відсутнє running_total тут читається як 0: назва поля не збігається з proto (keepCase або runningTotal, написане вручну); будь-яке інше число — це вже помилка в самій сумі',
        }),
      },
      { sent, received: r.value },
    );
  }
});

test(say({ en: 'Sum of no values answers 0', uk: 'Sum без значень відповідає 0' }), async () => {
  const sent = { values: [] };
  const r = await unary('Sum', sent);
  if (!r.ok) throw await diagnoseCallError('Sum', sent, r.error!, { emptyRequest: true });
  if (r.value!.running_total !== 0) throw fail(say({ en: 'Sum of [] should answer { running_total: 0 }', uk: 'Sum для [] має відповісти { running_total: 0 }' }), { sent, received: r.value });
});

// Boundaries and a second call: 0 is not negative, and a second Sum must not reuse the first one's answer.
test(say({ en: 'Sum and Squares take 0 like any other number (only negative numbers are rejected)', uk: 'Sum і Squares приймають 0, як і будь-яке інше число (відхиляються лише відʼємні)' }), async () => {
  const sent = { values: [0, 5] };
  const r = await unary('Sum', sent);
  if (!r.ok && r.error!.code === grpc.status.INVALID_ARGUMENT) throw fail(say({ en: 'Sum rejected [0, 5]: 0 is not a negative number', uk: 'Sum відхилив [0, 5]: 0 не є відʼємним числом' }), { sent, errorText: r.error!.message });
  if (!r.ok) throw await diagnoseCallError('Sum', sent, r.error!);
  if (r.value!.running_total !== 5) throw fail(say({ en: 'Sum of [0, 5] should answer { running_total: 5 }', uk: 'Sum для [0, 5] має відповісти { running_total: 5 }' }), { sent, received: r.value });
  const s = await serverStream(sent);
  if (s.error) {
    if (s.error.code === grpc.status.INVALID_ARGUMENT) throw fail(say({ en: 'Squares rejected [0, 5]: 0 is not a negative number', uk: 'Squares відхилив [0, 5]: 0 не є відʼємним числом' }), { sent, errorText: s.error.message });
    throw await diagnoseCallError('Squares', sent, s.error, { items: s.items });
  }
  if (JSON.stringify(values(s.items)) !== JSON.stringify([0, 25])) throw fail(say({ en: 'Squares of [0, 5] should stream 0, 25', uk: 'Squares для [0, 5] має надіслати потоком 0, 25' }), { sent, received: values(s.items) });
});

test(say({ en: 'Sum rejects a negative number with INVALID_ARGUMENT', uk: 'Sum відхиляє відʼємне число зі статусом INVALID_ARGUMENT' }), async () => {
  const sent = { values: [5, -2, 1] };
  const r = await unary('Sum', sent);
  if (r.ok) throw fail(say({ en: 'Sum of [5, -2, 1] should fail with status 3 INVALID_ARGUMENT, but it answered', uk: 'Sum для [5, -2, 1] має завершитися помилкою зі статусом 3 INVALID_ARGUMENT, але відповів' }), { sent, received: r.value });
  if (r.error!.code !== grpc.status.INVALID_ARGUMENT) throw await diagnoseCallError('Sum', sent, r.error!);
});

test(say({ en: 'Squares streams the squares in order, then ends the stream', uk: 'Squares надсилає квадрати потоком по порядку, а потім закінчує потік' }), async () => {
  const sent = { values: [1, 2, 3, 7] };
  const r = await serverStream(sent);
  if (r.error) throw await diagnoseCallError('Squares', sent, r.error, { items: r.items });
  const received = values(r.items);
  if (!r.ended) throw fail(say({ en: 'Squares did not end its stream (complete the Observable after the last square)', uk: 'Squares не закінчив свій потік (завершіть Observable після останнього квадрата)' }), { sent, received });
  if (JSON.stringify(received) !== JSON.stringify([1, 4, 9, 49])) {
    throw fail(say({ en: 'Squares of [1, 2, 3, 7] should stream 1, 4, 9, 49: one message per square, in order', uk: 'Squares для [1, 2, 3, 7] має надіслати потоком 1, 4, 9, 49: по одному повідомленню на квадрат, по порядку' }), { sent, received });
  }
});

test(say({ en: 'Squares of no values is an empty stream that ends', uk: 'Squares без значень — це порожній потік, який закінчується' }), async () => {
  const sent = { values: [] };
  const r = await serverStream(sent);
  if (r.error) throw await diagnoseCallError('Squares', sent, r.error, { items: r.items, emptyRequest: true });
  if (r.items.length > 0) throw fail(say({ en: 'Squares of [] should send nothing', uk: 'Squares для [] не має нічого надсилати' }), { sent, received: values(r.items) });
  if (!r.ended) throw fail(say({ en: 'Squares of [] should end its stream at once', uk: 'Squares для [] має одразу закінчити свій потік' }), { sent, received: [] });
});

test(say({ en: 'Squares rejects a negative number with INVALID_ARGUMENT before sending anything', uk: 'Squares відхиляє відʼємне число зі статусом INVALID_ARGUMENT, нічого не надіславши' }), async () => {
  const sent = { values: [2, -3] };
  const r = await serverStream(sent);
  const received = values(r.items);
  if (!r.error) throw fail(say({ en: 'Squares of [2, -3] should fail with status 3 INVALID_ARGUMENT', uk: 'Squares для [2, -3] має завершитися помилкою зі статусом 3 INVALID_ARGUMENT' }), { sent, received });
  if (r.error.code !== grpc.status.INVALID_ARGUMENT) throw await diagnoseCallError('Squares', sent, r.error, { items: r.items });
  if (received.length > 0) throw fail(say({ en: 'Squares should reject [2, -3] before sending any square', uk: 'Squares має відхилити [2, -3], не надіславши жодного квадрата' }), { sent, received });
});

test(say({ en: 'cancelling Squares stops the math service from producing more squares', uk: 'скасування Squares зупиняє математичний сервіс: нових квадратів він більше не рахує' }), async () => {
  const sent = { values: Array.from({ length: 40 }, (_, i) => i + 1) };
  const before = (await sendingLines()).length;
  const call = client.Squares(sent) as grpc.ClientReadableStream<Reply>;
  const received: number[] = [];
  const outcome = await new Promise<'cancelled' | 'ended' | CallError>((resolve) => {
    const timer = setTimeout(() => resolve({ code: -1, details: 'no answer', message: say({ en: `no square arrived within ${CALL_TIMEOUT_MS} ms`, uk: `жоден квадрат не надійшов за ${CALL_TIMEOUT_MS} мс` }) }), CALL_TIMEOUT_MS);
    call.on('data', (square: Reply) => {
      received.push(Number(square.value));
      if (received.length === 3) {
        call.cancel();
        clearTimeout(timer);
        resolve('cancelled');
      }
    });
    call.on('error', (err: grpc.ServiceError) => {
      clearTimeout(timer);
      if (err.code !== grpc.status.CANCELLED) resolve(callError(err));
    });
    call.on('end', () => {
      clearTimeout(timer);
      resolve('ended');
    });
  });
  if (typeof outcome === 'object') throw fail(say({ en: `Squares of 1..40 failed: ${outcome.message}`, uk: `Squares для 1..40 завершився помилкою: ${outcome.message}` }), { sent, received, errorText: outcome.message });
  if (outcome === 'ended') {
    throw fail(say({ en: 'Squares of 1..40 ended after fewer than 3 squares; it should stream all 40, one every 100 ms', uk: 'Squares для 1..40 закінчився, надіславши менше ніж 3 квадрати; він має надіслати потоком усі 40, по одному кожні 100 мс' }), { sent, received });
  }
  // Two readings, 700 ms (seven squares) apart, once the lines written before the cancel have arrived:
  // on a busy machine the cancel and the logs take a while, so wait until the count holds still for
  // 500 ms (a producer that ignores the cancel holds still only once all 40 are sent; at most 5 s).
  const logged = async () => (await sendingLines()).length - before;
  let settled = await logged();
  for (const givingUpAt = Date.now() + 5000; Date.now() < givingUpAt; ) {
    await sleep(500);
    const now = await logged();
    if (now === settled) break;
    settled = now;
  }
  await sleep(SETTLE_MS);
  const later = await logged();
  const evidence = {
    sent,
    received: { squaresBeforeCancel: received, sendingLinesLogged: { [say({ en: 'once the count held still after the cancel', uk: 'коли лічильник перестав змінюватися після скасування' })]: settled, [say({ en: `${SETTLE_MS} ms later`, uk: `через ${SETTLE_MS} мс` })]: later } },
  };
  if (later === 0) {
    throw fail(say({ en: 'The math service logged no `sending <square>` line: log each square with a Nest Logger as it goes out', uk: 'Математичний сервіс не записав у журнал жодного рядка `sending <square>`: записуйте кожен квадрат через Logger з Nest у ту мить, коли він іде клієнтові' }), evidence);
  }
  // Still producing, or done with every square although the client left after three: the cancel was ignored.
  if (later - settled >= 2 || later >= sent.values.length) {
    throw await diagnose<Wire>(
      detectors,
      { kind: 'after-cancel', settled, later, total: sent.values.length },
      {
        expected: say({ en: 'after the cancel, the math service should log no more `sending` lines', uk: 'після скасування математичний сервіс не має записувати в журнал нових рядків `sending`' }),
        meaning: say({
          en: 'the squares are produced outside the Observable Nest unsubscribes from (a timer or a loop of its own), or every line is logged before the squares go out instead of as each one is sent',
          uk: 'квадрати рахуються поза Observable, від якого відписується Nest (власний таймер чи цикл), або всі рядки записуються в журнал наперед, а не тоді, коли кожен квадрат іде клієнтові',
        }),
      },
      evidence,
    );
  }
});

test(say({ en: 'RunningSum answers every value with the total so far, as the values arrive', uk: 'RunningSum відповідає на кожне значення поточною сумою, щойно значення надходять' }), async () => {
  const call = client.RunningSum() as grpc.ClientDuplexStream<Reply, Reply>;
  const sent: number[] = [];
  const received: Reply[] = [];
  const queue: Reply[] = [];
  let waiting: ((item: Reply | CallError | 'ended') => void) | undefined;
  let settled: CallError | 'ended' | undefined;
  const deliver = (item: Reply | CallError | 'ended') => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(item);
    } else if (item === 'ended' || 'code' in item) settled = item as CallError | 'ended';
    else queue.push(item);
  };
  call.on('data', (total: Reply) => deliver(total));
  call.on('error', (err: grpc.ServiceError) => deliver(callError(err)));
  call.on('end', () => deliver('ended'));
  const next = () =>
    new Promise<Reply | CallError | 'ended' | 'silent'>((resolve) => {
      if (queue.length > 0) return resolve(queue.shift()!);
      if (settled) return resolve(settled);
      const timer = setTimeout(() => {
        waiting = undefined;
        resolve('silent');
      }, CALL_TIMEOUT_MS);
      waiting = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
    });
  try {
    const expected = [5, 12, 14];
    for (const [i, value] of [5, 7, 2].entries()) {
      call.write({ value });
      sent.push(value);
      const answer = await next();
      if (answer === 'silent') {
        throw fail(
          say({ en: `RunningSum did not answer the value ${value} within ${CALL_TIMEOUT_MS / 1000} s. It must answer each value as it arrives, not wait for the end of the request stream`, uk: `RunningSum не відповів на значення ${value} за ${CALL_TIMEOUT_MS / 1000} с. Він має відповідати на кожне значення, щойно воно надходить, а не чекати кінця потоку запитів` }),
          { sent, received },
        );
      }
      if (answer === 'ended') throw fail(say({ en: 'RunningSum ended its stream while the client was still sending', uk: 'RunningSum закінчив свій потік, коли клієнт ще надсилав значення' }), { sent, received });
      if ('code' in answer && 'details' in answer) throw await diagnoseCallError('RunningSum', sent, answer as CallError, { items: received });
      received.push(answer);
      if (answer.running_total !== expected[i]) {
        throw fail(say({ en: `after the values ${sent.join(', ')} RunningSum should answer { running_total: ${expected[i]} }`, uk: `після значень ${sent.join(', ')} RunningSum має відповісти { running_total: ${expected[i]} }` }), { sent, received });
      }
    }
    call.end();
    const last = await next();
    if (last !== 'ended') {
      throw fail(say({ en: 'RunningSum should end its stream once the client has ended its own (and answer nothing more)', uk: 'RunningSum має закінчити свій потік, щойно клієнт закінчив свій (і більше нічого не відповідати)' }), { sent, received: [...received, last] });
    }
  } finally {
    call.cancel();
  }
});

test(say({ en: 'RunningSum with no values ends without an answer', uk: 'RunningSum без значень закінчується без відповіді' }), async () => {
  const call = client.RunningSum(deadline()) as grpc.ClientDuplexStream<Reply, Reply>;
  const pending = collect(call);
  call.end();
  const result = await pending;
  if (result.error) throw await diagnoseCallError('RunningSum', [], result.error, { items: result.items });
  if (result.items.length > 0 || !result.ended) {
    throw fail(say({ en: 'a RunningSum call that sends no values should end with no answers', uk: 'виклик RunningSum, який не надсилає жодного значення, має закінчитися без відповідей' }), { sent: [], received: result.items });
  }
});

test(say({ en: 'two RunningSum calls at once each keep their own total', uk: 'два одночасні виклики RunningSum ведуть кожен свою суму' }), async () => {
  // Two calls at once, in the other order than they were opened: each keeps its own total.
  const first = client.RunningSum(deadline()) as grpc.ClientDuplexStream<Reply, Reply>;
  const second = client.RunningSum(deadline()) as grpc.ClientDuplexStream<Reply, Reply>;
  const [a, b] = [collect(first), collect(second)];
  second.write({ value: 4 });
  first.write({ value: 10 });
  second.write({ value: 1 });
  second.end();
  first.end();
  const [ra, rb] = await Promise.all([a, b]);
  if (ra.error) throw await diagnoseCallError('RunningSum', [10], ra.error, { items: ra.items });
  if (rb.error) throw await diagnoseCallError('RunningSum', [4, 1], rb.error, { items: rb.items });
  const totals = (r: StreamResult) => r.items.map((item) => item.running_total);
  if (JSON.stringify(totals(rb)) !== JSON.stringify([4, 5]) || JSON.stringify(totals(ra)) !== JSON.stringify([10])) {
    throw fail(
      say({ en: 'two RunningSum calls at once should each keep their own total: [4, 1] answers 4, 5 and [10] answers 10 (a total kept outside the call is shared between calls)', uk: 'два одночасні виклики RunningSum мають вести кожен свою суму: [4, 1] дає 4, 5, а [10] дає 10 (сума, що зберігається поза викликом, спільна для всіх викликів)' }),
      { sent: { first: [10], second: [4, 1] }, received: { first: totals(ra), second: totals(rb) } },
    );
  }
});

test(say({ en: 'the gateway answers GET /squares?numbers=1,2,3 with [1,4,9]', uk: 'шлюз відповідає на GET /squares?numbers=1,2,3 масивом [1,4,9]' }), async () => {
  for (const [query, expected] of [
    ['1,2,3', [1, 4, 9]],
    ['6,5', [36, 25]],
  ] as const) {
    const r = await http('GATEWAY_PORT').get(`/squares?numbers=${query}`);
    if (r.status !== 200 || JSON.stringify(r.body) !== JSON.stringify(expected)) {
      const clue = await gatewayClue();
      throw fail(say({ en: `GET /squares?numbers=${query} should answer 200 ${JSON.stringify(expected)}${clue}`, uk: `GET /squares?numbers=${query} має відповісти 200 ${JSON.stringify(expected)}${clue}` }), r);
    }
  }
});

test(say({ en: 'the gateway answers 400 when Squares rejects a negative number', uk: 'шлюз відповідає 400, коли Squares відхиляє відʼємне число' }), async () => {
  const r = await http('GATEWAY_PORT').get('/squares?numbers=4,-1');
  if (r.status !== 400) {
    throw fail(say({ en: 'GET /squares?numbers=4,-1 should answer 400: Squares fails with INVALID_ARGUMENT (err.code 3), turn that into a BadRequestException', uk: 'GET /squares?numbers=4,-1 має відповісти 400: Squares завершується помилкою INVALID_ARGUMENT (err.code 3), перетворіть її на BadRequestException' }), r);
  }
});

// Last, since it stops the math service: only INVALID_ARGUMENT is the client's fault.
test(say({ en: 'the gateway does not answer 400 when the math service is down', uk: 'шлюз не відповідає 400, коли математичний сервіс не працює' }), async () => {
  await kill('math');
  try {
    const r = await http('GATEWAY_PORT', { timeoutMs: CALL_TIMEOUT_MS }).get('/squares?numbers=1,2');
    if (r.status < 500) {
      throw fail(
        say({
          en: 'with the math service stopped, GET /squares?numbers=1,2 should answer a 5xx (500): the request was fine, the service behind it is unavailable. Turn only INVALID_ARGUMENT (err.code 3) into a 400 and let the other errors through',
          uk: 'коли математичний сервіс зупинено, GET /squares?numbers=1,2 має відповісти 5xx (500): запит правильний, недоступний сервіс за ним. Перетворюйте на 400 лише INVALID_ARGUMENT (err.code 3), а інші помилки пропускайте далі',
        }),
        r,
      );
    }
  } finally {
    await start('math');
  }
});

// ---------------------------------------------------------------------------------------------
// gRPC calls

function createClient(): GrpcClient {
  const protoPath = join(exerciseDir(), 'proto', 'math.proto');
  let definition: protoLoader.PackageDefinition;
  try {
    definition = protoLoader.loadSync(protoPath, { keepCase: true, defaults: true, arrays: true });
  } catch (err) {
    throw fail(say({ en: `proto/math.proto could not be read: ${(err as Error).message}. Restore it from the starter (learn-nest-micro reset grpc-streams keeps a backup)`, uk: `не вдалося прочитати proto/math.proto: ${(err as Error).message}. Відновіть його із заготовки (learn-nest-micro reset grpc-streams зберігає резервну копію)` }));
  }
  const loaded = grpc.loadPackageDefinition(definition) as Record<string, any>;
  const Service = loaded.math?.MathService as grpc.ServiceClientConstructor | undefined;
  const methods = Service ? Object.keys(Service.service) : [];
  const missing = ['Sum', 'Squares', 'RunningSum'].filter((m) => !methods.includes(m));
  if (!Service || missing.length > 0) {
    throw fail(
      say({ en: `proto/math.proto must keep package math with service MathService { Sum, Squares, RunningSum }; missing: ${Service ? missing.join(', ') : 'math.MathService'}. It is the contract the checks call: restore it from the starter`, uk: `proto/math.proto має зберігати package math із service MathService { Sum, Squares, RunningSum }; бракує: ${Service ? missing.join(', ') : 'math.MathService'}. Це контракт, який викликають перевірки: відновіть його із заготовки` }),
    );
  }
  return new Service(`127.0.0.1:${port('GRPC_PORT')}`, grpc.credentials.createInsecure()) as unknown as GrpcClient;
}

function deadline(): grpc.CallOptions {
  return { deadline: Date.now() + CALL_TIMEOUT_MS };
}

function callError(err: grpc.ServiceError): CallError {
  return { code: err.code, details: err.details, message: err.message };
}

function unary(method: string, request: unknown): Promise<UnaryResult> {
  return new Promise((resolve) => {
    client[method](request, deadline(), (err: grpc.ServiceError | null, value: Reply) =>
      resolve(err ? { ok: false, error: callError(err) } : { ok: true, value }),
    );
  });
}

function serverStream(request: unknown): Promise<StreamResult> {
  return collect(client.Squares(request, deadline()) as grpc.ClientReadableStream<Reply>);
}

function collect(call: grpc.ClientReadableStream<Reply> | grpc.ClientDuplexStream<Reply, Reply>): Promise<StreamResult> {
  return new Promise((resolve) => {
    const items: Reply[] = [];
    call.on('data', (item: Reply) => items.push(item));
    call.on('error', (err: grpc.ServiceError) => resolve({ items, ended: false, error: callError(err) }));
    call.on('end', () => resolve({ items, ended: true }));
  });
}

function values(items: Reply[]): unknown[] {
  return items.map((item) => item.value);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// A failed call: ./diagnoses names a mistake only on evidence of its own; otherwise the failure says
// what the status code can mean.

async function diagnoseCallError(rpc: Rpc, sent: unknown, error: CallError, opts: { items?: Reply[]; emptyRequest?: boolean } = {}): Promise<Error> {
  const evidence: Evidence = { sent, received: opts.items ? values(opts.items) : undefined, errorText: error.message };
  const request = opts.emptyRequest ? 'empty' : JSON.stringify(sent).includes('-') ? 'negative' : 'values';
  return diagnose<Wire>(detectors, { kind: 'call-error', rpc, code: error.code, details: error.details, request }, { expected: expectedOf(rpc, error), meaning: meaningOf(rpc, error.code) }, evidence);
}

function expectedOf(rpc: Rpc, error: CallError): string {
  if (error.code === grpc.status.DEADLINE_EXCEEDED) return say({ en: `${rpc} did not finish within ${CALL_TIMEOUT_MS / 1000} s`, uk: `${rpc} не закінчився за ${CALL_TIMEOUT_MS / 1000} с` });
  if (error.code === grpc.status.UNAVAILABLE) return say({ en: `the math service is not reachable on GRPC_PORT (${port('GRPC_PORT')}): ${rpc} failed with ${error.message}`, uk: `математичний сервіс недоступний на GRPC_PORT (${port('GRPC_PORT')}): ${rpc} завершився помилкою ${error.message}` });
  return say({ en: `${rpc} failed with ${error.message}`, uk: `${rpc} завершився помилкою ${error.message}` });
}

/** What a status code can mean in this exercise: every cause it is compatible with, none singled out. */
function meaningOf(rpc: Rpc, code: number): string | undefined {
  switch (code) {
    case grpc.status.UNAVAILABLE:
      return say({ en: 'the service crashed or never listened on GRPC_PORT: its log is below', uk: 'сервіс упав або так і не почав слухати GRPC_PORT: його журнал нижче' });
    case grpc.status.UNIMPLEMENTED:
      return say({
        en: `no handler is registered for MathService.${rpc}: a decorator's service or rpc name differs from proto/math.proto, the decorator is not the one for ${rpc === 'RunningSum' ? 'a stream of requests' : 'this kind of rpc'}, or the controller is not in the module's controllers`,
        uk: `для MathService.${rpc} не зареєстровано жодного обробника: назва сервісу чи rpc у декораторі відрізняється від proto/math.proto, декоратор не той, що потрібен для ${rpc === 'RunningSum' ? 'потоку запитів' : 'такого rpc'}, або контролера немає в controllers модуля`,
      });
    case grpc.status.INTERNAL:
      return say({ en: 'the answer could not be encoded as the proto message: each emitted value must be one message object with the proto\'s field names', uk: 'відповідь не вдалося закодувати як повідомлення з proto: кожне видане значення має бути одним обʼєктом-повідомленням із назвами полів із proto' });
    case grpc.status.UNKNOWN:
      return say({
        en: 'the handler threw something that carries no gRPC status: an error without a numeric code, an exception no filter turns into a status, or a crash (a TypeError: see the log below)',
        uk: 'обробник кинув щось без статусу gRPC: помилку без числового code, виняток, який жоден фільтр не перетворює на статус, або збій (TypeError: див. журнал нижче)',
      });
    case grpc.status.DEADLINE_EXCEEDED:
      return say({ en: 'the Observable never completes, or the handler waits for something that does not come', uk: 'Observable ніколи не завершується, або обробник чекає на те, що не надходить' });
  }
  return undefined;
}

async function gatewayClue(): Promise<string> {
  const log = stripColours(await logs('gateway'));
  if (/The invalid gRPC package/.test(log)) return say({ en: ' (the gateway log says its gRPC client has the wrong package name)', uk: ' (у журналі шлюзу сказано, що його gRPC-клієнт має неправильну назву пакета)' });
  if (/The invalid gRPC service/.test(log)) return say({ en: " (the gateway log says getService() was given a service name the proto does not have: use 'MathService')", uk: " (у журналі шлюзу сказано, що getService() отримав назву сервісу, якої немає в proto: використайте 'MathService')" });
  if (/The invalid \.proto definition/.test(log)) return say({ en: ' (the gateway log says its protoPath points to no file)', uk: ' (у журналі шлюзу сказано, що його protoPath не вказує на жоден файл)' });
  return '';
}

async function sendingLines(): Promise<string[]> {
  return stripColours(await logs('math')).match(/sending -?\d+/g) ?? [];
}
