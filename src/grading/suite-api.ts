/**
 * What a hidden suite gets when it imports 'vitest'. Hidden suites are written against vitest's API
 * (their types, editors and `npm run typecheck` use vitest's), but a check runs them with this small
 * runner inside a worker thread: loading vitest and vite for one suite cost about 1.5 CPU-seconds of every
 * check, more than the learner's services. It offers what suites use: test (it), describe, the four
 * hooks, a timeout per test or hook, `.skip`, and `expect` (loaded when first called). Anything else a suite imports from 'vitest' is
 * undefined at run time and fails `dev verify` at once (see docs/AUTHORING.md, "The hidden suite").
 */

export type TestFn = () => unknown;
type TimeoutOption = number | { timeout?: number };

export interface TestCase {
  kind: 'test';
  name: string;
  fn: TestFn;
  timeoutMs?: number;
  skip: boolean;
}

export interface Hook {
  fn: TestFn;
  timeoutMs?: number;
}

export interface Scope {
  kind: 'scope';
  name: string;
  children: (TestCase | Scope)[];
  beforeAll: Hook[];
  afterAll: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
  skip: boolean;
}

export function newScope(name: string, skip = false): Scope {
  return { kind: 'scope', name, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], skip };
}

/** The scope that test() and the hooks add to while a suite file (or a describe body) is being read. */
let current: Scope | undefined;

/** Reads a suite file's tests into `root`: the runner calls this around the file's require(). */
export function collectInto<T>(root: Scope, load: () => T): T {
  const before = current;
  current = root;
  try {
    return load();
  } finally {
    current = before;
  }
}

function scope(what: string): Scope {
  if (!current) throw new Error(`${what}() was called outside a hidden suite being loaded (inside a test, say)`);
  return current;
}

function timeoutOf(option: TimeoutOption | undefined): number | undefined {
  const ms = typeof option === 'number' ? option : option?.timeout;
  return typeof ms === 'number' && ms > 0 ? ms : undefined;
}

/** test(name, fn, timeout?) or test(name, { timeout }, fn), as vitest takes them. */
function addTest(skip: boolean, name: string, a?: TestFn | TimeoutOption, b?: TestFn | TimeoutOption): void {
  const fn = typeof a === 'function' ? a : typeof b === 'function' ? b : undefined;
  const option = typeof a === 'function' ? (b as TimeoutOption | undefined) : (a as TimeoutOption | undefined);
  scope('test').children.push({ kind: 'test', name, fn: fn ?? (() => undefined), timeoutMs: timeoutOf(option), skip: skip || !fn });
}

type TestApi = ((name: string, a?: TestFn | TimeoutOption, b?: TestFn | TimeoutOption) => void) & { skip: (name: string, a?: TestFn | TimeoutOption, b?: TestFn | TimeoutOption) => void; todo: (name: string) => void };

export const test: TestApi = Object.assign((name: string, a?: TestFn | TimeoutOption, b?: TestFn | TimeoutOption) => addTest(false, name, a, b), {
  skip: (name: string, a?: TestFn | TimeoutOption, b?: TestFn | TimeoutOption) => addTest(true, name, a, b),
  todo: (name: string) => addTest(true, name),
});
export const it = test;

type DescribeApi = ((name: string, body: () => void) => void) & { skip: (name: string, body: () => void) => void };

function addDescribe(skip: boolean, name: string, body: () => void): void {
  const parent = scope('describe');
  const child = newScope(name, skip || parent.skip);
  parent.children.push(child);
  const result = collectInto(child, body) as unknown;
  if (result instanceof Promise) throw new Error(`describe("${name}") must not be async: its body only declares tests`);
}

export const describe: DescribeApi = Object.assign((name: string, body: () => void) => addDescribe(false, name, body), {
  skip: (name: string, body: () => void) => addDescribe(true, name, body),
});

export const beforeAll = (fn: TestFn, timeout?: TimeoutOption): void => void scope('beforeAll').beforeAll.push({ fn, timeoutMs: timeoutOf(timeout) });
export const afterAll = (fn: TestFn, timeout?: TimeoutOption): void => void scope('afterAll').afterAll.push({ fn, timeoutMs: timeoutOf(timeout) });
export const beforeEach = (fn: TestFn, timeout?: TimeoutOption): void => void scope('beforeEach').beforeEach.push({ fn, timeoutMs: timeoutOf(timeout) });
export const afterEach = (fn: TestFn, timeout?: TimeoutOption): void => void scope('afterEach').afterEach.push({ fn, timeoutMs: timeoutOf(timeout) });

type Expect = typeof import('vitest').expect;
let loadedExpect: Expect | undefined;

/** vitest's own `expect` (chai with its Jest-style matchers), loaded the first time a suite calls it. */
export const expect = ((...args: Parameters<Expect>) => {
  if (!loadedExpect) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const chai = require('chai') as { use(plugin: unknown): void; expect: unknown };
    const matchers = require('@vitest/expect') as Record<'JestExtend' | 'JestChaiExpect' | 'JestAsymmetricMatchers', unknown>;
    /* eslint-enable @typescript-eslint/no-require-imports */
    chai.use(matchers.JestExtend);
    chai.use(matchers.JestChaiExpect);
    chai.use(matchers.JestAsymmetricMatchers);
    loadedExpect = chai.expect as Expect;
  }
  return loadedExpect(...args);
}) as Expect;
