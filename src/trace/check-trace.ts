import type { TestOutcome } from '../grading/check-result';
import type { Trace, TraceTest } from './model';
import type { TraceRecorder } from './recorder';

/**
 * The trace of a finished check: the recorded events, and the suite's tests as time windows (from
 * each test's start and duration) so that a test's own messages can be shown. Tests without a start
 * time (the runner's own rows: start-up, TypeScript) are left out.
 */
export function checkTrace(recorder: TraceRecorder, tests: TestOutcome[], status: 'pass' | 'fail'): Trace {
  const windows: TraceTest[] = [];
  for (const test of tests as (TestOutcome & { startedAt?: number })[]) {
    if (test.startedAt === undefined) continue;
    const startMs = Math.max(0, test.startedAt - recorder.startedAt);
    windows.push({ name: test.name, status: test.status, startMs, endMs: startMs + test.durationMs });
  }
  return recorder.toTrace({ status, tests: windows });
}
