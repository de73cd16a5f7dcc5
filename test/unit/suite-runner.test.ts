// The runner of hidden suites (suite-api.ts, suite-worker.ts, suite-runner.ts) on suites written for
// it: order of tests and hooks, stopping at the first failure, named mistakes, timeouts, a failing
// hook, vitest's `expect`, a module beside the suite. No services: a tiny control server says "ready".
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Exercise } from '../../src/catalog/catalog';
import { HiddenSuite } from '../../dist/grading/suite-runner';

const fixtures = path.resolve(__dirname, '../fixtures/suites/runner');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lnm-suite-runner-'));
const feedbackFile = path.join(tmp, 'feedback.json');
let server: http.Server;
let controlUrl = '';
let ready = true;

beforeAll(async () => {
  writeFileSync(feedbackFile, JSON.stringify({ 'some-mistake': { title: 'A title', explanation: 'Why it is wrong.', fix: 'What to change.' } }));
  server = http.createServer((_req, res) => res.end(JSON.stringify({ ready })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  controlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function runSuite(file: string, testTimeoutMs = 5000) {
  const journal = path.join(tmp, `${file}-${Date.now()}.log`);
  writeFileSync(journal, '');
  const exercise = { checkFiles: [path.join(fixtures, file)] } as unknown as Exercise;
  const suite = await HiddenSuite.prepare({ exercise, env: { LNM_CONTROL_URL: controlUrl, LNM_FEEDBACK_FILE: feedbackFile, JOURNAL_FILE: journal, LNM_LANG: 'en' }, testTimeoutMs });
  try {
    const outcomes = await suite.run();
    return { outcomes, journal: readFileSync(journal, 'utf8').trim().split('\n').filter(Boolean) };
  } finally {
    await suite.close();
  }
}

test('tests and hooks run in order; the first failure stops the rest, whose clean-up still runs', async () => {
  const { outcomes, journal } = await runSuite('order.check.ts');
  expect(outcomes.map((o) => [o.name, o.status])).toEqual([
    ['first', 'pass'],
    ['group > second', 'pass'],
    ['group > inner > third fails with a named mistake', 'fail'],
    ['fourth is skipped after the first failure', 'skip'],
    ['skipped on purpose', 'skip'],
  ]);
  expect(journal).toEqual(['beforeAll', 'beforeEach', 'first', 'afterEach', 'beforeEach', 'group beforeEach', 'second', 'afterEach', 'beforeEach', 'group beforeEach', 'third', 'afterEach', 'afterAll']);
  const failed = outcomes[2];
  expect(failed.mistake).toBe('some-mistake');
  expect(failed.message).toContain('Why it is wrong.');
  expect(failed.message).not.toContain('[mistake:');
  expect(failed.startedAt).toBeGreaterThan(Date.now() - 60_000);
});

test("vitest's expect fails a test with its own message, and afterAll runs", async () => {
  const { outcomes, journal } = await runSuite('timeout.check.ts');
  expect(outcomes).toMatchObject([{ name: 'an expect that fails', status: 'fail', message: 'expected 4 to be 5 // Object.is equality' }]);
  expect(journal).toEqual(['afterAll after a timeout']);
});

test("a test that never ends fails with vitest's wording at its own timeout", async () => {
  const { outcomes } = await runSuite('slow.check.ts');
  expect(outcomes).toMatchObject([{ name: 'never answers', status: 'fail', message: 'Test timed out in 80ms.' }]);
});

test('a failing beforeAll is one failure, and the tests under it do not run', async () => {
  const { outcomes, journal } = await runSuite('hook.check.ts');
  expect(outcomes.map((o) => [o.name, o.status, o.message])).toEqual([
    ['suite (beforeAll)', 'fail', 'could not connect'],
    ['needs the connection', 'skip', undefined],
  ]);
  expect(journal).toEqual([]);
});

test('when the services did not start, nothing runs', async () => {
  ready = false;
  try {
    const { outcomes, journal } = await runSuite('order.check.ts');
    expect(outcomes).toMatchObject([{ status: 'fail', message: 'the services did not start' }]);
    expect(journal).toEqual([]);
  } finally {
    ready = true;
  }
});
