import type { CheckResult } from '../check-result';

/** Machine-readable: status, per-test name/status/message/mistake, duration, logs. */
export function renderJson(results: CheckResult[]): string {
  const one = (r: CheckResult) => ({
    exercise: r.exercise,
    status: r.status,
    durationMs: r.durationMs,
    timedOut: r.timedOut,
    tests: r.tests.map((x) => ({ name: x.name, status: x.status, durationMs: x.durationMs, message: x.message, mistake: x.mistake, locations: x.locations })),
    logs: r.logs,
    timings: r.timings ?? [],
    ...(r.environmentError ? { error: r.environmentError } : {}),
  });
  return JSON.stringify(results.length === 1 ? one(results[0]) : { results: results.map(one) }, null, 2);
}
