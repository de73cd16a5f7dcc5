import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Trace } from '../../src/trace/model';
import { renderTraceHtml } from '../../src/trace/render-html';
import { tempDir } from '../support/cli';
import { launchChromium } from '../support/chromium';

const fixture = (name: string): Trace => JSON.parse(readFileSync(path.join(__dirname, '../fixtures/traces', `${name}.json`), 'utf8')) as Trace;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium('the HTML trace test');
}, 60_000);
afterAll(async () => browser?.close());

/** Opens a page from a file: URL; every request to anything but the file is collected (there must be none). */
async function open(html: string, name: string): Promise<{ page: Page; requests: string[]; dir: string }> {
  const dir = tempDir('lnm-trace-html-');
  const file = path.join(dir, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) requests.push(r.url());
  });
  await page.goto(`file://${file}`);
  return { page, requests, dir };
}

const visibleArrows = (page: Page) => page.$$eval('#views .view:not([hidden]) .msg', (gs) => gs.map((g) => Number(g.getAttribute('data-seq'))));
const panel = (page: Page, field: string) => page.textContent(`#detail [data-field="${field}"]`);

test('the trace page: opens on the failing test, a clicked arrow shows its whole payload, another test can be picked, learner data stays text', async () => {
  const { page, requests, dir } = await open(renderTraceHtml(fixture('send-vs-emit')), 'send-vs-emit.html');

  // Failing tests first and highlighted; the page opens on the first of them.
  const buttons = await page.$$eval('#tests button', (bs) => bs.map((b) => ({ text: b.textContent, cls: b.className, pressed: b.getAttribute('aria-pressed') })));
  expect(buttons.map((b) => b.text?.slice(0, 4))).toEqual(['All ', '✗ 3.', '✗ 4.', '✓ 1.', '✓ 2.', '✓ 5.']);
  expect(buttons[1]).toMatchObject({ cls: 'fail', pressed: 'true' });
  expect(await visibleArrows(page)).toEqual([9, 10, 11]);
  // Every lifeline is drawn, also the one the event never reached.
  expect(await page.$$eval('#views .view:not([hidden]) .participant text', (ts) => ts.map((t) => t.textContent))).toEqual(['check suite', 'gateway', 'inventory', 'notification']);

  // A hostile payload, clicked: shown as text, never run.
  expect(await page.isVisible('#pick')).toBe(true);
  await page.click('#views .view:not([hidden]) .msg[data-seq="9"]');
  expect(await page.textContent('#payload')).toContain('"customer": "<img src=x onerror=\\"window.pwned=1\\">"');
  expect(await panel(page, 'route')).toBe('check suite → gateway');

  // Another test: its arrows only; the request's whole payload is in the panel, more than its label shows.
  await page.click('#tests button:has-text("2. POST /orders")');
  expect(await visibleArrows(page)).toEqual([5, 6, 7, 8]);
  const arrow = page.locator('#views .view:not([hidden]) .msg[data-seq="5"]');
  expect(await arrow.locator('text.label').textContent()).not.toContain('DEEP-MARKER-7731');
  await arrow.click();
  const payload = JSON.parse((await page.textContent('#payload'))!);
  expect(payload.trackingCode).toBe('DEEP-MARKER-7731');
  expect(payload.customer).toBe('Олена Коваленко');
  expect(await panel(page, 'kind')).toBe('#5 request');
  expect(await panel(page, 'transport')).toBe('http');
  expect(await panel(page, 'pattern')).toBe('POST /orders');
  expect(await panel(page, 'time')).toBe('+40 ms');
  // Its reply: the timing and what it answers.
  await page.click('#views .view:not([hidden]) .msg[data-seq="8"]');
  expect(await panel(page, 'duration')).toBe('12 ms');
  expect(await panel(page, 'replyTo')).toBe('#5');
  expect(JSON.parse((await page.textContent('#detail-json'))!)).toEqual({ statusCode: 201 });

  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
  expect(requests).toEqual([]);

  const shot = path.join(dir, 'send-vs-emit-trace.png');
  await page.screenshot({ path: shot, fullPage: true });
  expect(statSync(shot).size).toBeGreaterThan(10_000);
  console.log(`trace page screenshot: ${shot}`);
}, 120_000);

test('the trace page in Ukrainian, with RabbitMQ acknowledgements: the whole list, an ack’s delivery tag, a nack’s requeue', async () => {
  const { page, requests, dir } = await open(renderTraceHtml(fixture('rmq-ack'), { lang: 'uk' }), 'rmq-ack.html');
  // Nothing failed: the page opens on every message.
  expect(await page.getAttribute('#tests button.all', 'aria-pressed')).toBe('true');
  expect(await visibleArrows(page)).toHaveLength(16);
  expect(await page.textContent('#pick')).toContain('Клацніть стрілку');
  await page.click('#views .view:not([hidden]) .msg[data-seq="9"]');
  expect(JSON.parse((await page.textContent('#detail-json'))!)).toMatchObject({ deliveryTag: 2, requeue: true });
  expect(await page.textContent('#payload')).toBe('(без даних)');
  await page.click('#tests button:has-text("3. a broken import")');
  await page.click('#views .view:not([hidden]) .msg[data-seq="15"]');
  expect(await panel(page, 'kind')).toBe('#15 dead-letter');
  expect(JSON.parse((await page.textContent('#payload'))!)).toEqual({ pattern: 'user_import', data: { name: 'Мирослава', broken: true } });
  expect(requests).toEqual([]);
  const shot = path.join(dir, 'rmq-ack-trace-uk.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`trace page screenshot (uk): ${shot}`);
}, 120_000);
