import { describe, expect, test } from 'vitest';
import { gradeOf } from '../../src/teacher/isolated-check';
import { studentGrade, type ExerciseGrade, type Gradebook } from '../../src/teacher/gradebook';
import { renderGradebookCsv } from '../../src/teacher/gradebook-reporters/csv';
import { renderGradebookJson } from '../../src/teacher/gradebook-reporters/json';
import { renderGradebookJunit } from '../../src/teacher/gradebook-reporters/junit';
import { renderGradebookMarkdown } from '../../src/teacher/gradebook-reporters/markdown';

const grade = (exercise: string, maxPoints: number, status: ExerciseGrade['status'], failedChecks: string[] = [], message = '', submitted = true): ExerciseGrade => ({
  exercise,
  maxPoints,
  status,
  points: status === 'pass' ? maxPoints : 0,
  failedChecks,
  message,
  submitted,
});

const book: Gradebook = {
  title: 'Week 1',
  version: '1.2.3',
  exercises: [
    { id: 'echo', points: 10 },
    { id: 'echo-twice', points: 5 },
  ],
  students: [
    studentGrade('/class/ada', [grade('echo', 10, 'pass'), grade('echo-twice', 5, 'pass')]),
    studentGrade('/class/bob, "the builder"', [grade('echo', 10, 'fail', ['echo answers with its payload'], 'echo answers with its payload: The handler returns nothing'), grade('echo-twice', 5, 'fail', [], 'not submitted', false)]),
    studentGrade('/class/cy', [grade('echo', 10, 'fail', ['TypeScript compiles', 'echo answers with its payload'], 'TypeScript compiles: 1 error <here> & "there"'), grade('echo-twice', 5, 'error', [], 'the check could not run: boom')]),
  ],
};

describe('gradebook reporters', () => {
  test('JSON has exactly the documented shape', () => {
    const parsed = JSON.parse(renderGradebookJson(book));
    expect(Object.keys(parsed)).toEqual(['students']);
    expect(parsed.students[1]).toEqual({
      workspace: '/class/bob, "the builder"',
      results: [
        { exercise: 'echo', status: 'fail', points: 0, maxPoints: 10, message: 'echo answers with its payload: The handler returns nothing' },
        { exercise: 'echo-twice', status: 'fail', points: 0, maxPoints: 5, message: 'not submitted' },
      ],
      points: 0,
      maxPoints: 15,
    });
  });

  test('CSV: a row per student, a column per exercise, the total; quoted where needed', () => {
    expect(renderGradebookCsv(book).split('\r\n')).toEqual([
      'workspace,echo,echo-twice,points,maxPoints',
      '/class/ada,10,5,15,15',
      '"/class/bob, ""the builder""",0,0,0,15',
      '/class/cy,0,0,0,15',
      '',
    ]);
  });

  test('CSV never hands a spreadsheet a formula', () => {
    const evil = { ...book, students: [studentGrade('=HYPERLINK("x")', [])] };
    expect(renderGradebookCsv(evil).split('\r\n')[1]).toBe(`"'=HYPERLINK(""x"")",0,0,0,0`);
  });

  test('JUnit: a testsuite per student with points, failures and errors, escaped', () => {
    const xml = renderGradebookJunit(book);
    expect(xml).toContain('<testsuites name="learn-nest-micro grade" tests="6" failures="3" errors="1">');
    expect(xml).toContain('<testsuite name="/class/ada" tests="2" failures="0" errors="0">');
    expect(xml).toContain('<property name="points" value="15"/>');
    expect(xml).toContain('<testcase classname="/class/ada" name="echo"/>');
    expect(xml).toContain('<failure message="TypeScript compiles: 1 error &lt;here&gt; &amp; &quot;there&quot;">');
    expect(xml).toContain('<error message="the check could not run: boom">');
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
  });

  test('Markdown: points per student, then per exercise the pass rate and the checks that failed most', () => {
    const md = renderGradebookMarkdown(book, '/class');
    expect(md).toContain('# Gradebook: Week 1');
    expect(md).toContain('3 students graded with learn-nest-micro 1.2.3; average 5 of 15 points.');
    expect(md).toContain('| student | echo (10) | echo-twice (5) | points |');
    expect(md).toContain('| ada | ✓ 10 | ✓ 5 | 15 / 15 |');
    expect(md).toContain('| bob, "the builder" | ✗ 0 | – 0 | 0 / 15 |');
    expect(md).toContain('| cy | ✗ 0 | ⚠ 0 | 0 / 15 |');
    const echo = md.slice(md.indexOf('### echo (10)'), md.indexOf('### echo-twice'));
    expect(echo).toContain('Passed by 1 of 3 (33%).');
    expect(echo).toMatch(/\| echo answers with its payload \| 2 \| 67% \|\n\| TypeScript compiles \| 1 \| 33% \|/);
    const twice = md.slice(md.indexOf('### echo-twice'));
    expect(twice).toContain('Passed by 1 of 3 (33%). Not submitted by 1. Could not be checked for 1');
  });
});

