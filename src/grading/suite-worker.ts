/**
 * The worker thread that runs one hidden suite (see suite-runner.ts for the other side). It starts by
 * loading what every suite needs (the harness, Nest's clients, rxjs), so that a worker made ahead of
 * time is warm; then it loads the suite's files (compiled by the runner) when told to, waits until the runner says the learner's
 * services are ready, and runs the tests one after the other, stopping at the first failure as a
 * learner wants (the checks after it mostly fail because of it).
 */
import Module from 'node:module';
import path from 'node:path';
import { inspect } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { collectInto, newScope, type Hook, type Scope, type TestCase } from './suite-api';

export interface RawOutcome {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  durationMs: number;
  /** The failure's message, verbatim (the runner reads the mistake marker from it). */
  message?: string;
  /** When the test started (ms since the epoch). */
  startedAt?: number;
}

export type ToWorker = { type: 'load'; files: string[]; compiled: Record<string, string>; env: Record<string, string>; testTimeoutMs: number } | { type: 'run' };
export type FromWorker = { type: 'loaded' } | { type: 'done'; outcomes: RawOutcome[] };

const apiFile = path.join(__dirname, 'suite-api.js');
const harnessFile = path.join(__dirname, '..', 'harness', 'index.js');
const aliases: Record<string, string> = { vitest: apiFile, 'learn-nest-micro/harness': harnessFile };

// The suite's console output is not the learner's report (the check prints that); a client that logs
// to stdout must not interleave with it either. The runner drains both streams.
// Errors nobody awaited (a client's socket closing late) must not end the worker: vitest ignored them too.
process.on('unhandledRejection', () => undefined);
process.on('uncaughtException', (error) => process.stderr.write(`uncaught in the hidden suite: ${inspect(error)}\n`));

type ModuleInternals = typeof Module & {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _extensions: Record<string, (module: NodeJS.Module & { _compile(code: string, filename: string): void }, filename: string) => void>;
};
const internals = Module as ModuleInternals;
const resolveFilename = internals._resolveFilename.bind(Module);
internals._resolveFilename = (request, parent, isMain, options) => resolveFilename(aliases[request] ?? request, parent, isMain, options);

// The suite's TypeScript arrives compiled (suite-runner.ts): a native addon such as swc must not be
// loaded in a worker thread, whose end can then crash the whole process.
let compiled: Record<string, string> = {};
internals._extensions['.ts'] = (module, filename) => {
  const code = compiled[filename];
  if (code === undefined) throw new Error(`${filename} is not part of the hidden suite's folder`);
  module._compile(code, filename);
};

// Warm: what every suite loads anyway, while the services start (or while the learner edits).
require(harnessFile);
require('rxjs');
require('@nestjs/microservices');

const root = newScope('');
let testTimeoutMs = 15_000;
const loadErrors: RawOutcome[] = [];

