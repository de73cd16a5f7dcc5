import type { Trace } from '../trace/model';

/** What a check found, in a form every reporter can render. The runner and suites fill it; reporters only read it. */
export type CheckStatus = 'pass' | 'fail' | 'error';

export interface TestOutcome {
  /** The test's name, with its describe blocks ("gateway > GET /math/sum answers 6"). */
  name: string;
  status: 'pass' | 'fail' | 'skip';
  durationMs: number;
  /** For a failure: what the learner reads (title, explanation, fix, evidence). */
  message?: string;
  /** The known mistake this failure was identified as, if any. */
  mistake?: string;
  /** When the test started (ms since the epoch): a trace's events are matched to tests by it. */
  startedAt?: number;
  /** Clickable file:line locations related to the failure. */
  locations?: string[];
}

export interface CheckResult {
  exercise: string;
  status: CheckStatus;
  durationMs: number;
  /** Ordered: start-up, then the hidden suite's tests in file order, then TypeScript. */
  tests: TestOutcome[];
  /** Output of each service, by name. */
  logs: Record<string, string>;
  timedOut: boolean;
  /** Where the time went: each phase from the check's start, in milliseconds (see `check --timings`). */
  timings?: PhaseTiming[];
  /** The messages recorded during the check (`check --trace`), see src/trace/model.ts. */
  trace?: Trace;
  /** Set for environment problems (status 'error', exit 2): e.g. a broker that is not running. */
  environmentError?: { message: string; hint?: string };
}

export interface PhaseTiming {
  /** broker probe, service <name> (spawn to ready), type check, suite load, tests, teardown */
  phase: string;
  startMs: number;
  durationMs: number;
}

export function firstFailure(result: CheckResult): TestOutcome | undefined {
  return result.tests.find((t) => t.status === 'fail');
}