describe('a check result as a grade', () => {
  const test_ = (name: string, status: 'pass' | 'fail' | 'skip', message?: string) => ({ name, status, durationMs: 0, message });

  test('a pass earns the points', () => {
    expect(gradeOf({ status: 'pass', tests: [test_('services start', 'pass'), test_('echo', 'pass')] }, 10)).toMatchObject({ status: 'pass', points: 10, message: 'all 2 checks passed' });
  });

  test('a failure earns nothing and names the first failing check, with the line a TypeScript error needs', () => {
    const r = gradeOf({ status: 'fail', tests: [test_('TypeScript compiles', 'fail', 'TypeScript reports 1 error(s) in your code:\n  echo/main.ts:3:7 TS2322: nope'), test_('echo', 'fail', 'wrong\nmore')] }, 10);
    expect(r).toEqual({ status: 'fail', points: 0, message: 'TypeScript compiles: TypeScript reports 1 error(s) in your code: echo/main.ts:3:7 TS2322: nope', failedChecks: ['TypeScript compiles', 'echo'], worthRetrying: false });
  });

  test('running out of time is told apart from a wrong answer', () => {
    const slow = (message: string) => gradeOf({ status: 'fail', tests: [test_('x', 'fail', message)] }, 1).worthRetrying;
    expect(slow('The echo service did not become ready within 20s (listening on ECHO_PORT=1).')).toBe(true);
    expect(slow('Timed out after 8s: the check was stopped and every service with it.')).toBe(true);
    expect(slow('Test timed out in 15000ms.')).toBe(true);
    expect(slow('echo did not answer\nreceived: no reply within 5s')).toBe(true);
    expect(slow('The handler returns nothing')).toBe(false);
    expect(slow('The echo service exited with code 1 before it was ready.')).toBe(false);
    expect(gradeOf({ status: 'fail', timedOut: true, tests: [] }, 1).worthRetrying).toBe(true);
  });
});

describe('hostile folder names and messages (faults from the probe)', () => {
  const hostile: Gradebook = {
    version: '1.2.3',
    exercises: [{ id: 'echo', points: 1 }],
    students: [studentGrade('/class/eve\uFFFE<script>alert(1)</script>\uD800', [grade('echo', 1, 'fail', ['echo'], 'line one\nline two\r\nline three')])],
  };

  test('JUnit never contains a character XML forbids', () => {
    const xml = renderGradebookJunit(hostile);
    expect(xml).not.toMatch(/[\uFFFE\uFFFF\u0000-\u0008]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(xml).toContain('eve&lt;script&gt;');
  });

  test('Markdown shows a folder name as text, never as HTML', () => {
    const md = renderGradebookMarkdown(hostile, '/');
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
  });

  test('CSV uses CRLF throughout, inside quoted cells too', () => {
    const csv = renderGradebookCsv({ ...hostile, students: [studentGrade('/class/a\nb', [grade('echo', 1, 'pass')])] });
    expect(csv).toContain('\r\n');
    expect(csv).not.toMatch(/[^\r]\n/);
  });
});
