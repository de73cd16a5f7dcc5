import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { takeTurnsWithRabbitMQ } from '../support/rabbit';
import { cli, repoRoot, tempDir } from '../support/cli';
import { Terminal } from '../support/terminal';

// The sequence diagram of `check --trace` in a real terminal, for a passing and a failing check of
// send-vs-emit (events against requests) and rmq-ack (when the ack comes). Four checks in all.
takeTurnsWithRabbitMQ();

let term: Terminal | undefined;
afterEach(() => term?.close());

/** A workspace with the exercise's reference solution, and a mistake fixture copied over it when named. */
async function solvedWorkspace(id: string, mistake?: string): Promise<string> {
  const ws = tempDir(`lnm-trace-e2e-${id}-`);
  expect((await cli(['scaffold', id, '--dir', ws])).exitCode).toBe(0);
  cpSync(path.join(repoRoot, 'solutions', id), path.join(ws, id), { recursive: true });
  if (mistake) {
    const fixture = path.join(repoRoot, 'exercises', id, 'mistakes', mistake);
    cpSync(fixture, path.join(ws, id), { recursive: true, filter: (f) => path.basename(f) !== 'fixture.json' });
  }
  return ws;
}

/** Runs `check <id> --trace` in a terminal tall enough for the whole diagram; returns the screen's lines once it ended. */
async function tracedCheck(id: string, expectedExit: number, mistake?: string): Promise<string[]> {
  const ws = await solvedWorkspace(id, mistake);
  term = new Terminal(['check', id, '--trace'], { cwd: ws, cols: 120, rows: 150 });
  expect(await term.exitCode(240_000), term.screen()).toBe(expectedExit);
  const screen = term.screen();
  expect(screen).toMatch(/Trace saved as .*\.json/);
  expect(screen).toContain('trace --html');
  await term.noProcessLeft();
  return screen.split('\n');
}

/** The index of the first line matching `re` after line `from`; -1 when there is none. */
const lineOf = (lines: string[], re: RegExp, from = 0) => lines.findIndex((l, i) => i >= from && re.test(l));

test('send-vs-emit passes: order_created goes from the gateway to both consumers as events (─▷, nothing comes back)', async () => {
  const lines = await tracedCheck('send-vs-emit', 0);
  const diagram = lines.slice(lineOf(lines, /Messages of the whole check/));
  expect(diagram.length).toBeGreaterThan(1);
  // Lifelines: the suite, the two consumers and the gateway.
  expect(lineOf(diagram, /checks\s+inventory\s+notification\s+gateway/)).toBeGreaterThan(-1);
  const emits = diagram.map((l, i) => (/order_created \{"orderId"/.test(l) ? i : -1)).filter((i) => i >= 0);
  expect(emits.length).toBeGreaterThanOrEqual(6);
  // Under each label its arrow: an event's open head, from the gateway's lifeline (on the right) to the left.
  for (const i of emits) expect(diagram[i + 1], diagram.join('\n')).toMatch(/◁─+┤/);
  // No answer to order_created: its name never labels a dotted reply arrow.
  expect(diagram.some((l, i) => /order_created \(\d+ ms\)/.test(l) && /┄/.test(diagram[i + 1] ?? ''))).toBe(false);
}, 300_000);

test('send-vs-emit with send() for the event fails: the failing test shows order_created as a request (─▶) that holds up POST /orders', async () => {
  const lines = await tracedCheck('send-vs-emit', 1, 'send-for-event');
  const start = lineOf(lines, /Messages during the failing test "POST \/orders/);
  expect(start, lines.join('\n')).toBeGreaterThan(-1);
  const diagram = lines.slice(start);
  const asked = lineOf(diagram, /order_created \{"orderId"/);
  expect(asked).toBeGreaterThan(-1);
  // A request's solid head (◀──), and then an answer labelled with how long it took.
  expect(diagram[asked + 1]).toMatch(/◀─+┤/);
  expect(lineOf(diagram, /order_created \(\d+ ms\)/, asked)).toBeGreaterThan(asked);
  // The HTTP answer comes last, as an error.
  expect(lineOf(diagram, /✗ POST \/orders/, asked)).toBeGreaterThan(asked);
}, 300_000);

test('rmq-ack passes: user_create is published, delivered, the audit event published, and only then acknowledged', async () => {
  const lines = await tracedCheck('rmq-ack', 0);
  const diagram = lines.slice(lineOf(lines, /Messages of the whole check/));
  expect(lineOf(diagram, /checks\s+users\s+RabbitMQ/)).toBeGreaterThan(-1);
  // Labels show the pattern and the data: the first user_create is the suite's publish, the next its delivery.
  const published = lineOf(diagram, /user_create \{"email"/);
  const delivered = lineOf(diagram, /user_create \{"email"/, published + 1);
  const work = lineOf(diagram, /user_created \{/, delivered + 1);
  const ack = lineOf(diagram, /✓ ack #\d+/, delivered + 1);
  expect([published, delivered, work, ack].every((i) => i > -1), diagram.join('\n')).toBe(true);
  expect(published).toBeLessThan(delivered);
  expect(work).toBeLessThan(ack);
}, 300_000);

test('rmq-ack acknowledging on arrival fails: the failing test shows the ack right after the delivery, then the connection closing, and no work', async () => {
  const lines = await tracedCheck('rmq-ack', 1, 'ack-before-work');
  const start = lineOf(lines, /Messages during the failing test "killed in the middle of a message/);
  expect(start, lines.join('\n')).toBeGreaterThan(-1);
  const diagram = lines.slice(start, lineOf(lines, /trace --html/, start));
  // The label of the delivery is cut before the e-mail; it is the user_create after the one published.
  const delivered = lineOf(diagram, /user_create \{/, lineOf(diagram, /slow@/) + 1);
  const ack = lineOf(diagram, /✓ ack #\d+/);
  const closed = lineOf(diagram, /│ close\s/);
  expect([delivered, ack, closed].every((i) => i > -1), diagram.join('\n')).toBe(true);
  expect(delivered).toBeLessThan(ack);
  expect(ack).toBeLessThan(closed);
  expect(diagram.join('\n')).not.toContain('user_created');
}, 300_000);
