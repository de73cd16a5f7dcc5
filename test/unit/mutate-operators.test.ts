import { describe, expect, test } from 'vitest';
import { applyEdits, mutationsOf, OPERATORS } from '../../src/dev/mutate/operators';

/** Every mutant one operator makes of `source`, as the resulting text (whitespace collapsed). */
function mutants(operator: string, source: string): string[] {
  return mutationsOf('x.ts', source, [operator]).map((m) => applyEdits(source, m.edits).replace(/\s+/g, ' ').trim());
}

describe('generic operators', () => {
  test('boolean-literal flips each literal', () => {
    expect(mutants('boolean-literal', 'const a = true; const b = false;')).toEqual(['const a = false; const b = false;', 'const a = true; const b = true;']);
  });
  test('equality swaps comparison operators', () => {
    expect(mutants('equality', 'if (a === b && c < d) {}')).toEqual(['if (a !== b && c < d) {}', 'if (a === b && c <= d) {}']);
  });
  test('arithmetic swaps + and -, * and /', () => {
    expect(mutants('arithmetic', 'const x = a + b * c;')).toEqual(['const x = a - b * c;', 'const x = a + b / c;']);
  });
  test('logical swaps && and ||, and ?? becomes &&', () => {
    expect(mutants('logical', 'const x = a && b; const y = c ?? d;')).toEqual(['const x = a || b; const y = c ?? d;', 'const x = a && b; const y = c && d;']);
  });
  test('conditional makes a condition always true, then always false', () => {
    expect(mutants('conditional', 'if (ready) go(); const v = ok ? 1 : 2;')).toEqual([
      'if (true) go(); const v = ok ? 1 : 2;',
      'if (false) go(); const v = ok ? 1 : 2;',
      'if (ready) go(); const v = true ? 1 : 2;',
      'if (ready) go(); const v = false ? 1 : 2;',
    ]);
  });
  test('string-literal empties strings, but not module names, property names or decorator patterns', () => {
    const source = "import { x } from 'y'; @MessagePattern('sum') class A {} const o = { 'k': 'v' }; const s = 'hello';";
    expect(mutants('string-literal', source)).toEqual([
      "import { x } from 'y'; @MessagePattern('sum') class A {} const o = { 'k': '' }; const s = 'hello';",
      "import { x } from 'y'; @MessagePattern('sum') class A {} const o = { 'k': 'v' }; const s = '';",
    ]);
  });
  test('array-literal empties arrays outside decorators', () => {
    expect(mutants('array-literal', '@Module({ providers: [A] }) class M {} const xs = [1, 2];')).toEqual(['@Module({ providers: [A] }) class M {} const xs = [];']);
  });
  test('block-removal empties function and if bodies', () => {
    expect(mutants('block-removal', 'function f() { work(); } if (x) { stop(); }')).toEqual(['function f() {} if (x) { stop(); }', 'function f() { work(); } if (x) {}']);
  });
  test('optional-chaining drops ?.', () => {
    expect(mutants('optional-chaining', 'const n = a?.b;')).toEqual(['const n = a.b;']);
  });
  test('method-call drops reduce\'s initial value and swaps some/every', () => {
    expect(mutants('method-call', 'xs.reduce((a, b) => a + b, 0); xs.some(f);')).toEqual(['xs.reduce((a, b) => a + b); xs.some(f);', 'xs.reduce((a, b) => a + b, 0); xs.every(f);']);
  });
  test('unary drops ! and -, and swaps ++ and --', () => {
    expect(mutants('unary', 'const a = !ok; i++;')).toEqual(['const a = ok; i++;', 'const a = !ok; i--;']);
  });
});

