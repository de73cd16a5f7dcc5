import { test } from 'vitest';
import { eventually, fail, http, kill, logs, mistake, say, send, source, tcpClient, type HttpResult, type SendResult } from 'learn-nest-micro/harness';

/** NestJS's reply when no @MessagePattern equals the pattern (a plain string, verbatim). */
const NO_HANDLER = 'There is no matching message handler defined in the remote service.';
/** RxJS's EmptyError: the reply completed without a value (the handler returned undefined). */
const EMPTY_REPLY = /no elements in sequence/;
/** What the gateway's ClientProxy logs when it cannot reach a TCP server at the address it was given. */
const UNREACHABLE = /ECONNREFUSED|Connection closed|ENOTFOUND|EADDRNOTAVAIL|ETIMEDOUT|ECONNRESET/;

const gateway = http('GATEWAY_PORT');

async function askMath(numbers: number[]): Promise<SendResult<number>> {
  return send<number>(await tcpClient('MATH_PORT'), { cmd: 'sum' }, numbers);
}

interface SourceFile {
  path: string;
  text: string;
}

/** math.module.ts, math.controller.ts and the local files they import, for diagnosis only. */
function mathServiceSources(): SourceFile[] {
  const seen = new Map<string, string>();
  const queue = ['math-service/math.module.ts', 'math-service/math.controller.ts'];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    const text = source(file);
    seen.set(file, text);
    for (const m of text.matchAll(/from\s+['"]\.\/([\w.-]+?)(?:\.ts)?['"]/g)) queue.push(`math-service/${m[1]}.ts`);
  }
  return [...seen].map(([path, text]) => ({ path, text })).filter((f) => f.text !== '');
}

const HAS_MESSAGE_PATTERN = /@MessagePattern\s*\(/;
const HAS_HTTP_ROUTE = /@(Get|Post|Put|Patch|Delete|All)\s*\(/;

/** Names the mistake behind a "no matching message handler" reply of the math service. */
function diagnoseNoHandler(r: SendResult): Error {
  const files = mathServiceSources();
  const withPattern = files.filter((f) => HAS_MESSAGE_PATTERN.test(f.text));
  if (withPattern.length === 0) {
    if (files.some((f) => HAS_HTTP_ROUTE.test(f.text))) return mistake('get-instead-of-message-pattern', r);
    return fail(
      say({
        en: "The math service has no @MessagePattern handler yet, so it answers every message with \"no matching handler\". Decorate sum() in math-service/math.controller.ts with @MessagePattern(<pattern>) from @nestjs/microservices, <pattern> being the one sent (below).",
        uk: 'У сервісі math ще немає обробника @MessagePattern, тож на кожне повідомлення він відповідає «no matching handler». Позначте sum() у math-service/math.controller.ts декоратором @MessagePattern(<шаблон>) з @nestjs/microservices, де <шаблон> — той, що надіслано (нижче).',
      }),
      r,
    );
  }
  if (withPattern.every((f) => /@Injectable\s*\(/.test(f.text) && !/@Controller\s*\(/.test(f.text))) return mistake('handler-in-provider', r);
  const moduleText = source('math-service/math.module.ts');
  const listed = /controllers\s*:\s*\[([^\]]*)\]/.exec(moduleText)?.[1] ?? '';
  const handlerClasses = withPattern.flatMap((f) => [...f.text.matchAll(/class\s+(\w+)/g)].map((m) => m[1]));
  if (moduleText !== '' && handlerClasses.length > 0 && !handlerClasses.some((c) => new RegExp(`\\b${c}\\b`).test(listed))) {
    return fail(
      say({
        en: `The class with the @MessagePattern handler (${handlerClasses.join(', ')}) is not in the controllers of MathModule, so Nest never looks at it. List it in @Module({ controllers: [...] }) in math-service/math.module.ts.`,
        uk: `Класу з обробником @MessagePattern (${handlerClasses.join(', ')}) немає серед controllers модуля MathModule, тож Nest на нього навіть не дивиться. Додайте його до @Module({ controllers: [...] }) у math-service/math.module.ts.`,
      }),
      r,
    );
  }
  return mistake('pattern-mismatch', r);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** The gateway's log written since `offset`, once an error has been logged there (or '' after 3 s). */
async function gatewayErrorSince(offset: number): Promise<string> {
  const text = await eventually(
    async () => {
      const fresh = stripAnsi((await logs('gateway')).slice(offset));
      return /ExceptionsHandler|ERROR/.test(fresh) ? fresh : undefined;
    },
    { timeoutMs: 3000 },
  );
  return text ?? '';
}

/** The first error line Nest logged, e.g. "ERROR [ExceptionsHandler] Error: connect ECONNREFUSED 127.0.0.1:41780". */
function firstErrorLine(log: string): string | undefined {
  const line = log.split('\n').find((l) => /ERROR/.test(l));
  return line?.replace(/^.*?ERROR\s*/, 'ERROR ').trim();
}

/** Explains a wrong gateway answer; `logOffset` is the gateway's log length before the request. */
async function diagnoseGateway(r: HttpResult, logOffset: number, expected: string): Promise<Error> {
  if (r.status === 0) {
    return fail(
      say({
        en: `The gateway did not answer on GATEWAY_PORT (${r.errorText ?? 'no answer'}).`,
        uk: `Шлюз не відповів на GATEWAY_PORT (${r.errorText ?? 'немає відповіді'}).`,
      }),
      r,
    );
  }
  if (r.status === 200) {
    if (isRecord(r.body) && 'sum' in r.body && typeof r.body.sum === 'object') return mistake('observable-not-awaited', r);
    if (typeof r.body === 'number') {
      return fail(
        say({
          en: `The gateway answered a bare number. Answer the JSON object ${expected}: return an object from the handler, not the value alone.`,
          uk: `Шлюз відповів голим числом. Відповідайте JSON-обʼєктом ${expected}: повертайте з обробника обʼєкт, а не саме значення.`,
        }),
        r,
      );
    }
    return fail(say({ en: `The gateway should answer 200 with ${expected}.`, uk: `Шлюз має відповідати 200 з ${expected}.` }), r);
  }
  if (r.status === 501) {
    return fail(
      say({
        en: "The gateway still throws the starter's NotImplementedException: call the math service from MathController.sum() in gateway/math.controller.ts.",
        uk: 'Шлюз досі кидає NotImplementedException із заготовки: викличте сервіс math з MathController.sum() у gateway/math.controller.ts.',
      }),
      r,
    );
  }
  if (r.status >= 500) {
    const log = await gatewayErrorSince(logOffset);
    const original = firstErrorLine(log);
    const evidence = { sent: r.sent, received: r.received, original };
    if (log.includes(NO_HANDLER)) {
      const gatewaySource = source('gateway/math.controller.ts');
      if (/\.send\s*(<[^>]*>)?\s*\(\s*['"`]/.test(gatewaySource)) return mistake('pattern-string-vs-object', evidence);
      return mistake('pattern-mismatch', evidence);
    }
    if (EMPTY_REPLY.test(log)) return mistake('handler-returns-nothing', evidence);
    if (UNREACHABLE.test(log)) return mistake('client-wrong-address', evidence);
    return fail(
      say({
        en: `The gateway answered ${r.status} instead of 200 with ${expected}.${original ? '' : ' Its log shows no error; look at the gateway logs below.'}`,
        uk: `Шлюз відповів ${r.status} замість 200 з ${expected}.${original ? '' : ' У його журналі немає помилки; подивіться журнал шлюзу нижче.'}`,
      }),
      evidence,
    );
  }
  return fail(say({ en: `The gateway should answer 200 with ${expected}.`, uk: `Шлюз має відповідати 200 з ${expected}.` }), r);
}

async function gatewayLogLength(): Promise<number> {
  return (await logs('gateway')).length;
}

/** Explains an error reply of the math service to { cmd: 'sum' }; `context` says what else to tell. */
function diagnoseMathError(r: SendResult, context = ''): Error {
  if (r.errorText?.includes(NO_HANDLER)) return diagnoseNoHandler(r);
  if (EMPTY_REPLY.test(r.errorText ?? '')) return mistake('handler-returns-nothing', r);
  // An HTTP app on MATH_PORT (NestFactory.create) hangs up on a TCP frame: "Connection closed".
  if (!/(^|\n)[^/\n]*createMicroservice/.test(source('math-service/main.ts'))) {
    return fail(
      say({
        en: "Something listens on MATH_PORT, but not a Nest microservice: math-service/main.ts does not call NestFactory's method for microservices (NestFactory.create() builds an HTTP app, which hangs up on a TCP message). Create the app as a microservice with the TCP transport, as the lesson's rates/main.ts does.",
        uk: 'На MATH_PORT щось слухає, але це не мікросервіс Nest: math-service/main.ts не викликає метод NestFactory для мікросервісів (NestFactory.create() будує HTTP-застосунок, який розриває зʼєднання, отримавши TCP-повідомлення). Створіть застосунок як мікросервіс із транспортом TCP, як це робить rates/main.ts з уроку.',
      }),
      r,
    );
  }
  return fail(say({ en: `The math service should answer { cmd: "sum" } with a number.${context}`, uk: `Сервіс math має відповідати на { cmd: "sum" } числом.${context}` }), r);
}

test(say({ en: 'the math service answers { cmd: "sum" } over TCP with the sum of [1, 2, 3]', uk: 'сервіс math відповідає на { cmd: "sum" } через TCP сумою [1, 2, 3]' }), async () => {
  const r = await askMath([1, 2, 3]);
  if (!r.ok) throw diagnoseMathError(r);
  if (r.value !== 6) throw fail(say({ en: 'The sum of [1, 2, 3] is 6: the reply must be that number.', uk: 'Сума [1, 2, 3] — це 6: відповіддю має бути саме це число.' }), r);
});

test(say({ en: 'the math service sums other lists, the empty one included', uk: 'сервіс math додає й інші списки, зокрема порожній' }), async () => {
  const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
  const cases: Array<[number[], number]> = [
    [[], 0],
    [[10], 10],
    [[-1.5, 2.5, 10], 11],
    [twenty, 210],
  ];
  for (const [numbers, expected] of cases) {
    const r = await askMath(numbers);
    if (!r.ok) {
      const hint =
        numbers.length === 0
          ? say({
              en: ' For an empty array, reduce() without an initial value throws: give it one.',
              uk: ' На порожньому масиві reduce() без початкового значення кидає помилку: задайте його.',
            })
          : '';
      throw diagnoseMathError(
        r,
        say({
          en: ` It failed on ${numbers.length > 10 ? 'the numbers 1 to 20' : JSON.stringify(numbers)}.${hint}`,
          uk: ` Збій на ${numbers.length > 10 ? 'числах від 1 до 20' : JSON.stringify(numbers)}.${hint}`,
        }),
      );
    }
    if (typeof r.value !== 'number' || Math.abs(r.value - expected) > 1e-9) {
      throw fail(
        say({
          en: `The sum of ${numbers.length > 10 ? 'the numbers 1 to 20' : JSON.stringify(numbers)} is ${expected}.`,
          uk: `Сума ${numbers.length > 10 ? 'чисел від 1 до 20' : JSON.stringify(numbers)} — це ${expected}.`,
        }),
        r,
      );
    }
  }
});

test(say({ en: 'the gateway answers GET /math/sum?numbers=1,2,3 with { "sum": 6 }', uk: 'шлюз відповідає на GET /math/sum?numbers=1,2,3 обʼєктом { "sum": 6 }' }), async () => {
  const offset = await gatewayLogLength();
  const r = await gateway.get('/math/sum?numbers=1,2,3');
  if (r.status === 200 && isRecord(r.body) && r.body.sum === 6) return;
  throw await diagnoseGateway(r, offset, '{ "sum": 6 }');
});

test(say({ en: 'the gateway passes negative and decimal numbers on: numbers=-1.5,2.5,10 gives { "sum": 11 }', uk: 'шлюз передає далі відʼємні й дробові числа: numbers=-1.5,2.5,10 дає { "sum": 11 }' }), async () => {
  const offset = await gatewayLogLength();
  const r = await gateway.get('/math/sum?numbers=-1.5,2.5,10');
  if (r.status === 200 && isRecord(r.body) && r.body.sum === 11) return;
  throw await diagnoseGateway(r, offset, '{ "sum": 11 }');
});

test(say({ en: 'the gateway answers 400 Bad Request when an item is not a number', uk: 'шлюз відповідає 400 Bad Request, коли елемент — не число' }), async () => {
  for (const query of ['a,b', '1,x,3']) {
    const r = await gateway.get(`/math/sum?numbers=${query}`);
    if (r.status === 400) continue;
    if (r.status === 200) throw mistake('bad-input-not-rejected', r);
    if (r.status === 501) {
      throw fail(
        say({
          en: "The gateway still throws the starter's NotImplementedException: parse and check `numbers` in MathController.sum() of gateway/math.controller.ts.",
          uk: 'Шлюз досі кидає NotImplementedException із заготовки: розберіть і перевірте `numbers` у MathController.sum() з gateway/math.controller.ts.',
        }),
        r,
      );
    }
    throw fail(
      say({
        en: `numbers=${query} should be refused with 400 Bad Request, before the math service is asked: throw new BadRequestException(...) when an item is not a finite number.`,
        uk: `numbers=${query} треба відхилити з 400 Bad Request ще до звернення до сервісу math: киньте new BadRequestException(...), коли елемент не є скінченним числом.`,
      }),
      r,
    );
  }
});

test(say({ en: 'a missing or empty numbers parameter is the empty list: { "sum": 0 }', uk: 'відсутній або порожній параметр numbers — це порожній список: { "sum": 0 }' }), async () => {
  for (const path of ['/math/sum', '/math/sum?numbers=']) {
    const offset = await gatewayLogLength();
    const r = await gateway.get(path);
    if (r.status === 200 && isRecord(r.body) && r.body.sum === 0) continue;
    if (r.status === 400) {
      throw fail(
        say({
          en: `GET ${path} means "the sum of no numbers", which is 0: answer { "sum": 0 } rather than 400.`,
          uk: `GET ${path} означає «сума жодного числа», а вона дорівнює 0: відповідайте { "sum": 0 }, а не 400.`,
        }),
        r,
      );
    }
    throw await diagnoseGateway(r, offset, '{ "sum": 0 }');
  }
});

// Last: it stops the math service for good.
test(say({ en: 'the gateway gets its answers from the math service (stopped for this test)', uk: 'шлюз отримує відповіді від сервісу math (для цього тесту його зупинено)' }), async () => {
  const offset = await gatewayLogLength();
  const working = await gateway.get('/math/sum?numbers=4,5');
  if (!(working.status === 200 && isRecord(working.body) && working.body.sum === 9)) throw await diagnoseGateway(working, offset, '{ "sum": 9 }');
  await kill('math');
  const r = await gateway.get('/math/sum?numbers=4,5');
  if (r.status === 200) throw mistake('gateway-bypasses-math', r);
  if (r.status === 0) {
    throw fail(
      say({
        en: 'With the math service stopped, the gateway should still answer (with an error status), not crash or hang.',
        uk: 'Коли сервіс math зупинено, шлюз однаково має відповідати (статусом помилки), а не падати чи зависати.',
      }),
      r,
    );
  }
});
