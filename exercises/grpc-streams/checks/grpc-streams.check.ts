import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { exerciseDir, fail, http, logs, mistake, port } from 'learn-nest-micro/harness';

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

test('Sum answers the total of the values', async () => {
  const sent = { values: [1, 2, 3, 4] };
  const r = await unary('Sum', sent);
  if (!r.ok) throw await diagnoseCallError('Sum', sent, r.error!);
  if (r.value!.running_total !== 10) {
    const evidence = { sent, received: r.value };
    if (r.value!.running_total === 0 && !/keepCase\s*:\s*true/.test(mathSources())) throw mistake('keep-case-off', evidence);
    throw fail('Sum of [1, 2, 3, 4] should answer { running_total: 10 }', evidence);
  }
});

test('Sum of no values answers 0', async () => {
  const sent = { values: [] };
  const r = await unary('Sum', sent);
  if (!r.ok) throw await diagnoseCallError('Sum', sent, r.error!, { emptyRequest: true });
  if (r.value!.running_total !== 0) throw fail('Sum of [] should answer { running_total: 0 }', { sent, received: r.value });
});

test('Sum rejects a negative number with INVALID_ARGUMENT', async () => {
  const sent = { values: [5, -2, 1] };
  const r = await unary('Sum', sent);
  if (r.ok) throw fail('Sum of [5, -2, 1] should fail with status 3 INVALID_ARGUMENT, but it answered', { sent, received: r.value });
  if (r.error!.code !== grpc.status.INVALID_ARGUMENT) throw await diagnoseCallError('Sum', sent, r.error!);
});

test('Squares streams the squares in order, then ends the stream', async () => {
  const sent = { values: [1, 2, 3, 7] };
  const r = await serverStream(sent);
  if (r.error) throw await diagnoseCallError('Squares', sent, r.error, { items: r.items });
  const received = values(r.items);
  if (!r.ended) throw fail('Squares did not end its stream (complete the Observable after the last square)', { sent, received });
  if (JSON.stringify(received) !== JSON.stringify([1, 4, 9, 49])) {
    throw fail('Squares of [1, 2, 3, 7] should stream 1, 4, 9, 49: one message per square, in order', { sent, received });
  }
});

test('Squares of no values is an empty stream that ends', async () => {
  const sent = { values: [] };
  const r = await serverStream(sent);
  if (r.error) throw await diagnoseCallError('Squares', sent, r.error, { items: r.items, emptyRequest: true });
  if (r.items.length > 0) throw fail('Squares of [] should send nothing', { sent, received: values(r.items) });
  if (!r.ended) throw fail('Squares of [] should end its stream at once', { sent, received: [] });
});

test('Squares rejects a negative number with INVALID_ARGUMENT before sending anything', async () => {
  const sent = { values: [2, -3] };
  const r = await serverStream(sent);
  const received = values(r.items);
  if (!r.error) throw fail('Squares of [2, -3] should fail with status 3 INVALID_ARGUMENT', { sent, received });
  if (r.error.code !== grpc.status.INVALID_ARGUMENT) throw await diagnoseCallError('Squares', sent, r.error, { items: r.items });
  if (received.length > 0) throw fail('Squares should reject [2, -3] before sending any square', { sent, received });
});

