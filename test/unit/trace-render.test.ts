import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { Chalk } from 'chalk';
// The width a terminal gives text, measured by the library wrap-ansi itself measures with (not by ours).
import stringWidth from 'string-width';
import { afterEach, describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors';
import { setLanguage } from '../../src/i18n/messages';
import type { Trace, TraceEvent } from '../../src/trace/model';
import { renderTraceHtml } from '../../src/trace/render-html';
import { renderSequence } from '../../src/trace/render-terminal';

const fixture = (name: string): Trace => JSON.parse(readFileSync(path.join(__dirname, '../fixtures/traces', `${name}.json`), 'utf8')) as Trace;
const sendVsEmit = fixture('send-vs-emit');
const rmqAck = fixture('rmq-ack');
const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });

afterEach(() => {
  setLanguage('en');
});

/** The lifelines' columns, from the line of ┬ under the participants' names. */
function lifelineColumns(lines: string[]): number[] {
  const top = lines.find((l) => /^[ ┬]+$/.test(l) && l.includes('┬'))!;
  return [...top].flatMap((c, i) => (c === '┬' ? [i] : []));
}

/** The label line and the arrow line drawn for an event (found by its time, unique in the fixtures). */
function rowOf(lines: string[], e: TraceEvent): { label: string; arrow: string } {
  const i = lines.findIndex((l) => l.trimStart().startsWith(`+${e.atMs} ms `));
  expect(i, `no row for event ${e.seq}`).toBeGreaterThan(-1);
  return { label: lines[i], arrow: lines[i + 1] };
}

/** A long trace: the send-vs-emit messages over and over, 120 in all. */
function longTrace(count = 120): Trace {
  const events = Array.from({ length: count }, (_, i): TraceEvent => ({ ...sendVsEmit.events[i % sendVsEmit.events.length], seq: i + 1, atMs: i * 10 }));
  return { ...sendVsEmit, events, tests: undefined };
}

