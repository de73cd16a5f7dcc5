import { cpSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { cli, repoRoot, tempDir } from './cli';

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

/**
 * Two solved checks and a starter of one exercise, run at once through the real CLI, each in its own
 * workspace: asserts they give pass, pass and fail (none saw another's traffic). The caller then
 * asserts what the broker holds afterwards.
 */
export async function checkTwoSolvedAndAStarterAtOnce(exercise: string): Promise<void> {
  const workspaces = ['solved-a', 'solved-b', 'starter'].map((name) => ({ name, dir: tempDir(`lnm-${exercise}-${name}-`) }));
  for (const w of workspaces) {
    const r = await cli(['scaffold', exercise, '--dir', w.dir]);
    expect(r.exitCode, r.stderr).toBe(0);
    if (w.name !== 'starter') cpSync(path.join(repoRoot, 'solutions', exercise), path.join(w.dir, exercise), { recursive: true });
  }
  const results = await Promise.all(workspaces.map((w) => cli(['check', exercise, '--dir', w.dir, '--reporter', 'json'])));
  const statuses = results.map((r) => (JSON.parse(r.stdout) as { status: string }).status);
  expect(statuses, results.map((r) => r.stdout).join('\n')).toEqual(['pass', 'pass', 'fail']);
}