test('cancelling Squares stops the math service from producing more squares', async () => {
  const sent = { values: Array.from({ length: 40 }, (_, i) => i + 1) };
  const before = (await sendingLines()).length;
  const call = client.Squares(sent) as grpc.ClientReadableStream<Reply>;
  const received: number[] = [];
  const outcome = await new Promise<'cancelled' | 'ended' | CallError>((resolve) => {
    const timer = setTimeout(() => resolve({ code: -1, details: 'no answer', message: `no square arrived within ${CALL_TIMEOUT_MS} ms` }), CALL_TIMEOUT_MS);
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
  if (typeof outcome === 'object') throw fail(`Squares of 1..40 failed: ${outcome.message}`, { sent, received, errorText: outcome.message });
  if (outcome === 'ended') {
    throw fail('Squares of 1..40 ended after fewer than 3 squares; it should stream all 40, one every 100 ms', { sent, received });
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
    received: { squaresBeforeCancel: received, sendingLinesLogged: { 'once the count held still after the cancel': settled, [`${SETTLE_MS} ms later`]: later } },
  };
  if (later === 0) {
    throw fail('The math service logged no `sending <square>` line: log each square with a Nest Logger as it goes out', evidence);
  }
  // Still producing, or done with every square although the client left after three: the cancel was ignored.
  if (later - settled >= 2 || later >= sent.values.length) throw mistake('stream-ignores-cancel', evidence);
});

test('RunningSum answers every value with the total so far, as the values arrive', async () => {
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
          `RunningSum did not answer the value ${value} within ${CALL_TIMEOUT_MS / 1000} s. It must answer each value as it arrives, not wait for the end of the request stream`,
          { sent, received },
        );
      }
      if (answer === 'ended') throw fail('RunningSum ended its stream while the client was still sending', { sent, received });
      if ('code' in answer && 'details' in answer) throw await diagnoseCallError('RunningSum', sent, answer as CallError, { items: received });
      received.push(answer);
      if (answer.running_total !== expected[i]) {
        throw fail(`after the values ${sent.join(', ')} RunningSum should answer { running_total: ${expected[i]} }`, { sent, received });
      }
    }
    call.end();
    const last = await next();
    if (last !== 'ended') {
      throw fail('RunningSum should end its stream once the client has ended its own (and answer nothing more)', { sent, received: [...received, last] });
    }
  } finally {
    call.cancel();
  }
});

test('RunningSum with no values ends without an answer', async () => {
  const call = client.RunningSum(deadline()) as grpc.ClientDuplexStream<Reply, Reply>;
  const pending = collect(call);
  call.end();
  const result = await pending;
  if (result.error) throw await diagnoseCallError('RunningSum', [], result.error, { items: result.items });
  if (result.items.length > 0 || !result.ended) {
    throw fail('a RunningSum call that sends no values should end with no answers', { sent: [], received: result.items });
  }
});

test('the gateway answers GET /squares?numbers=1,2,3 with [1,4,9]', async () => {
  for (const [query, expected] of [
    ['1,2,3', [1, 4, 9]],
    ['6,5', [36, 25]],
  ] as const) {
    const r = await http('GATEWAY_PORT').get(`/squares?numbers=${query}`);
    if (r.status !== 200 || JSON.stringify(r.body) !== JSON.stringify(expected)) {
      throw fail(`GET /squares?numbers=${query} should answer 200 ${JSON.stringify(expected)}${await gatewayClue()}`, r);
    }
  }
});

