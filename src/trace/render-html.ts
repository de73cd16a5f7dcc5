/**
 * A recorded trace as one self-contained HTML page (inline CSS, script and SVG; nothing from the
 * network): the sequence diagram of every message, a list of the suite's tests (failing ones first)
 * that switches the diagram to one test's messages, and a side panel that shows the whole message,
 * its details and timing when an arrow is clicked.
 *
 * Payloads are learner data: they reach the page only as escaped text, or inside a JSON script block
 * whose `<` are escaped, and the page's script writes them with textContent, never as markup.
 */
import { t, type Language } from '../i18n/messages';
import type { Participant, Trace, TraceEvent, TraceTest } from './model';
import { arrowLook, bySeq, eventLabel, eventsOfTest, lifelines, numberedTests, printable, type BySeq, type Tone } from './render-common';

const html = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** JSON that can sit inside a <script> element: no `<` (so no `</script>`), no line separators. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const COLUMN = 170;
const LEFT = 74;
const HEAD = 56;
const ROW = 40;
const HEADING = 28;

const TONES: Record<Tone, string> = {
  request: '#0b6e99',
  reply: '#137333',
  ack: '#137333',
  error: '#b3261e',
  dead: '#b3261e',
  event: '#8e24aa',
  nack: '#9a6700',
  other: '#6b7280',
};

type Row = { kind: 'event'; event: TraceEvent } | { kind: 'test'; number: number; test: TraceTest };

function rowsOf(trace: Trace, events: TraceEvent[], withTests: boolean): Row[] {
  const tests = withTests ? numberedTests(trace).sort((a, b) => a.test.startMs - b.test.startMs) : [];
  const rows: Row[] = [];
  let next = 0;
  for (const event of events) {
    for (; next < tests.length && tests[next].test.startMs <= event.atMs; next++) rows.push({ kind: 'test', ...tests[next] });
    rows.push({ kind: 'event', event });
  }
  for (; next < tests.length; next++) rows.push({ kind: 'test', ...tests[next] });
  return rows;
}

/** An arrowhead at (x, y) pointing right (dir 1) or left (dir -1): filled for requests, open for events. */
function head(x: number, y: number, dir: 1 | -1, open: boolean, colour: string): string {
  const points = `${x - dir * 9},${y - 5} ${x},${y} ${x - dir * 9},${y + 5}`;
  return open ? `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="1.6"/>` : `<polygon points="${points}" fill="${colour}"/>`;
}

function diagram(people: Participant[], rows: Row[], events: BySeq, lang: Language): string {
  const xs = new Map(people.map((p, i) => [p.id, LEFT + COLUMN * i + COLUMN / 2]));
  const width = LEFT + COLUMN * people.length + 20;
  let y = HEAD + 10;
  const parts: string[] = [];
  for (const row of rows) {
    if (row.kind === 'test') {
      const cls = `heading ${row.test.status}`;
      const mark = row.test.status === 'fail' ? '✗' : row.test.status === 'pass' ? '✓' : '–';
      parts.push(`<g class="${cls}"><rect x="0" y="${y}" width="${width}" height="${HEADING - 6}" rx="3"/><text x="8" y="${y + 15}">${html(cut(`${mark} ${row.number}. ${row.test.name} · ${t(`traceView.status.${row.test.status}`, {}, lang)}`, 140))}</text></g>`);
      y += HEADING;
      continue;
    }
    const e = row.event;
    const look = arrowLook(e, events);
    const colour = TONES[look.tone];
    const from = xs.get(e.from)!;
    const to = xs.get(e.to)!;
    const arrowY = y + 26;
    const left = Math.min(from, to);
    const label = eventLabel(e, events);
    // The label runs from the arrow's left end to the diagram's right edge, about 7 px a character.
    const room = Math.max(18, Math.floor((width - left - 16) / 7.4));
    const dash = look.dashed ? ' stroke-dasharray="5 4"' : '';
    let drawing: string;
    if (from === to) {
      drawing = `<path d="M${from} ${arrowY - 8} h26 v12 h-20" fill="none" stroke="${colour}" stroke-width="1.6"${dash}/>${head(from + 2, arrowY + 4, -1, look.openHead, colour)}`;
    } else {
      const dir = to > from ? 1 : -1;
      drawing = `<line x1="${from}" y1="${arrowY}" x2="${to - dir * 2}" y2="${arrowY}" stroke="${colour}" stroke-width="1.6"${dash}/>${head(to - dir * 2, arrowY, dir as 1 | -1, look.openHead, colour)}`;
    }
    parts.push(
      `<g class="msg tone-${look.tone}" data-seq="${e.seq}" tabindex="0" role="button" aria-label="${html(cut(label, 200))}">` +
        `<title>${html(cut(label, 300))}</title>` +
        // The whole row answers a click, label included, not only the thin line.
        `<rect class="hit" x="${LEFT - 60}" y="${y + 2}" width="${width - LEFT + 56}" height="${ROW - 4}"/>` +
        `<text class="time" x="${LEFT - 10}" y="${arrowY + 4}" text-anchor="end">+${Math.round(e.atMs)} ms</text>` +
        `<text class="label" x="${left + 8}" y="${y + 16}">${html(cut(label, room))}</text>` +
        drawing +
        '</g>',
    );
    y += ROW;
  }
  const height = y + 16;
  const heads = people
    .map((p) => {
      const x = xs.get(p.id)!;
      return `<g class="participant"><title>${html(p.label)} (${html(p.kind)})</title><rect x="${x - COLUMN / 2 + 10}" y="8" width="${COLUMN - 20}" height="32" rx="5"/><text x="${x}" y="29" text-anchor="middle">${html(cut(p.label, 24))}</text></g><line class="lifeline" x1="${x}" y1="40" x2="${x}" y2="${height - 6}"/>`;
    })
    .join('');
  // Scales down to the column it has (never up), so every lifeline stays in view.
  return `<svg class="sequence" xmlns="http://www.w3.org/2000/svg" width="100%" style="max-width:${width}px" viewBox="0 0 ${width} ${height}">${heads}${parts.join('')}</svg>`;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2327; }