describe('Nest-aware operators', () => {
  test('pattern-decorator swaps @MessagePattern and @EventPattern', () => {
    expect(mutants('pattern-decorator', "class C { @MessagePattern({ cmd: 'sum' }) sum() {} @EventPattern('done') d() {} }")).toEqual([
      "class C { @EventPattern({ cmd: 'sum' }) sum() {} @EventPattern('done') d() {} }",
      "class C { @MessagePattern({ cmd: 'sum' }) sum() {} @MessagePattern('done') d() {} }",
    ]);
  });
  test("pattern-value changes a pattern's value and its shape", () => {
    expect(mutants('pattern-value', "class C { @MessagePattern({ cmd: 'sum' }) a() {} @EventPattern('done') b() {} }")).toEqual([
      "class C { @MessagePattern({ cmd: 'sum-x' }) a() {} @EventPattern('done') b() {} }",
      "class C { @MessagePattern('sum') a() {} @EventPattern('done') b() {} }",
      "class C { @MessagePattern({ cmd: 'sum' }) a() {} @EventPattern('done-x') b() {} }",
      "class C { @MessagePattern({ cmd: 'sum' }) a() {} @EventPattern({ cmd: 'done' }) b() {} }",
    ]);
  });
  test("module-member removes each class from a module's lists", () => {
    expect(mutants('module-member', '@Module({ imports: [Clients], controllers: [A, B], providers: [S] }) class M {}')).toEqual([
      '@Module({ imports: [], controllers: [A, B], providers: [S] }) class M {}',
      '@Module({ imports: [Clients], controllers: [B], providers: [S] }) class M {}',
      '@Module({ imports: [Clients], controllers: [A], providers: [S] }) class M {}',
      '@Module({ imports: [Clients], controllers: [A, B], providers: [] }) class M {}',
    ]);
  });
  test('send-emit swaps a client proxy\'s send and emit, not a channel\'s', () => {
    expect(mutants('send-emit', "client.send('a', 1); this.client.emit('b', 2); channel.send(x);")).toEqual([
      "client.emit('a', 1); this.client.emit('b', 2); channel.send(x);",
      "client.send('a', 1); this.client.send('b', 2); channel.send(x);",
    ]);
  });
  test('drop-first-value unwraps firstValueFrom and lastValueFrom', () => {
    expect(mutants('drop-first-value', 'const r = await firstValueFrom(client.send(p, d));')).toEqual(['const r = await client.send(p, d);']);
  });
  test('ack drops, duplicates, and moves an ack before the awaited work', () => {
    const source = 'async function h() { await save(m); channel.ack(msg); }';
    expect(mutants('ack', source)).toEqual([
      'async function h() { await save(m); }',
      'async function h() { await save(m); channel.ack(msg); channel.ack(msg); }',
      'async function h() { channel.ack(msg); await save(m); }',
    ]);
  });
  test('drop-option removes the options the lessons teach', () => {
    expect(mutants('drop-option', 'const o = { queue: q, noAck: false, prefetchCount: 1, urls: [u] };')).toEqual([
      'const o = { noAck: false, prefetchCount: 1, urls: [u] };',
      'const o = { queue: q, prefetchCount: 1, urls: [u] };',
      'const o = { queue: q, noAck: false, urls: [u] };',
    ]);
    expect(mutants('drop-option', 'app.connectMicroservice(opts, { inheritAppConfig: true });')).toEqual(['app.connectMicroservice(opts, { });']);
    // The only option, written with a trailing comma: the comma goes too, or the mutant would not compile.
    expect(mutants('drop-option', 'const q = {\n  durable: true,\n};')).toEqual(['const q = { };']);
  });
  test('grpc-decorator swaps @GrpcMethod and @GrpcStreamMethod', () => {
    expect(mutants('grpc-decorator', "class S { @GrpcMethod('Svc', 'Get') get() {} }")).toEqual(["class S { @GrpcStreamMethod('Svc', 'Get') get() {} }"]);
  });
  test('observable-to-array returns the values as an array', () => {
    expect(mutants('observable-to-array', 'function f() { return of(1, 2); } function g() { return from(xs); }')).toEqual(['function f() { return [1, 2]; } function g() { return from(xs); }', 'function f() { return of(1, 2); } function g() { return xs; }']);
  });
  test('drop-complete drops a complete() call', () => {
    expect(mutants('drop-complete', 'subject.next(1); subject.complete();')).toEqual(['subject.next(1);']);
  });
  test('reorder-emits swaps two values emitted in a row', () => {
    expect(mutants('reorder-emits', 'function f() { s.next(1); s.next(2); } const o = of(a, b);')).toEqual(['function f() { s.next(2); s.next(1); } const o = of(a, b);', 'function f() { s.next(1); s.next(2); } const o = of(b, a);']);
  });
  test('hardcode-env replaces an environment variable by a fixed value', () => {
    expect(mutants('hardcode-env', 'const p = Number(process.env.MATH_PORT); const q = process.env.USER_QUEUE;')).toEqual([
      "const p = Number('3000'); const q = process.env.USER_QUEUE;",
      "const p = Number(process.env.MATH_PORT); const q = 'user-queue';",
    ]);
  });
});

test('every operator has a unique id, a summary, and a test above', async () => {
  const ids = OPERATORS.map((o) => o.id);
  expect(new Set(ids).size).toBe(ids.length);
  const { readFileSync } = await import('node:fs');
  const self = readFileSync(__filename, 'utf8');
  for (const id of ids) expect(self, id).toContain(`mutants('${id}'`);
});
