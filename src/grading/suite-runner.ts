import path from 'node:path';
import type { Exercise } from '../catalog/catalog';
import { packageRoot } from '../paths';
import { MISTAKE_MARKER } from '../harness/index';
import type { TestOutcome } from './check-result';

type Vitest = Awaited<ReturnType<typeof import('vitest/node').createVitest>>;
type Task = { type: string; name: string; tasks?: Task[]; result?: { state?: string; duration?: number; errors?: { message?: string; name?: string }[] }; mode?: string };

/**
 * The hidden suite of one exercise, run in-process through vitest's Node API. `prepare` loads vitest
 * while the services start; `run` executes the suite once they are ready.
 */
export class HiddenSuite {
  private constructor(
    private readonly vitest: Vitest,
    private readonly files: string[],
  ) {}

  static async prepare(options: { exercise: Exercise; env: Record<string, string>; cacheDir: string; testTimeoutMs: number }): Promise<HiddenSuite> {
    const { createVitest } = await import('vitest/node');
    const files = options.exercise.checkFiles;
    const vitest = await createVitest(
      'test',
      {
        root: options.exercise.dir,
        config: false,
        watch: false,
        include: ['checks/**/*.check.ts'],
        reporters: [{}],
        pool: 'threads',
        fileParallelism: false,
        isolate: false,
        // The first failure is the one to fix, and the checks after it mostly fail because of it:
        // stopping there gives the learner the answer in seconds instead of waiting out every timeout.
        bail: 1,
        testTimeout: options.testTimeoutMs,
        hookTimeout: options.testTimeoutMs,
        env: options.env,
        silent: true,
        setupFiles: [path.join(packageRoot, 'dist', 'harness', 'suite-setup.mjs')],
        passWithNoTests: false,
      },
      {
        cacheDir: path.join(options.cacheDir, 'vite'),
        logLevel: 'silent',
        resolve: { alias: { 'learn-nest-micro/harness': path.join(packageRoot, 'dist', 'harness', 'index.js') } },
      },
    );
    return new HiddenSuite(vitest, files);
  }

  async run(): Promise<TestOutcome[]> {
    await this.vitest.start(this.files);
    const outcomes: TestOutcome[] = [];
    for (const file of this.vitest.state.getFiles() as unknown as Task[]) {
      // An error outside any test (e.g. the suite file failed to load) is a failure of its own.
      for (const error of file.result?.errors ?? []) outcomes.push(toOutcome(`${path.basename(file.name)} (loading)`, 'fail', 0, error.message));
      collect(file.tasks ?? [], [], outcomes);
    }
    return outcomes;
  }

  async cancel(): Promise<void> {
    await this.vitest.cancelCurrentRun('keyboard-input').catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.vitest.close().catch(() => undefined);
  }
}

function collect(tasks: Task[], parents: string[], into: TestOutcome[]): void {
  for (const task of tasks) {
    if (task.type === 'suite') {
      collect(task.tasks ?? [], [...parents, task.name], into);
      continue;
    }
    const state = task.result?.state;
    const status = state === 'pass' ? 'pass' : state === 'fail' ? 'fail' : 'skip';
    into.push(toOutcome([...parents, task.name].join(' > '), status, task.result?.duration ?? 0, task.result?.errors?.[0]?.message));
  }
}

function toOutcome(name: string, status: TestOutcome['status'], durationMs: number, rawMessage?: string): TestOutcome {
  if (status !== 'fail') return { name, status, durationMs };
  const text = rawMessage ?? 'failed without a message';
  const mistake = MISTAKE_MARKER.exec(text)?.[1];
  return { name, status, durationMs, message: text.replace(MISTAKE_MARKER, ''), mistake };
}
