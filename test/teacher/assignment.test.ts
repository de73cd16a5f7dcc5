import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { applyAssignment, loadAssignment } from '../../src/teacher/assignment';
import { Workspace } from '../../src/workspace/workspace';
import { cli, tempDir } from '../support/cli';

const fixture = { content: 'fixture' as const };

// Each test runs the CLI several times: generous limits for a busy machine, never a timing assertion.
test("the teacher's commands have --help with an example", { timeout: 600_000 }, async () => {
  for (const command of ['assign', 'report', 'grade']) {
    const r = await cli([command, '--help']);
    expect(r.exitCode, command).toBe(0);
    expect(r.stdout, command).toMatch(/Example:\n\s+\$ learn-nest-micro /);
  }
});

describe('assign', { timeout: 600_000 }, () => {
  test('writes a JSON assignment with every rule it was given', async () => {
    const file = path.join(tempDir(), 'week1.json');
    const r = await cli(['assign', '--out', file, '--exercises', 'echo,echo-twice', '--points', '5', '--due', '2025-06-30', '--no-hints', '--no-solutions', '--lang', 'en', '--timeout', '30', '--title', 'Week 1'], fixture);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 exercises, 10 points in all');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      title: 'Week 1',
      exercises: [
        { id: 'echo', points: 5 },
        { id: 'echo-twice', points: 5 },
      ],
      due: '2025-06-30',
      hints: false,
      solutions: false,
      language: 'en',
      timeoutSeconds: 30,
    });
  });

  test('writes YAML for a .yaml file, every exercise of the course by default, and never overwrites without --force', async () => {
    const file = path.join(tempDir(), 'week1.yaml');
    expect((await cli(['assign', '--out', file], fixture)).exitCode).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('- id: echo\n    points: 10');
    expect(text).toContain('- id: echo-twice');
    expect(loadAssignment(file).assignment).toMatchObject({ hints: true, solutions: true, exercises: [{ id: 'echo' }, { id: 'echo-twice' }] });
    const again = await cli(['assign', '--out', file, '--points', '1'], fixture);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect((await cli(['assign', '--out', file, '--points', '1', '--force'], fixture)).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('points: 1');
  });

  test('an unknown exercise or a bad flag is a usage error', async () => {
    const file = path.join(tempDir(), 'a.json');
    const unknown = await cli(['assign', '--out', file, '--exercises', 'ecoh'], fixture);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain(`Invalid assignment ${file}: exercises.0.id: there is no exercise "ecoh". Did you mean "echo"?`);
    expect((await cli(['assign', '--out', file, '--points', 'ten'], fixture)).stderr).toContain('--points takes a number');
    expect((await cli(['assign', '--out', file, '--due', 'tomorrow'], fixture)).stderr).toContain('--due takes a date');
    expect((await cli(['assign'], fixture)).exitCode).toBe(2);
  });
});

describe('a malformed assignment names the file and the field', { timeout: 600_000 }, () => {
  function write(name: string, text: string): string {
    const file = path.join(tempDir(), name);
    writeFileSync(file, text);
    return file;
  }

  test('YAML: wrong types, a bad date and a misspelt field', async () => {
    const file = write('bad.yaml', 'exercises:\n  - id: echo\n    points: ten\ndue: next friday\nhint: false\n');
    const r = await cli(['grade', tempDir(), '--assignment', file], fixture);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`Invalid assignment ${file}:`);
    expect(r.stderr).toContain('exercises.0.points: Invalid input: expected number, received string');
    expect(r.stderr).toContain('due: a date like 2025-06-30');
    expect(r.stderr).toContain('hint: unknown field (Did you mean "hints"?)');
  });

  test('JSON: a syntax error, a missing list, a duplicate exercise', async () => {
    const broken = write('broken.json', '{ "exercises": [ ');
    const r1 = await cli(['report', '--dir', tempDir(), '--assignment', broken], fixture);
    expect(r1.exitCode).toBe(2);
    expect(r1.stderr).toContain(`Invalid assignment ${broken}: `);
    const empty = write('empty.json', '{ "exercises": [], "timeoutSeconds": -1 }');
    const r2 = await cli(['report', '--dir', tempDir(), '--assignment', empty], fixture);
    expect(r2.stderr).toContain('exercises: name at least one exercise');
    expect(r2.stderr).toContain('timeoutSeconds: ');
    const twice = write('twice.json', '{ "exercises": [{ "id": "echo", "points": 1 }, { "id": "echo", "points": 2 }] }');
    expect((await cli(['report', '--dir', tempDir(), '--assignment', twice], fixture)).stderr).toContain('exercises.1.id: "echo" is listed twice');
  });

  test('a file that is not there', async () => {
    const r = await cli(['grade', tempDir(), '--assignment', '/nonexistent/week.yaml'], fixture);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('There is no assignment file /nonexistent/week.yaml');
  });
});

