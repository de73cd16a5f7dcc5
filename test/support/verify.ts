import { expect, test } from 'vitest';
import { cli } from './cli';

/**
 * Runs `dev verify <id>` through the real CLI: the starter fails, the solution passes and each
 * mistake fixture fails with its intended mistake. One test file per exercise, so they run in parallel.
 */
export function verifiesExercise(id: string): void {
  test(`${id}: starter fails, solution passes, every mistake is reported`, async () => {
    const r = await cli(['dev', 'verify', id]);
    const report = `${r.stdout}\n${r.stderr}`;
    // A first attempt that fails and is retried is otherwise invisible in the run's output.
    if (r.exitCode !== 0) console.error(`dev verify ${id} failed (exit ${r.exitCode}):\n${report}`);
    expect(r.stderr, report).toBe('');
    expect(r.stdout, report).toMatch(/\d+ passed, 0 failed/);
    expect(r.exitCode, report).toBe(0);
  }, 600_000);
}
