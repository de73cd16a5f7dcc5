import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { cli, tempDir } from '../support/cli';

// Faults from the probe of issue 15 that this round fixed, each reproduced as a teacher or learner meets it.

test('--timeout beyond an hour is a usage error before any work, not a timer that overflows and fires at once', async () => {
  for (const value of ['2200000', '0', '-5', 'soon']) {
    const r = await cli(['check', 'tcp-basics', '--dir', tempDir(), '--timeout', value]);
    expect(r.exitCode, value).toBe(2);
    expect(r.stderr, value).toContain(`--timeout takes a number of seconds from 1 to 3600, not "${value}".`);
  }
});

test('an assignment due on a day the calendar does not have is refused, naming the field', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'week.json');
  writeFileSync(file, JSON.stringify({ version: 1, exercises: [{ id: 'tcp-basics', points: 1 }], due: '2025-02-30' }));
  const r = await cli(['start', '--assignment', file, '--dir', path.join(dir, 'ws')]);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toMatch(/Invalid assignment .*week\.json: due: a date like 2025-06-30/);
});

test('start --assignment follows a file saved with a byte order mark; its points add up without float noise; its language is taken', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'week.json');
  const assignment = { version: 1, title: 'Week 1', exercises: [{ id: 'tcp-basics', points: 0.1 }, { id: 'send-vs-emit', points: 0.2 }], language: 'uk' };
  writeFileSync(file, `\uFEFF${JSON.stringify(assignment)}`);
  const ws = path.join(dir, 'ws');
  const r = await cli(['start', '--assignment', file, '--dir', ws]);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toContain('«Week 1»');
  expect(JSON.parse(readFileSync(path.join(ws, 'learn-nest-micro.json'), 'utf8'))).toMatchObject({ assignment: 'assignment.json', language: 'uk' });
  expect((await cli(['report', '--points', '--dir', ws])).stdout.trim()).toBe('0/0.3');
  expect((await cli(['list', '--dir', ws])).stdout).toContain('Основи TCP');
});
