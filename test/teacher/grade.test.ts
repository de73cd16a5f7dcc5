import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { cli, fixtureContent, tempDir } from '../support/cli';
import { processesMatching, waitFor } from '../support/wait';
import { makeClass } from './class-fixture';

const fixture = { content: 'fixture' as const };

interface Result {
  exercise: string;
  status: string;
  points: number;
  maxPoints: number;
  message: string;
}
interface Book {
  students: { workspace: string; results: Result[]; points: number; maxPoints: number }[];
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A grading run of its own: its temporary folder (TMPDIR) is unique, so its processes are told apart
 * from any other's by their command lines, and it is stopped if the test ends first.
 */
function grading(args: string[], options: Parameters<typeof cli>[1] = {}) {
  const tmp = tempDir('lnm-tmp-');
  const child = cli(['grade', ...args], { content: 'fixture', ...options, env: { TMPDIR: tmp, ...options.env } });
  onTestFinished(() => {
    child.kill('SIGTERM');
  });
  const processes = () => processesMatching(`${tmp}/lnm-grade-`);
  return { child, processes };
}

describe('grade', () => {
  test('grades a class from their files: solved, untouched, half-done, hanging and not compiling; the hanging one is cut off by the time limit and the rest finish', async () => {
    const { root, students } = makeClass();
    // A progress file claiming a pass must change nothing: grading reruns the checks.
    mkdirSync(path.join(students.untouched, '.learn-nest-micro'), { recursive: true });
    writeFileSync(path.join(students.untouched, '.learn-nest-micro', 'progress.json'), JSON.stringify({ version: 1, exercises: { echo: { attempts: 1, passes: 1, lastStatus: 'pass', passedAt: '2025-01-01T00:00:00.000Z' } } }));
    const assignment = path.join(root, 'week.json');
    // Generous for solved code on a busy machine, and all the hanging service gets.
    writeFileSync(assignment, JSON.stringify({ title: 'Fixture week', timeoutSeconds: 25, exercises: [{ id: 'echo', points: 10 }, { id: 'echo-twice', points: 5 }] }));
    const out = path.join(root, 'gradebook.json');

    const run = grading([...Object.values(students), '--assignment', assignment, '--out', out, '--jobs', '2']);
    const r = await run.child;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Wrote the gradebook of 5 students to ${out}`);
    const book = JSON.parse(readFileSync(out, 'utf8')) as Book;
    const report = JSON.stringify(book, null, 2);
    const of = (dir: string) => book.students.find((s) => s.workspace === dir)!;
    const result = (dir: string, id: string) => of(dir).results.find((x) => x.exercise === id)!;

    expect(book.students.map((s) => s.workspace)).toEqual(Object.values(students));
    for (const s of book.students) {
      expect(s.results.map((x) => x.exercise), report).toEqual(['echo', 'echo-twice']);
      expect(s.maxPoints).toBe(15);
    }
    expect(of(students.solved), report).toMatchObject({ points: 15, results: [{ status: 'pass', points: 10, maxPoints: 10 }, { status: 'pass', points: 5, maxPoints: 5 }] });
    expect(of(students.untouched), report).toMatchObject({ points: 0, results: [{ status: 'fail', points: 0 }, { status: 'fail', points: 0 }] });
    expect(result(students.untouched, 'echo').message, report).toContain('The handler returns nothing');
    expect(of(students.halfDone), report).toMatchObject({ points: 10, results: [{ status: 'pass', points: 10 }, { status: 'fail', points: 0 }] });
    expect(of(students.hangs), report).toMatchObject({ points: 0, results: [{ status: 'fail', points: 0 }, { status: 'fail', points: 0, message: 'not submitted' }] });
    expect(result(students.hangs, 'echo').message, report).toMatch(/Timed out after 25s|did not become ready within \d+s/);
    expect(of(students.broken), report).toMatchObject({ points: 5, results: [{ status: 'fail', points: 0 }, { status: 'pass', points: 5 }] });
    expect(result(students.broken, 'echo').message, report).toMatch(/^TypeScript compiles: .*echo\/main\.ts:\d+:\d+ TS2322/);

    expect(r.stderr).toMatch(/\[5\/5\] /);
    expect(await run.processes()).toEqual([]);
  }, 1_800_000);

  test('Ctrl-C stops every check at once and leaves no process behind', async () => {
    const { students } = makeClass();
    const { child, processes } = grading([students.hangs, students.solved, '--timeout', '120'], { detached: true });
    await waitFor(async () => (await processes()).some((p) => p.includes('ts-register')), 120_000);
    expect((await processes()).length).toBeGreaterThan(0);
    process.kill(child.pid!, 'SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('Grading interrupted');
    await waitFor(async () => (await processes()).length === 0, 10_000);
    expect(await processes()).toEqual([]);
  }, 600_000);

  test('a workspace without the exercises gets "not submitted" in every format, without running a check', { timeout: 600_000 }, async () => {
    const empty = tempDir();
    const assignment = path.join(tempDir(), 'week.yaml');
    writeFileSync(assignment, 'exercises:\n  - id: echo\n    points: 3\n');
    const json = JSON.parse((await cli(['grade', empty, '--assignment', assignment], fixture)).stdout) as Book;
    expect(json).toEqual({ students: [{ workspace: empty, results: [{ exercise: 'echo', status: 'fail', points: 0, maxPoints: 3, message: 'not submitted' }], points: 0, maxPoints: 3 }] });
    const csv = await cli(['grade', empty, '--assignment', assignment, '--format', 'csv'], fixture);
    expect(csv.stdout.split(/\r?\n/)).toEqual(['workspace,echo,points,maxPoints', `${empty},0,0,3`]);
    const md = path.join(tempDir(), 'summary.md');
    expect((await cli(['grade', empty, '--assignment', assignment, '--out', md], fixture)).exitCode).toBe(0);
    expect(readFileSync(md, 'utf8')).toContain('Not submitted by 1.');
    const junit = await cli(['grade', empty, '--assignment', assignment, '--format', 'junit'], fixture);
    expect(junit.stdout).toContain(`<testcase classname="${empty}" name="echo">`);
  });

  test('a broker that is down is said once, before anyone is graded (exit 2)', { timeout: 600_000 }, async () => {
    const content = tempDir();
    cpSync(fixtureContent, content, { recursive: true });
    const manifest = path.join(content, 'exercises', 'echo', 'exercise.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), brokers: ['rabbitmq'] }));
    const { students } = makeClass();
    const r = await cli(['grade', students.solved], { env: { LNM_CONTENT_ROOT: content, RABBITMQ_URL: `amqp://127.0.0.1:${await closedPort()}` } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('RabbitMQ is not reachable');
    expect(r.stdout).toBe('');
  });

  test('usage errors exit 2', { timeout: 600_000 }, async () => {
    const dir = tempDir();
    expect((await cli(['grade', dir, '--format', 'xls'], fixture)).stderr).toContain('Unknown gradebook format "xls"');
    expect((await cli(['grade', dir, '--jobs', '0'], fixture)).stderr).toContain('--jobs takes a whole number');
    const missing = await cli(['grade', path.join(dir, 'nobody')], fixture);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`There is no folder ${path.join(dir, 'nobody')} to grade.`);
    const nothing = await cli(['grade', dir], fixture);
    expect(nothing.exitCode).toBe(2);
    expect(nothing.stderr).toContain('None of these workspaces holds an exercise of the course');
    expect((await cli(['grade'], fixture)).exitCode).toBe(2);
  });
});