test('the gateway answers 400 when Squares rejects a negative number', async () => {
  const r = await http('GATEWAY_PORT').get('/squares?numbers=4,-1');
  if (r.status !== 400) {
    throw fail('GET /squares?numbers=4,-1 should answer 400: Squares fails with INVALID_ARGUMENT (err.code 3), turn that into a BadRequestException', r);
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
    throw fail(`proto/math.proto could not be read: ${(err as Error).message}. Restore it from the starter (learn-nest-micro reset grpc-streams keeps a backup)`);
  }
  const loaded = grpc.loadPackageDefinition(definition) as Record<string, any>;
  const Service = loaded.math?.MathService as grpc.ServiceClientConstructor | undefined;
  const methods = Service ? Object.keys(Service.service) : [];
  const missing = ['Sum', 'Squares', 'RunningSum'].filter((m) => !methods.includes(m));
  if (!Service || missing.length > 0) {
    throw fail(
      `proto/math.proto must keep package math with service MathService { Sum, Squares, RunningSum }; missing: ${Service ? missing.join(', ') : 'math.MathService'}. It is the contract the checks call: restore it from the starter`,
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
// Diagnosis: the verdict comes from the call; logs and sources only name the likely mistake.

async function diagnoseCallError(rpc: string, sent: unknown, error: CallError, opts: { items?: Reply[]; emptyRequest?: boolean } = {}): Promise<Error> {
  const evidence: Evidence = { sent, received: opts.items ? values(opts.items) : undefined, errorText: error.message };
  const mathLog = plain(await logs('math'));
  switch (error.code) {
    case grpc.status.UNAVAILABLE: {
      if (/The invalid gRPC package/.test(mathLog)) return mistake('wrong-package-name', withLog(evidence, mathLog, /The invalid gRPC package[^\n]*/));
      if (/The invalid \.proto definition|ENOENT[^\n]*\.proto/.test(mathLog)) {
        return mistake('wrong-proto-path', withLog(evidence, mathLog, /The invalid \.proto definition[^\n]*/));
      }
      return fail(`the math service is not reachable on GRPC_PORT (${port('GRPC_PORT')}): has it crashed? Its log is below`, evidence);
    }
    case grpc.status.UNIMPLEMENTED:
      return diagnoseUnimplemented(rpc, evidence);
    case grpc.status.INTERNAL:
      if (rpc === 'Squares' && /serializ/i.test(error.details)) return mistake('array-instead-of-observable', evidence);
      break;
    case grpc.status.UNKNOWN: {
      if (opts.emptyRequest && /Cannot read properties of undefined|is not iterable|undefined is not/.test(mathLog)) {
        return mistake('empty-list-left-out', withLog(evidence, mathLog, /(TypeError|Error)[^\n]*(Cannot read properties of undefined|is not iterable)[^\n]*/));
      }
      if (!opts.emptyRequest) {
        const src = mathSources();
        if (/Grpc\w+Exception\s*\(/.test(src) && !/GrpcExceptionFilter/.test(src)) return mistake('grpc-exception-without-filter', evidence);
        return mistake('error-without-grpc-code', evidence);
      }
      break;
    }
    case grpc.status.DEADLINE_EXCEEDED:
      return fail(`${rpc} did not finish within ${CALL_TIMEOUT_MS / 1000} s: does the Observable complete?`, evidence);
  }
  return fail(`${rpc} failed with ${error.message}`, evidence);
}

const DECORATOR = /@(GrpcMethod|GrpcStreamMethod|GrpcStreamCall)\s*\(([^)]*)\)\s*(?:@\w+\([^)]*\)\s*)*(?:public\s+|private\s+|async\s+)*(\w+)\s*\(/g;

function diagnoseUnimplemented(rpc: string, evidence: Evidence): Error {
  const bound = [...mathSources().matchAll(DECORATOR)].map(([, kind, args, methodName]) => {
    const [service, method] = [...args.matchAll(/['"`]([^'"`]*)['"`]/g)].map((m) => m[1]);
    return { kind, service, rpc: method ?? methodName.charAt(0).toUpperCase() + methodName.slice(1), methodName };
  });
  const candidates = bound.filter((b) => b.rpc.toLowerCase() === rpc.toLowerCase() || b.methodName.toLowerCase() === rpc.toLowerCase());
  if (rpc === 'RunningSum' && candidates.some((c) => c.kind === 'GrpcMethod')) return mistake('grpc-method-on-request-stream', evidence);
  if (candidates.length > 0) return mistake('wrong-service-or-method-name', evidence);
  return fail(
    `no handler answers MathService.${rpc} yet (${evidence.errorText}): bind a controller method to it with ${rpc === 'RunningSum' ? 'the decorator for request streams' : 'a gRPC method decorator'}`,
    evidence,
  );
}

async function gatewayClue(): Promise<string> {
  const log = plain(await logs('gateway'));
  if (/The invalid gRPC package/.test(log)) return ' (the gateway log says its gRPC client has the wrong package name)';
  if (/The invalid gRPC service/.test(log)) return " (the gateway log says getService() was given a service name the proto does not have: use 'MathService')";
  if (/The invalid \.proto definition/.test(log)) return ' (the gateway log says its protoPath points to no file)';
  return '';
}

function withLog(evidence: Evidence, log: string, line: RegExp): Evidence {
  const found = log.match(line);
  return found ? { ...evidence, errorText: found[0].trim() } : evidence;
}

// ---------------------------------------------------------------------------------------------
// The learner's files and logs

function mathSources(): string {
  const root = join(exerciseDir(), 'math-service');
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) texts.push(readFileSync(path, 'utf8'));
    }
  };
  try {
    walk(root);
  } catch {
    return '';
  }
  // Comments removed, so that a TODO or a note about keepCase is not mistaken for code.
  return texts.join('\n').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

function plain(log: unknown): string {
  const text = Array.isArray(log) ? log.join('\n') : String(log ?? '');
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

async function sendingLines(): Promise<string[]> {
  return plain(await logs('math')).match(/sending -?\d+/g) ?? [];
}
