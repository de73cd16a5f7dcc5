import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { studentGrade, type ExerciseGrade, type Gradebook } from '../../src/teacher/gradebook';
import { renderGradebookHtml } from '../../src/teacher/gradebook-reporters/html';
import { tempDir } from '../support/cli';
import { launchChromium } from '../support/chromium';

const grade = (exercise: string, maxPoints: number, status: ExerciseGrade['status'], failedChecks: string[] = [], message = '', submitted = true, activity?: ExerciseGrade['activity']): ExerciseGrade => ({
  exercise,
  maxPoints,
  status,
  points: status === 'pass' ? maxPoints : 0,
  failedChecks,
  message,
  submitted,
  activity,
});

// A hostile folder name: if the page ever treated it as markup, the image's handler would run.
const hostile = '/class/<img src=x onerror="window.pwned=1">';

const book: Gradebook = {
  title: 'Week 1',
  version: '1.2.3',
  exercises: [
    { id: 'tcp-basics', points: 10 },
    { id: 'send-vs-emit', points: 5 },
  ],
  students: [
    // Attempts and hints as the students' progress files tell them; the hostile student has no progress file.
    studentGrade('/class/bob', [grade('tcp-basics', 10, 'fail', ['the math service answers { cmd: "sum" }'], 'the math service answers { cmd: "sum" }: There is no matching message handler', true, { attempts: 6, hintsUsed: 2 }), grade('send-vs-emit', 5, 'pass', [], '', true, { attempts: 1, hintsUsed: 0 })]),
    studentGrade('/class/ada', [grade('tcp-basics', 10, 'pass', [], '', true, { attempts: 2, hintsUsed: 0 }), grade('send-vs-emit', 5, 'pass', [], '', true, { attempts: 1, hintsUsed: 0 })]),
    studentGrade(hostile, [grade('tcp-basics', 10, 'fail', ['the math service answers { cmd: "sum" }', 'TypeScript compiles'], 'TypeScript compiles: TS2345 <script>alert(1)</script>'), grade('send-vs-emit', 5, 'fail', [], 'not submitted', false)]),
  ],
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium('the HTML report test');
}, 60_000);
afterAll(async () => browser?.close());

test('the class report page: self-contained, sorts by a clicked column, charts the failing checks, shows a student\'s first failure, and never runs a name as markup', async () => {
  const dir = tempDir('lnm-html-report-');
  const file = path.join(dir, 'class.html');
  writeFileSync(file, renderGradebookHtml(book, '/class'));
  const page = await browser.newPage();
  // Nothing may come from the network: every request other than the file itself fails the test.
  const requests: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) requests.push(r.url());
  });
  await page.goto(`file://${file}`);

  const names = () => page.$$eval('#points tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  expect(await names()).toEqual(['bob', 'ada', '<img src=x onerror="window.pwned=1">']);
  // Click the points column: ascending, then again descending.
  await page.click('#points thead th:last-child button');
  expect(await names()).toEqual(['<img src=x onerror="window.pwned=1">', 'bob', 'ada']);
  await page.click('#points thead th:last-child button');
  expect(await names()).toEqual(['ada', 'bob', '<img src=x onerror="window.pwned=1">']);
  expect(await page.getAttribute('#points thead th:last-child', 'aria-sort')).toBe('descending');
  // And by name.
  await page.click('#points thead th:first-child button');
  expect(await names()).toEqual(['<img src=x onerror="window.pwned=1">', 'ada', 'bob']);

  // Attempts and hints per student (– without a progress file), sortable like the rest; the count per exercise on hover.
  const column = (n: number) => page.$$eval(`#points tbody tr td:nth-child(${n})`, (cells) => cells.map((c) => c.textContent));
  expect(await page.$$eval('#points thead th', (ths) => ths.map((th) => th.textContent))).toEqual(['student', 'tcp-basics (10)', 'send-vs-emit (5)', 'attempts', 'hints', 'points']);
  await page.click('#points thead th:nth-child(4) button');
  expect(await names()).toEqual(['<img src=x onerror="window.pwned=1">', 'ada', 'bob']);
  expect(await column(4)).toEqual(['–', '3', '7']);
  expect(await column(5)).toEqual(['–', '0', '2']);
  await page.click('#points thead th:nth-child(5) button');
  await page.click('#points thead th:nth-child(5) button');
  expect(await page.getAttribute('#points thead th:nth-child(5)', 'aria-sort')).toBe('descending');
  expect(await names()).toEqual(['bob', 'ada', '<img src=x onerror="window.pwned=1">']);
  expect(await page.getAttribute('#points tbody tr:first-child td:nth-child(4)', 'title')).toBe('tcp-basics: 6 · send-vs-emit: 1');
  expect(await page.textContent('p.note')).toContain('never part of the grade');

  // The chart: the check two students failed is the longest bar, first.
  const bars = await page.$$eval('#failing-chart .bar', (gs) => gs.map((g) => ({ label: g.querySelector('title')?.textContent, width: Number(g.querySelector('rect')?.getAttribute('width')) })));
  expect(bars[0].label).toBe('tcp-basics: the math service answers { cmd: "sum" }: 2');
  expect(bars[0].width).toBeGreaterThan(bars[1].width);

  // A student's first failure, shown when their entry is opened.
  const bob = page.locator('details.student', { hasText: 'bob' });
  expect(await bob.locator('pre.failure').isVisible()).toBe(false);
  await bob.locator('summary').click();
  expect(await bob.locator('pre.failure').textContent()).toContain('There is no matching message handler');

  // Hostile text stayed text.
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('script').count()).toBe(1);
  expect(requests).toEqual([]);

  const shot = path.join(dir, 'class.png');
  await page.screenshot({ path: shot, fullPage: true });
  expect(statSync(shot).size).toBeGreaterThan(10_000);
  console.log(`class report screenshot: ${shot}`);
}, 120_000);
