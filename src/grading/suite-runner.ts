import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { swcOptions } from '../runner/ts-register';
import type { Exercise } from '../catalog/catalog';
import { MISTAKE_MARKER } from '../harness/index';
import type { TestOutcome } from './check-result';
import type { FromWorker, RawOutcome, ToWorker } from './suite-worker';

const workerFile = path.join(__dirname, 'suite-worker.js');
const STDERR_KEPT = 4000;

/** A worker thread for one suite, with the last of its stderr kept for when it dies. */
class SuiteWorker {
  readonly thread: Worker;
  stderr = '';
  exited: Promise<string>;

  constructor() {
    // stdout and stderr are the worker's own (drained here), never the command's: see suite-worker.ts.
    this.thread = new Worker(workerFile, { stdout: true, stderr: true });
    this.thread.stdout.resume();
    this.thread.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT);
    });
    this.exited = new Promise((resolve) => {
      this.thread.once('error', (error) => resolve(`${error.message}${this.stderr ? `\n${this.stderr.trim()}` : ''}`));
      this.thread.once('exit', (code) => resolve(`the hidden suite's worker exited with code ${code}${this.stderr ? `\n${this.stderr.trim()}` : ''}`));
    });
    this.thread.unref();
  }

  /** Sends a message and waits for the answer of that type, or for the worker's end. */
  ask<T extends FromWorker['type']>(message: ToWorker, answer: T): Promise<Extract<FromWorker, { type: T }>> {
    this.thread.ref();
    return new Promise((resolve, reject) => {
      const onMessage = (reply: FromWorker) => {
        if (reply.type !== answer) return;
        this.thread.off('message', onMessage);
        this.thread.unref();
        resolve(reply as Extract<FromWorker, { type: T }>);
      };
      this.thread.on('message', onMessage);
      void this.exited.then((why) => reject(new Error(why)));
      this.thread.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    // An idle worker is unref'd: waiting for its end must keep the command alive, or the command
    // would quietly end here with nothing printed.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      await this.thread.terminate();
    } catch {
      // Already gone.
    } finally {
      clearInterval(keepAlive);
    }
  }
}

/** Workers made ahead of time for the next checks of a long-lived command (watch, dev verify). */
const spares: SuiteWorker[] = [];
let spareCount = 0;

/**
 * The hidden suite of one exercise, run in a worker thread (suite-worker.ts) with the small runner of
 * suite-api.ts. `prepare` loads the suite while the services start; `run` executes it once they are
 * ready. The worker ends with the check: no state of one check's suite reaches the next.
 */
export class HiddenSuite {
  private constructor(
    private readonly worker: SuiteWorker,
    private readonly loadFailure?: string,
  ) {}

  /**
   * Keep this many warm workers ready for the checks to come (watch, dev verify): the next suite then
   * loads in milliseconds. A one-shot `check` keeps none; there the load overlaps the services' start.
   */
  static keepWarm(count: number): void {
    spareCount = count;
    while (spares.length < spareCount) spares.push(new SuiteWorker());
    for (const extra of spares.splice(spareCount)) void extra.terminate();
  }

  static async prepare(options: { exercise: Exercise; env: Record<string, string>; testTimeoutMs: number }): Promise<HiddenSuite> {
    const worker = spares.shift() ?? new SuiteWorker();
    try {
      const compiled = compileSuite(options.exercise.checkFiles);
      await worker.ask({ type: 'load', files: options.exercise.checkFiles, compiled, env: options.env, testTimeoutMs: options.testTimeoutMs }, 'loaded');
      return new HiddenSuite(worker);
    } catch (error) {
      return new HiddenSuite(worker, (error as Error).message);
    }
  }

  /** The suite's outcomes; a worker that dies is one failure, never a thrown error. */
  async run(): Promise<TestOutcome[]> {
    try {
      if (this.loadFailure) throw new Error(this.loadFailure);
      const { outcomes } = await this.worker.ask({ type: 'run' }, 'done');
      return outcomes.map(toOutcome);
    } catch (error) {
      return [toOutcome({ name: 'hidden suite', status: 'fail', durationMs: 0, message: (error as Error).message })];
    }
  }

  async cancel(): Promise<void> {
    await this.worker.terminate();
  }

  async close(): Promise<void> {
    await this.worker.terminate();
    while (spares.length < spareCount) spares.push(new SuiteWorker());
  }
}

const SUITE_SETTINGS = { target: 'es2022', decorators: true, decoratorMetadata: false, esModuleInterop: true, useDefineForClassFields: true };
const compiledFiles = new Map<string, { source: string; code: string }>();

/**
 * The suite's TypeScript files (the check files and the modules beside them) as CommonJS, compiled
 * here with swc and kept in memory for this command only: never written where a learner's code could
 * change them. No source maps: a suite's failures are its own messages.
 */
function compileSuite(checkFiles: string[]): Record<string, string> {
  const swc = require('@swc/core') as typeof import('@swc/core');
  const out: Record<string, string> = {};
  for (const dir of new Set(checkFiles.map((f) => path.dirname(f)))) {
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    for (const relative of files) {
      const file = path.join(dir, relative);
      const source = readFileSync(file, 'utf8');
      let entry = compiledFiles.get(file);
      if (entry?.source !== source) {
        entry = { source, code: swc.transformSync(source, { ...swcOptions(SUITE_SETTINGS, file), sourceMaps: false } as import('@swc/core').Options).code };
        compiledFiles.set(file, entry);
      }
      out[file] = entry.code;
    }
  }
  return out;
}

function toOutcome(raw: RawOutcome): TestOutcome {
  const { name, status, durationMs, startedAt } = raw;
  if (status !== 'fail') return { name, status, durationMs, startedAt };
  const text = raw.message ?? 'failed without a message';
  const mistake = MISTAKE_MARKER.exec(text)?.[1];
  return { name, status, durationMs, startedAt, message: text.replace(MISTAKE_MARKER, ''), mistake };
}
