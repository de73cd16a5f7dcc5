/**
 * A recorded trace as a sequence diagram for a terminal: one lifeline per participant, each message a
 * row (a label line, then an arrow from the sender's lifeline to the receiver's), the time since the
 * trace started on the left. Every line fits `width` columns, with colours on or off.
 *
 * The diagram is drawn on a grid of cells (one per column) and coloured only when the grid is turned
 * into text, so measuring and cutting never has to step around colour codes.
 */
import type { ChalkInstance } from 'chalk';
import { t } from '../i18n/messages';
import { UserError } from '../errors';
import { displayWidth, graphemes, graphemeWidth, truncate } from './display-width';
import type { Trace, TraceEvent, TraceTest } from './model';
import { wrapAnsi } from '../ui/wrap';
import { arrowLook, bySeq, eventLabel, eventsOfTest, findTest, lifelines, numberedTests, printable, type Tone } from './render-common';

export interface SequenceOptions {
  /** Terminal columns; every line fits (at most 100 are used). */
  width: number;
  style: ChalkInstance;
  /** One test's messages only: its 1-based number or (part of) its name. */
  test?: string;
  /** Messages drawn at most before the middle ones are left out (default 40; Infinity for all). */
  maxRows?: number;
}

type Paint = Tone | 'dim' | 'bold' | 'fail' | 'pass' | 'plain';

interface Cell {
  ch: string;
  paint: Paint;
}

/** One line of the diagram as cells; a wide character's second cell holds ''. */
class Line {
  readonly cells: Cell[];
  constructor(readonly width: number) {
    this.cells = Array.from({ length: width }, () => ({ ch: ' ', paint: 'plain' as Paint }));
  }
  set(x: number, ch: string, paint: Paint): void {
    if (x >= 0 && x < this.width) this.cells[x] = { ch, paint };
  }
  /** Writes `text` from column x, cut with … so it ends before column `end`. Returns the column after it. */
  write(x: number, text: string, paint: Paint, end = this.width): number {
    const room = Math.min(end, this.width) - x;
    if (room <= 0) return x;
    let col = x;
    for (const g of graphemes(truncate(text, room))) {
      const w = graphemeWidth(g);
      if (w === 0) continue;
      this.set(col, g, paint);
      if (w === 2) this.set(col + 1, '', paint);
      col += w;
    }
    return col;
  }
  render(style: ChalkInstance): string {
    let last = this.cells.length - 1;
    while (last >= 0 && this.cells[last].ch === ' ' && this.cells[last].paint === 'plain') last--;
    let out = '';
    let run = '';
    let paint: Paint = 'plain';
    const flush = () => {
      out += paintText(style, paint, run);
      run = '';
    };
    for (const cell of this.cells.slice(0, last + 1)) {
      if (cell.paint !== paint) {
        flush();
        paint = cell.paint;
      }
      run += cell.ch;
    }
    flush();
    return out;
  }
}

function paintText(style: ChalkInstance, paint: Paint, text: string): string {
  if (!text) return '';
  switch (paint) {
    case 'request':
      return style.cyan(text);
    case 'reply':
    case 'ack':
    case 'pass':
      return style.green(text);
    case 'error':
    case 'dead':
      return style.red(text);
    case 'fail':
      return style.bold.red(text);
    case 'event':
      return style.magenta(text);
    case 'nack':
      return style.yellow(text);
    case 'other':
    case 'dim':
      return style.dim(text);
    case 'bold':
      return style.bold(text);
    default:
      return text;
  }
}

const time = (ms: number) => `+${Math.round(ms)} ms`;

type Row = { kind: 'event'; event: TraceEvent } | { kind: 'test'; number: number; test: TraceTest } | { kind: 'gap'; count: number };

/** The rows of the view: events, a heading where each test starts (all tests shown), a gap where rows were left out. */
function rowsOf(trace: Trace, events: TraceEvent[], withTests: boolean, maxRows: number): Row[] {
  const tests = withTests ? numberedTests(trace).sort((a, b) => a.test.startMs - b.test.startMs) : [];
  const rows: Row[] = [];
  let next = 0;
  // Where rows are left out: the first ones and the last ten stay, so both the start and the end show.
  const tail = Math.min(10, Math.floor(maxRows / 4));
  const keepHead = events.length > maxRows ? maxRows - tail : events.length;
  const skipTo = events.length > maxRows ? events.length - tail : events.length;
  events.forEach((event, i) => {
    while (next < tests.length && tests[next].test.startMs <= event.atMs) {
      if (i < keepHead || i >= skipTo) rows.push({ kind: 'test', ...tests[next] });
      next++;
    }
    if (i === keepHead && skipTo > keepHead) rows.push({ kind: 'gap', count: skipTo - keepHead });
    if (i < keepHead || i >= skipTo) rows.push({ kind: 'event', event });
  });
  for (; next < tests.length; next++) rows.push({ kind: 'test', ...tests[next] });
  return rows;
}

const testPaint = (test: TraceTest): Paint => (test.status === 'fail' ? 'fail' : test.status === 'pass' ? 'pass' : 'dim');
const testMark = (test: TraceTest) => (test.status === 'fail' ? '✗' : test.status === 'pass' ? '✓' : '–');