function load(message: Extract<ToWorker, { type: 'load' }>): void {
  Object.assign(process.env, message.env);
  compiled = message.compiled;
  testTimeoutMs = message.testTimeoutMs;
  for (const file of message.files) {
    const fileScope = newScope('');
    try {
      collectInto(fileScope, () => require(file));
      root.children.push(fileScope);
    } catch (error) {
      loadErrors.push({ name: `${path.basename(file)} (loading)`, status: 'fail', durationMs: 0, message: messageOf(error) });
    }
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : inspect(error);
}

/** Runs fn, failing with vitest's wording when it takes longer than ms. */
async function timed(fn: () => unknown, ms: number, what: 'Test' | 'Hook'): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out in ${ms}ms.`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runHooks(hooks: Hook[]): Promise<unknown> {
  for (const hook of hooks) {
    try {
      await timed(hook.fn, hook.timeoutMs ?? testTimeoutMs, 'Hook');
    } catch (error) {
      return error ?? new Error('a hook failed without an error');
    }
  }
  return undefined;
}

function hasRunnable(scope: Scope): boolean {
  return !scope.skip && scope.children.some((c) => (c.kind === 'test' ? !c.skip : hasRunnable(c)));
}

class Run {
  readonly outcomes: RawOutcome[] = [];
  bailed = false;

  skipAll(scope: Scope, names: string[]): void {
    for (const child of scope.children) {
      if (child.kind === 'test') this.outcomes.push({ name: [...names, child.name].join(' > '), status: 'skip', durationMs: 0 });
      else this.skipAll(child, [...names, child.name]);
    }
  }

  async scope(scope: Scope, names: string[], chain: Scope[]): Promise<void> {
    if (this.bailed || !hasRunnable(scope)) return this.skipAll(scope, names);
    const failedBefore = await runHooks(scope.beforeAll);
    if (failedBefore !== undefined) {
      this.fail(`${names.join(' > ') || 'suite'} (beforeAll)`, 0, failedBefore);
      this.skipAll(scope, names);
    } else {
      for (const child of scope.children) {
        if (child.kind === 'test') await this.test(child, names, [...chain, scope]);
        // A file's scope has no name: its tests are named as in vitest, without the file.
        else await this.scope(child, child.name ? [...names, child.name] : names, [...chain, scope]);
      }
    }
    const failedAfter = await runHooks(scope.afterAll);
    // After a failure its clean-up may fail too; that is noise beside the first failure.
    if (failedAfter !== undefined && !this.bailed) this.fail(`${names.join(' > ') || 'suite'} (afterAll)`, 0, failedAfter);
  }

  async test(test: TestCase, names: string[], chain: Scope[]): Promise<void> {
    const name = [...names, test.name].join(' > ');
    if (this.bailed || test.skip) return void this.outcomes.push({ name, status: 'skip', durationMs: 0 });
    const startedAt = Date.now();
    let error = await runHooks(chain.flatMap((s) => s.beforeEach));
    if (error === undefined) {
      try {
        await timed(test.fn, test.timeoutMs ?? testTimeoutMs, 'Test');
      } catch (thrown) {
        error = thrown ?? new Error('the test failed without an error');
      }
    }
    const afterError = await runHooks([...chain].reverse().flatMap((s) => s.afterEach));
    error ??= afterError;
    if (error !== undefined) this.fail(name, startedAt, error);
    else this.outcomes.push({ name, status: 'pass', durationMs: Date.now() - startedAt, startedAt });
  }

  fail(name: string, startedAt: number, error: unknown): void {
    this.bailed = true;
    this.outcomes.push({ name, status: 'fail', durationMs: startedAt ? Date.now() - startedAt : 0, startedAt: startedAt || undefined, message: messageOf(error) });
  }
}

/** The runner answers once every service is ready, or once one failed to start (then nothing runs). */
async function servicesReady(): Promise<boolean> {
  const res = await fetch(new URL('/ready', process.env.LNM_CONTROL_URL), { signal: AbortSignal.timeout(Number(process.env.LNM_READY_TIMEOUT_MS) || 600_000) });
  return ((await res.json()) as { ready: boolean }).ready;
}

async function run(): Promise<RawOutcome[]> {
  if (loadErrors.length > 0) return loadErrors;
  let ready: boolean;
  try {
    ready = await servicesReady();
  } catch (error) {
    return [{ name: 'suite (beforeAll)', status: 'fail', durationMs: 0, message: `the services did not start: ${messageOf(error)}` }];
  }
  if (!ready) return [{ name: 'suite (beforeAll)', status: 'fail', durationMs: 0, message: 'the services did not start' }];
  const state = new Run();
  try {
    await state.scope(root, [], []);
  } finally {
    // The clients the suite opened through the harness (TCP, Redis, NATS, MQTT).
    const harness = require(harnessFile) as typeof import('../harness/index');
    await timed(() => harness.closeClients(), 5000, 'Hook').catch(() => undefined);
  }
  return state.outcomes;
}

parentPort?.on('message', (message: ToWorker) => {
  if (message.type === 'load') {
    load(message);
    parentPort?.postMessage({ type: 'loaded' } satisfies FromWorker);
  } else {
    void run().then((outcomes) => parentPort?.postMessage({ type: 'done', outcomes } satisfies FromWorker));
  }
});