describe('a workspace that follows an assignment', { timeout: 600_000 }, () => {
  async function assignedWorkspace(rules: { hints: boolean; solutions: boolean }) {
    const dir = tempDir();
    await cli(['scaffold', 'echo', '--dir', dir], fixture);
    await cli(['scaffold', 'echo-twice', '--dir', dir], fixture);
    const file = path.join(tempDir(), 'week.json');
    writeFileSync(file, JSON.stringify({ title: 'Week 2', due: '2025-06-30', exercises: [{ id: 'echo-twice', points: 5 }], language: 'en', ...rules }));
    const applied = applyAssignment(new Workspace(dir), file);
    return { dir, applied };
  }

  test('remembers it: a copy in the workspace, named in learn-nest-micro.json', async () => {
    const { dir, applied } = await assignedWorkspace({ hints: true, solutions: true });
    expect(applied.file).toBe(path.join(dir, 'assignment.json'));
    expect(JSON.parse(readFileSync(path.join(dir, 'learn-nest-micro.json'), 'utf8'))).toMatchObject({ assignment: 'assignment.json', language: 'en' });
  });

  test('list shows only the assigned exercises and their lessons', async () => {
    const { dir } = await assignedWorkspace({ hints: true, solutions: true });
    const json = JSON.parse((await cli(['list', '--json', '--dir', dir], fixture)).stdout);
    expect(json.lessons.map((l: { id: string }) => l.id)).toEqual(['echo-twice']);
    expect(json.assignment).toBe(path.join(dir, 'assignment.json'));
    const text = (await cli(['list', '--dir', dir], fixture)).stdout;
    expect(text).toContain('Assignment: Week 2 (due 2025-06-30)');
    expect(text).not.toMatch(/Echo over TCP/);
  });

  test('hints and solutions it turns off are refused with exit 1; other exercises are not affected', async () => {
    const { dir } = await assignedWorkspace({ hints: false, solutions: false });
    const hint = await cli(['hint', 'echo-twice', '--dir', dir], fixture);
    expect(hint.exitCode).toBe(1);
    expect(hint.stderr).toContain('Hints for echo-twice are turned off by your assignment');
    const solution = await cli(['solution', 'echo-twice', '--dir', dir, '--yes'], fixture);
    expect(solution.exitCode).toBe(1);
    expect(solution.stderr).toContain('The solution of echo-twice is not shown during your assignment');
    expect(JSON.parse(readFileSync(path.join(dir, '.learn-nest-micro', 'progress.json'), 'utf8')).exercises['echo-twice']).toMatchObject({ hintsUsed: 0, solutionViewed: false });
    expect((await cli(['hint', 'echo', '--dir', dir], fixture)).exitCode).toBe(0);
  });

  test('hints and solutions it allows are shown', async () => {
    const { dir } = await assignedWorkspace({ hints: true, solutions: true });
    expect((await cli(['hint', 'echo-twice', '--dir', dir], fixture)).stdout).toContain('Hint 1 of 3');
    expect((await cli(['solution', 'echo-twice', '--dir', dir, '--yes'], fixture)).stdout).toContain('+    return data * 2;');
  });

  test('a missing assignment file is named with the field that points to it', async () => {
    const { dir } = await assignedWorkspace({ hints: true, solutions: true });
    writeFileSync(path.join(dir, 'learn-nest-micro.json'), JSON.stringify({ version: 1, brokers: {}, assignment: 'gone.yaml' }));
    const r = await cli(['list', '--dir', dir], fixture);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`The assignment ${path.join(dir, 'gone.yaml')} named in ${path.join(dir, 'learn-nest-micro.json')} (field "assignment") is missing.`);
  });
});