export function renderSequence(trace: Trace, options: SequenceOptions): string {
  const width = Math.max(20, Math.min(100, Math.floor(options.width)));
  const style = options.style;
  const maxRows = Math.max(4, options.maxRows ?? 40);
  const out: string[] = [];
  // A sentence is wrapped at words; each piece still goes through a Line, which cuts what cannot fit.
  const text = (s: string, paint: Paint = 'plain') => {
    for (const piece of wrapAnsi(printable(s), width, { hard: true, trim: true }).split('\n')) {
      const line = new Line(width);
      line.write(0, piece, paint);
      out.push(line.render(style));
    }
  };

  let events = trace.events;
  let selected: { number: number; test: TraceTest } | undefined;
  if (options.test !== undefined) {
    selected = findTest(trace, options.test);
    if (!selected) {
      const list = numberedTests(trace).map((x) => `${x.number}. ${x.test.name}`).join('; ') || '–';
      throw new UserError(t('traceView.noSuchTest', { test: options.test, tests: list }));
    }
    events = eventsOfTest(trace, selected.test);
  }

  const status = trace.status ? ` · ${t(`traceView.status.${trace.status}`)}` : '';
  text(`${trace.exercise} · ${t('traceView.source', { source: trace.source })}${status} · ${t('traceView.messages', { count: events.length })}`, trace.status === 'fail' ? 'fail' : 'bold');
  if (selected) {
    const count = trace.tests?.length ?? 0;
    text(`${testMark(selected.test)} ${t('traceView.test', { number: selected.number, count, name: selected.test.name })} · ${t(`traceView.status.${selected.test.status}`)}`, testPaint(selected.test));
  }
  text(t('traceView.legend'), 'dim');
  out.push('');

  const rows = rowsOf(trace, events, !selected && (trace.tests?.length ?? 0) > 0, maxRows);
  const shown = rows.flatMap((r) => (r.kind === 'event' ? [r.event] : []));
  const people = lifelines(trace, events);
  const timeWidth = Math.max(6, ...shown.map((e) => displayWidth(time(e.atMs)))) + 1;
  const column = Math.max(3, Math.floor((width - timeWidth) / Math.max(1, people.length)));
  const xs = new Map(people.map((p, i) => [p.id, Math.min(width - 1, timeWidth + Math.floor(column * i + (column - 1) / 2))]));

  const firstLifeline = Math.min(...xs.values());
  const events_ = bySeq(trace);
  const withLifelines = () => {
    const line = new Line(width);
    for (const x of xs.values()) line.set(x, '│', 'dim');
    return line;
  };

  // The participants' labels, centred over their lifelines.
  const heads = new Line(width);
  people.forEach((p) => {
    const label = truncate(p.label, Math.max(1, column - 1));
    const x = xs.get(p.id)!;
    const start = Math.max(0, Math.min(width - displayWidth(label), x - Math.floor((displayWidth(label) - 1) / 2)));
    heads.write(start, label, 'bold');
  });
  out.push(heads.render(style));
  const top = new Line(width);
  for (const x of xs.values()) top.set(x, '┬', 'dim');
  out.push(top.render(style));

  if (events.length === 0) {
    const line = withLifelines();
    line.write(timeWidth, ` ${t('traceView.noMessages')} `, 'dim');
    out.push(line.render(style));
  }

  for (const row of rows) {
    if (row.kind === 'test') {
      const line = new Line(width);
      const paint = testPaint(row.test);
      const end = line.write(0, `── ${testMark(row.test)} ${row.number}. ${row.test.name} `, paint);
      for (let x = end; x < width; x++) line.set(x, '─', paint);
      out.push(line.render(style));
      continue;
    }
    if (row.kind === 'gap') {
      const line = withLifelines();
      line.write(timeWidth, ` ${t('traceView.gap', { count: row.count })} `, 'dim');
      out.push(line.render(style));
      continue;
    }
    const e = row.event;
    const look = arrowLook(e, events_);
    const from = xs.get(e.from)!;
    const to = xs.get(e.to)!;

    // The label line: time, then the label right of the arrow's left end.
    const label = withLifelines();
    label.write(0, time(e.atMs).padStart(timeWidth - 1), 'dim');
    const text = eventLabel(e, events_);
    // Right of the arrow's left end, where it reads as the arrow's; moved left (not past the first
    // lifeline) only when too little of it would show there.
    let start = Math.min(from, to) + 2;
    const wanted = Math.min(displayWidth(text), 28);
    if (width - start < wanted) start = Math.max(firstLifeline + 2, width - Math.min(displayWidth(text), 40));
    if (look.mark && text.startsWith(look.mark)) {
      const after = label.write(start, look.mark, look.tone);
      label.write(after, text.slice(look.mark.length), 'plain');
    } else label.write(start, text, 'plain');
    out.push(label.render(style));

    // The arrow line.
    const arrow = withLifelines();
    const stroke = look.dashed ? '┄' : '─';
    if (from === to) {
      arrow.set(from, '├', look.tone);
      arrow.set(from + 1, stroke, look.tone);
      arrow.set(from + 2, '╮', look.tone);
    } else if (from < to) {
      arrow.set(from, '├', look.tone);
      for (let x = from + 1; x < to - 1; x++) arrow.set(x, stroke, look.tone);
      arrow.set(to - 1, look.openHead ? '▷' : '▶', look.tone);
    } else {
      arrow.set(from, '┤', look.tone);
      for (let x = to + 2; x < from; x++) arrow.set(x, stroke, look.tone);
      arrow.set(to + 1, look.openHead ? '◁' : '◀', look.tone);
    }
    out.push(arrow.render(style));
  }

  const bottom = new Line(width);
  for (const x of xs.values()) bottom.set(x, '┴', 'dim');
  out.push(bottom.render(style));
  const left = rows.find((r): r is Extract<Row, { kind: 'gap' }> => r.kind === 'gap');
  if (left) text(t('traceView.leftOut', { count: left.count }), 'dim');
  if (trace.dropped) text(t('traceView.dropped', { count: trace.dropped }), 'dim');
  return out.join('\n');
}
