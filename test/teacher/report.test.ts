import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ProgressStore } from '../../src/workspace/progress-store';
import { Workspace } from '../../src/workspace/workspace';
import { cli, fixtureContent, repoRoot, tempDir } from '../support/cli';

const fixture = { content: 'fixture' as const };
const version = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;

async function workspaceWith(...ids: string[]): Promise<string> {
  const dir = tempDir();
  for (const id of ids) await cli(['scaffold', id, '--dir', dir], fixture);
  return dir;
}

/** What `check` records after a verdict (the checks themselves are tested elsewhere). */
function recordCheck(dir: string, id: string, status: 'pass' | 'fail', at: string) {
  new ProgressStore(new Workspace(dir)).update(id, (p) => {
    p.attempts += 1;
    p.lastCheckedAt = at;
    p.lastStatus = status;
    if (status === 'pass') p.passedAt ??= at;
  });
}

// Each test runs the CLI several times: a generous limit for a busy machine, never a timing assertion.
describe('report', { timeout: 600_000 }, () => {
  test("a student's results against an assignment: status, points, attempts, hints, when it passed, version, digest", async () => {
    const dir = await workspaceWith('echo', 'echo-twice');
    cpSync(path.join(fixtureContent, 'solutions', 'echo'), path.join(dir, 'echo'), { recursive: true });
    await cli(['hint', 'echo-twice', '--dir', dir], fixture);
    await cli(['hint', 'echo-twice', '--dir', dir], fixture);
    recordCheck(dir, 'echo', 'fail', '2025-06-01T10:00:00.000Z');
    recordCheck(dir, 'echo', 'pass', '2025-07-02T10:00:00.000Z');
    recordCheck(dir, 'echo-twice', 'fail', '2025-06-01T11:00:00.000Z');
    const assignment = path.join(tempDir(), 'week.yaml');
    writeFileSync(assignment, 'title: Week 1\ndue: 2025-06-30\nexercises:\n  - id: echo\n    points: 10\n  - id: echo-twice\n    points: 5\n');

    const out = path.join(tempDir(), 'report.json');
    const r = await cli(['report', '--dir', dir, '--assignment', assignment, '--out', out], fixture);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Wrote your report to ${out}`);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ tool: 'learn-nest-micro', version, workspace: dir, assignment: { file: assignment, title: 'Week 1', due: '2025-06-30' }, points: 10, maxPoints: 15 });
    expect(report.exercises).toEqual([
      expect.objectContaining({ exercise: 'echo', status: 'pass', points: 10, maxPoints: 10, attempts: 2, hintsUsed: 0, passedAt: '2025-07-02T10:00:00.000Z', late: true, files: ['main.ts'] }),
      expect.objectContaining({ exercise: 'echo-twice', status: 'fail', points: 0, maxPoints: 5, attempts: 1, hintsUsed: 2, passedAt: null, late: null, files: ['main.ts'] }),
    ]);
    expect(report.exercises[0].digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    expect((await cli(['report', '--dir', dir, '--assignment', assignment, '--points'], fixture)).stdout.trim()).toBe('10/15');
    expect((await cli(['report', '--dir', dir, '--assignment', assignment, '--ids'], fixture)).stdout.trim().split('\n')).toEqual(['echo', 'echo-twice']);
  });

  test('without an assignment: every exercise the workspace holds, a point each; untouched ones are not-checked', async () => {
    const dir = await workspaceWith('echo');
    const report = JSON.parse((await cli(['report', '--dir', dir], fixture)).stdout);
    expect(report.assignment).toBeNull();
    expect(report.exercises).toEqual([expect.objectContaining({ exercise: 'echo', status: 'not-checked', points: 0, maxPoints: 1 })]);
  });

  test('the digest names the code: it changes when a file changes and not with the folder it is in', async () => {
    const a = await workspaceWith('echo');
    const b = await workspaceWith('echo');
    const digest = async (dir: string) => JSON.parse((await cli(['report', '--dir', dir], fixture)).stdout).exercises[0].digest;
    const before = await digest(a);
    expect(await digest(b)).toBe(before);
    writeFileSync(path.join(a, 'echo', 'main.ts'), readFileSync(path.join(a, 'echo', 'main.ts'), 'utf8') + '\n// one more line\n');
    expect(await digest(a)).not.toBe(before);
    writeFileSync(path.join(b, 'echo', 'notes.md'), 'mine\n');
    expect(await digest(b)).not.toBe(before);
  });
});