header { padding: 1rem 1.5rem .5rem; border-bottom: 1px solid #dde1e4; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; } h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.legend, .note { color: #4b5563; margin: .2rem 0; font-size: .9rem; }
.layout { display: grid; grid-template-columns: 15rem minmax(0, 1fr) 22rem; gap: 1rem; padding: 1rem 1.5rem; align-items: start; }
#tests ul { list-style: none; margin: 0; padding: 0; }
#tests button { display: block; width: 100%; text-align: left; font: inherit; background: #f5f6f7; border: 1px solid #dde1e4; border-radius: 5px; padding: .35rem .5rem; margin: 0 0 .35rem; cursor: pointer; }
#tests button.fail { border-color: #b3261e; background: #fdecea; color: #8c1d18; font-weight: 600; }
#tests button[aria-pressed=true] { outline: 2px solid #0b6e99; }
#views { overflow-x: auto; }
.sequence text { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; fill: #1d2327; }
.participant rect { fill: #eef3f7; stroke: #8aa4b8; } .participant text { font-weight: 600; font-family: system-ui, sans-serif; font-size: 13px; }
.lifeline { stroke: #9ca3af; stroke-dasharray: 3 4; }
.heading rect { fill: #f0f2f4; } .heading.fail rect { fill: #fdecea; } .heading.fail text { fill: #8c1d18; font-weight: 700; }
.msg { cursor: pointer; } .msg .hit { fill: transparent; pointer-events: all; } .msg:hover .hit, .msg:focus .hit { fill: #eef6fb; }
.msg.selected .hit { fill: #dbeefa; stroke: #0b6e99; } .msg .time { fill: #6b7280; } .msg:focus { outline: none; }
#detail { position: sticky; top: 1rem; border: 1px solid #dde1e4; border-radius: 6px; padding: .8rem; background: #fbfbfc; }
#detail dl { display: grid; grid-template-columns: auto 1fr; gap: .2rem .7rem; margin: 0 0 .6rem; }
#detail dt { color: #4b5563; } #detail dd { margin: 0; overflow-wrap: anywhere; }
#detail pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f1f3f5; padding: .5rem; max-height: 60vh; overflow: auto; margin: .2rem 0 .6rem; }
.none { color: #4b5563; font-style: italic; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: .3rem; } figcaption::first-letter { text-transform: uppercase; } figcaption.fail { color: #8c1d18; }
`;

/** Shows one view when a test is picked, and a message's whole payload when its arrow is clicked. */
const SCRIPT = `
var events = JSON.parse(document.getElementById('trace-events').textContent);
var bySeq = {}; events.forEach(function (e) { bySeq[e.seq] = e; });
function pretty(value) { return value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value, null, 2); }
function field(name, value) {
  var dd = document.querySelector('#detail [data-field=' + name + ']');
  dd.textContent = value === undefined || value === null || value === '' ? '–' : String(value);
}
function show(seq) {
  var e = bySeq[seq];
  if (!e) return;
  document.querySelectorAll('.msg.selected').forEach(function (g) { g.classList.remove('selected'); });
  document.querySelectorAll('.msg[data-seq="' + seq + '"]').forEach(function (g) { g.classList.add('selected'); });
  document.getElementById('pick').hidden = true;
  document.getElementById('fields').hidden = false;
  field('kind', '#' + e.seq + ' ' + e.kind);
  field('route', e.fromLabel + ' → ' + e.toLabel);
  field('transport', e.transport);
  field('pattern', e.pattern);
  field('time', '+' + e.atMs + ' ms');
  field('duration', e.durationMs === undefined ? '' : e.durationMs + ' ms');
  field('replyTo', e.replyTo === undefined ? '' : '#' + e.replyTo);
  document.getElementById('detail-json').textContent = e.detail ? pretty(e.detail) : '–';
  var payload = pretty(e.payload);
  var pre = document.getElementById('payload');
  pre.textContent = payload === null ? pre.getAttribute('data-none') : payload;
}
document.querySelectorAll('.msg').forEach(function (g) {
  g.addEventListener('click', function () { show(g.getAttribute('data-seq')); });
  g.addEventListener('keydown', function (k) { if (k.key === 'Enter' || k.key === ' ') { k.preventDefault(); show(g.getAttribute('data-seq')); } });
});
document.querySelectorAll('#tests button').forEach(function (button) {
  button.addEventListener('click', function () {
    var view = button.getAttribute('data-view');
    document.querySelectorAll('#tests button').forEach(function (b) { b.setAttribute('aria-pressed', String(b === button)); });
    document.querySelectorAll('#views .view').forEach(function (f) { f.hidden = f.getAttribute('data-view') !== view; });
  });
});`;

export function renderTraceHtml(trace: Trace, options: { lang?: 'en' | 'uk' } = {}): string {
  const lang: Language = options.lang ?? 'en';
  const say = (key: Parameters<typeof t>[0], params: Record<string, string | number> = {}) => t(key, params, lang);
  const people = lifelines(trace, trace.events);
  const events = bySeq(trace);
  const labelOf = new Map(people.map((p) => [p.id, p.label]));
  const tests = numberedTests(trace);
  // The page opens on the first failing test: what the learner came to see.
  const firstFailing = tests.find((x) => x.test.status === 'fail');
  const opened = firstFailing ? `test-${firstFailing.number}` : 'all';

  const views = [
    { id: 'all', caption: '', cls: '', rows: rowsOf(trace, trace.events, true), count: trace.events.length },
    ...tests.map((x) => {
      const events = eventsOfTest(trace, x.test);
      const caption = `${say('traceView.test', { number: x.number, count: tests.length, name: x.test.name })} · ${say(`traceView.status.${x.test.status}`)}`;
      return { id: `test-${x.number}`, caption, cls: x.test.status, rows: rowsOf(trace, events, false), count: events.length };
    }),
  ];
  const figures = views
    .map((v) => {
      const caption = v.caption ? `<figcaption class="${v.cls}">${html(v.caption)}</figcaption>` : '';
      const none = v.count === 0 ? `<p class="none">${html(say('traceView.html.none'))}</p>` : '';
      return `<figure class="view" data-view="${v.id}"${v.id === opened ? '' : ' hidden'}>${caption}${none}${diagram(people, v.rows, events, lang)}</figure>`;
    })
    .join('\n');

  const button = (view: string, text: string, cls: string) => `<li><button type="button" class="${cls}" data-view="${view}" aria-pressed="${view === opened}">${html(text)}</button></li>`;
  // Failing tests first, the others in the suite's order.
  const ordered = [...tests.filter((x) => x.test.status === 'fail'), ...tests.filter((x) => x.test.status !== 'fail')];
  const testButtons = [
    button('all', `${say('traceView.html.all')} (${trace.events.length})`, 'all'),
    ...ordered.map((x) => {
      const mark = x.test.status === 'fail' ? '✗' : x.test.status === 'pass' ? '✓' : '–';
      return button(`test-${x.number}`, `${mark} ${x.number}. ${x.test.name} (${eventsOfTest(trace, x.test).length})`, x.test.status);
    }),
  ];

  // What the panel shows, for the page's script: the events with their lifelines' labels.
  const data = trace.events.map((e) => ({ ...e, fromLabel: labelOf.get(e.from) ?? e.from, toLabel: labelOf.get(e.to) ?? e.to, pattern: e.pattern === undefined ? undefined : printable(e.pattern) }));
  const fields = (['kind', 'route', 'transport', 'pattern', 'time', 'duration', 'replyTo'] as const)
    .map((f) => `<dt>${html(say(`traceView.html.${f}`))}</dt><dd data-field="${f}"></dd>`)
    .join('');
  const title = say('traceView.html.title', { exercise: trace.exercise });
  const status = trace.status ? ` · ${say(`traceView.status.${trace.status}`)}` : '';

  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${html(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${html(title)}${html(status)}</h1>
<p class="note">${html(say('traceView.html.summary', { source: trace.source, exercise: trace.exercise, startedAt: trace.startedAt, count: trace.events.length }))}</p>
<p class="legend">${html(say('traceView.legend'))}</p>
${trace.dropped ? `<p class="note">${html(say('traceView.html.dropped', { count: trace.dropped }))}</p>` : ''}
</header>
<div class="layout">
<nav id="tests"><h2>${html(say('traceView.html.tests'))}</h2><ul>
${testButtons.join('\n')}
</ul></nav>
<section id="views">
${figures}
</section>
<aside id="detail" aria-live="polite">
<p id="pick">${html(say('traceView.html.pick'))}</p>
<div id="fields" hidden>
<dl>${fields}</dl>
<h2>${html(say('traceView.html.payload'))}</h2>
<pre id="payload" data-none="${html(say('traceView.html.noPayload'))}"></pre>
<h2>${html(say('traceView.html.detail'))}</h2>
<pre id="detail-json"></pre>
</div>
</aside>
</div>
<script type="application/json" id="trace-events">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