describe('the terminal sequence diagram', () => {
  const traces = { 'send-vs-emit': sendVsEmit, 'rmq-ack': rmqAck, long: longTrace() };
  const views = (trace: Trace) => [undefined, ...(trace.tests ?? []).map((_, i) => String(i + 1))];

  test.each(Object.keys(traces))('%s: every line fits 60, 80 and 100 columns, with colours on and off, in English and Ukrainian', (name) => {
    const trace = traces[name as keyof typeof traces];
    for (const lang of ['en', 'uk'] as const) {
      setLanguage(lang);
      for (const width of [60, 80, 100]) {
        for (const view of views(trace)) {
          const bare = renderSequence(trace, { width, style: plain, test: view });
          const coloured = renderSequence(trace, { width, style: colour, test: view });
          // Colours on really colour, and take no column: stripped, it is the same picture.
          expect(coloured).not.toBe(bare);
          expect(stripVTControlCharacters(coloured)).toBe(bare);
          for (const line of [...bare.split('\n'), ...coloured.split('\n')]) {
            expect(stringWidth(line), `${lang} ${width} test ${view ?? 'all'}: ${line}`).toBeLessThanOrEqual(width);
          }
        }
      }
    }
  });

  test('wide characters (CJK, emoji) in a payload still fit, and control characters never reach the terminal', () => {
    const trace: Trace = {
      ...sendVsEmit,
      events: [{ ...sendVsEmit.events[0], payload: { note: '注文を受け付けました🎉'.repeat(6), bell: '\u0007\u001b[2J' } }],
      tests: undefined,
    };
    for (const width of [60, 80, 100]) {
      const out = renderSequence(trace, { width, style: plain });
      for (const line of out.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
      expect(out).toContain('注文');
    }
    // In a payload (JSON escapes it) and in a pattern, which is learner text too.
    const escapes: Trace = { ...trace, events: [{ ...sendVsEmit.events[0], pattern: 'order\u001b[31m', payload: { bell: '\u0007\u001b[2J' } }] };
    const all = renderSequence(sendVsEmit, { width: 100, style: plain }) + renderSequence(trace, { width: 100, style: plain }) + renderSequence(escapes, { width: 100, style: plain });
    // eslint-disable-next-line no-control-regex
    expect(all).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(all).toContain('\\u001b[2J');
    expect(all).toContain('order\\u001b[31m');
  });

  // Open heads: events (no answer awaited); dashed: answers. Through a broker, a message is what was
  // published: a request names a reply-to address, a reply goes back to one, anything else is an event.
  const kindsOf = (trace: Trace, kinds: string[]) => trace.events.filter((e) => kinds.includes(e.kind)).map((e) => e.seq);
  test.each([
    ['send-vs-emit', sendVsEmit, { open: kindsOf(sendVsEmit, ['event']), dashed: kindsOf(sendVsEmit, ['reply', 'error']) }],
    ['rmq-ack', rmqAck, { open: [1, 7, 8, 10, 12, 13, 16], dashed: [1, 4, 5, 6, 9, 11, 14] }],
  ] as const)('%s: each arrow leaves the sender’s lifeline and points at the receiver’s', (_, trace, expected) => {
    const lines = renderSequence(trace, { width: 100, style: plain }).split('\n');
    const columns = lifelineColumns(lines);
    const x = (id: string) => columns[trace.participants.findIndex((p) => p.id === id)];
    for (const e of trace.events) {
      const { arrow } = rowOf(lines, e);
      const from = x(e.from);
      const to = x(e.to);
      if (from === to) {
        expect(arrow[from], `${e.seq}`).toBe('├');
        continue;
      }
      const open = (expected.open as readonly number[]).includes(e.seq);
      if (from < to) {
        expect(arrow[from], `${e.seq}: ${arrow}`).toBe('├');
        expect(arrow[to - 1], `${e.seq}: ${arrow}`).toBe(open ? '▷' : '▶');
      } else {
        expect(arrow[from], `${e.seq}: ${arrow}`).toBe('┤');
        expect(arrow[to + 1], `${e.seq}: ${arrow}`).toBe(open ? '◁' : '◀');
      }
      const between = arrow.slice(Math.min(from, to) + 2, Math.max(from, to) - 1);
      const dashed = (expected.dashed as readonly number[]).includes(e.seq);
      expect(between, `${e.seq}: ${arrow}`).toMatch(dashed ? /^┄+$/ : /^─+$/);
    }
  });

  test('requests, events, replies and RabbitMQ’s acks, nacks, requeues and dead-letters read differently', () => {
    const sve = renderSequence(sendVsEmit, { width: 100, style: plain }).split('\n');
    expect(rowOf(sve, sendVsEmit.events[0]).label).toContain('{"cmd":"stock"} {"sku":"book"}');
    expect(rowOf(sve, sendVsEmit.events[1]).label).toContain('{"sku":"book","left":7} (6 ms)');
    expect(rowOf(sve, sendVsEmit.events[5]).label).toContain('order_created {"orderId":"o-1"');
    expect(rowOf(sve, sendVsEmit.events[13]).label).toContain('✗ {"status":"error"');
    const rmq = renderSequence(rmqAck, { width: 100, style: plain }).split('\n');
    const label = (seq: number) => rowOf(rmq, rmqAck.events[seq - 1]).label;
    expect(label(6)).toContain('✓ ack #1 user_create');
    expect(label(9)).toContain('✗↺ nack #2 user_import requeue');
    expect(label(10)).toContain('↺ user_import');
    expect(label(14)).toContain('✗ reject #4 user_import no requeue');
    expect(label(15)).toContain('⊘ dead-letter USER_QUEUE.dlq');
    // Nest's envelope on a broker is left out of a label: the message's data, the answer's response.
    expect(label(2)).toContain('user_create {"name":"Ada"}');
    expect(label(5)).toContain('user_create {"id":1,"name":"Ada"}');
    // With colours, the marks take the colours of their kind.
    const coloured = renderSequence(rmqAck, { width: 100, style: colour });
    expect(coloured).toContain(colour.green('✓'));
    expect(coloured).toContain(colour.yellow('✗↺'));
    expect(coloured).toContain(colour.red('⊘'));
  });

  test('a long payload is cut with … to fit, keeping its start', () => {
    const lines = renderSequence(sendVsEmit, { width: 80, style: plain }).split('\n');
    const { label } = rowOf(lines, sendVsEmit.events[4]);
    expect(label).toMatch(/POST \/orders \{"orderId":"o-1","customer":"Олена.*…$/);
    expect(label).not.toContain('DEEP-MARKER-7731');
    expect(renderSequence(sendVsEmit, { width: 80, style: plain })).not.toContain('DEEP-MARKER-7731');
    // Participants' names are cut to their column too.
    const many: Trace = { ...rmqAck, participants: rmqAck.participants.map((p) => ({ ...p, label: `${p.label} with a very long name indeed` })) };
    const head = renderSequence(many, { width: 60, style: plain }).split('\n').find((l) => l.includes('check suite'))!;
    expect(head).toContain('…');
    expect(stringWidth(head)).toBeLessThanOrEqual(60);
  });

  test('one test’s messages, by number or by part of its name; the failing test is highlighted', () => {
    const byNumber = renderSequence(sendVsEmit, { width: 80, style: plain, test: '3' });
    expect(renderSequence(sendVsEmit, { width: 80, style: plain, test: 'both consumers' })).toBe(byNumber);
    const times = byNumber.split('\n').flatMap((l) => /^\s*\+(\d+) ms /.exec(l)?.[1] ?? []);
    expect(times).toEqual(['90', '96', '99']);
    expect(byNumber).toContain('✗ test 3 of 5: both consumers receive every order_created event · failed');
    // Every lifeline stays, also the one no message reached: that is the picture of the mistake.
    expect(byNumber.split('\n').find((l) => l.includes('check suite'))).toContain('notification');
    // Highlighted: the failing test's line is bold red; in the whole trace its heading is red, a passing one green.
    const coloured = renderSequence(sendVsEmit, { width: 80, style: colour, test: '3' });
    const opens = (paint: (s: string) => string) => paint('\0').split('\0')[0];
    expect(coloured).toContain(`${opens(colour.bold.red)}✗ test 3 of 5`);
    const all = renderSequence(sendVsEmit, { width: 100, style: colour });
    expect(all).toContain(`${opens(colour.bold.red)}── ✗ 3. both consumers receive every order_created event`);
    expect(all).toContain(`${opens(colour.green)}── ✓ 1. the consumers answer`);
    // A test with no message says so.
    expect(renderSequence(sendVsEmit, { width: 80, style: plain, test: '5' })).toContain('no message was recorded during this test');
  });

  test('a test that is not there is a usage error naming the tests there are', () => {
    expect(() => renderSequence(sendVsEmit, { width: 80, style: plain, test: '9' })).toThrow(UserError);
    expect(() => renderSequence(sendVsEmit, { width: 80, style: plain, test: 'no such test' })).toThrow(/1\. the consumers answer .*5\. each handler/);
  });

  test('a long trace shows 40 messages, the first and the last, and says how many it left out and how to see them', () => {
    const trace = longTrace(120);
    const out = renderSequence(trace, { width: 80, style: plain });
    const lines = out.split('\n');
    const times = lines.flatMap((l) => /^\s*\+(\d+) ms /.exec(l)?.[1] ?? []).map(Number);
    expect(times).toHaveLength(40);
    expect(times[0]).toBe(0);
    expect(times.at(-1)).toBe(1190);
    expect(out).toContain('⋮ 80 messages left out ⋮');
    expect(out.replace(/\s+/g, " ")).toMatch(/80 messages were left out in the middle: `(npx )?learn-nest-micro trace --all` shows every one/);
    // Asked for all, it draws all and leaves nothing out.
    const all = renderSequence(trace, { width: 80, style: plain, maxRows: Infinity });
    expect(all.split('\n').filter((l) => /^\s*\+\d+ ms /.test(l))).toHaveLength(120);
    expect(all).not.toContain('left out');
    // A short trace leaves nothing out.
    expect(renderSequence(sendVsEmit, { width: 80, style: plain })).not.toContain('left out');
  });

  test('in Ukrainian', () => {
    setLanguage('uk');
    const out = renderSequence(longTrace(60), { width: 80, style: plain });
    expect(out).toContain('─▶ запит');
    expect(out).toContain('пропущено 20 повідомлень');
    expect(renderSequence(sendVsEmit, { width: 80, style: plain, test: '3' })).toContain('тест 3 з 5');
  });
});

describe('the HTML page (what a browser does with it: test/unit/trace-html.test.ts)', () => {
  test('learner data stays text: no markup, no way out of the data block', () => {
    const trace: Trace = { ...sendVsEmit, participants: [...sendVsEmit.participants, { id: 'x', label: '<b>x</b>', kind: 'service' }] };
    trace.events = [...trace.events, { seq: 99, atMs: 200, from: 'suite', to: 'x', transport: 'tcp', kind: 'request', pattern: '</script><script>window.pwned=1</script>', payload: '</script><img src=x>' }];
    const page = renderTraceHtml(trace);
    expect(page).not.toMatch(/<img|<b>|<\/script><script>window/i);
    expect(page.match(/<script/g)).toHaveLength(2);
    expect(page).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  test('in Ukrainian', () => {
    const page = renderTraceHtml(sendVsEmit, { lang: 'uk' });
    expect(page).toContain('<html lang="uk">');
    expect(page).toContain('Повідомлення вправи send-vs-emit');
    expect(page).toContain('Клацніть стрілку');
  });
});
