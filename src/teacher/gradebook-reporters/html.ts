import path from 'node:path';
import { language, t } from '../../i18n/messages';
import { failingChecks, hasActivity, studentActivity, type ExerciseGrade, type Gradebook, type StudentGrade } from '../gradebook';

/** Text as HTML: a student's folder name or a check's message is never markup. */
const html = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const round = (n: number) => String(Math.round(n * 10) / 10);

/** A horizontal bar chart in plain SVG: one bar per failing check, labelled, no script or network. */
function barChart(rows: { exercise: string; check: string; students: number }[], of: number): string {
  if (rows.length === 0) return `<p>${html(t('gradebook.noFailures'))}</p>`;
  const barHeight = 22;
  const labelWidth = 420;
  const barWidth = 300;
  const height = rows.length * (barHeight + 8) + 8;
  const bars = rows.map((r, i) => {
    const y = 8 + i * (barHeight + 8);
    const w = of > 0 ? Math.max(2, Math.round((barWidth * r.students) / of)) : 2;
    const label = `${r.exercise}: ${r.check}`;
    const shown = label.length > 60 ? `${label.slice(0, 59)}…` : label;
    return [
      `<g class="bar"><title>${html(label)}: ${r.students}</title>`,
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${html(shown)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" rx="3"></rect>`,
      `<text x="${labelWidth + w + 6}" y="${y + 15}">${r.students}</text></g>`,
    ].join('');
  });
  return `<svg id="failing-chart" role="img" aria-label="${html(t('gradebook.html.chartTitle'))}" viewBox="0 0 ${labelWidth + barWidth + 60} ${height}" width="100%" style="max-width:${labelWidth + barWidth + 60}px">${bars.join('')}</svg>`;
}

/**
 * A student's attempts or hints: the total, the count per exercise in its tooltip; unknown (no progress
 * file) is – and sorts below 0.
 */
function activityCell(s: StudentGrade, field: 'attempts' | 'hintsUsed', cls: string): string {
  const total = studentActivity(s)?.[field];
  const each = s.results.flatMap((r) => (r.activity ? [`${r.exercise}: ${r.activity[field]}`] : [])).join(' · ');
  return `<td class="${cls}" data-value="${total ?? -1}"${each ? ` title="${html(each)}"` : ''}>${total ?? '–'}</td>`;
}

function cell(r: ExerciseGrade | undefined): { text: string; cls: string; value: number } {
  if (!r || !r.submitted) return { text: `– ${r?.points ?? 0}`, cls: 'missing', value: r?.points ?? 0 };
  const mark = r.status === 'pass' ? '✓' : r.status === 'error' ? '⚠' : '✗';
  return { text: `${mark} ${r.points}`, cls: r.status, value: r.points };
}

/** Sorts the table by a column when its header is clicked (numbers as numbers), again to reverse. */
const SORT_SCRIPT = `
document.querySelectorAll('#points th button').forEach(function (button, column) {
  button.addEventListener('click', function () {
    var table = document.getElementById('points');
    var th = button.parentElement;
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute('data-value'), y = b.cells[column].getAttribute('data-value');
      var nx = Number(x), ny = Number(y);
      var order = !isNaN(nx) && !isNaN(ny) ? nx - ny : String(x).localeCompare(String(y));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});`;

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d2327; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.warning { background: #fff3cd; border: 1px solid #e0b400; padding: .6rem .8rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #dde1e4; padding: .35rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th button { font: inherit; font-weight: 600; background: none; border: 0; cursor: pointer; padding: 0; }
th[aria-sort=ascending] button::after { content: ' ▲'; } th[aria-sort=descending] button::after { content: ' ▼'; }
td.pass { color: #137333; } td.fail { color: #b3261e; } td.error { color: #9a6700; } td.missing { color: #6b7280; }
#failing-chart rect { fill: #c2410c; } #failing-chart text { font-size: 13px; fill: #1d2327; }
.note { color: #4b5563; font-size: .9rem; } td.attempts, td.hints { color: #4b5563; }
details { margin: .3rem 0; } summary { cursor: pointer; } pre { white-space: pre-wrap; background: #f5f6f7; padding: .5rem; }
`;

/**
 * The class report as one self-contained page (no network needed to open it): points per student and
 * exercise in a table that sorts (with each student's attempts and hints, when their progress files
 * tell), the checks that failed most as a bar chart, and per student the first failure of each
 * exercise they did not pass.
 */
export function renderGradebookHtml(book: Gradebook, cwd = process.cwd()): string {
  const count = book.students.length;
  const maxPoints = book.exercises.reduce((n, e) => n + e.points, 0);
  const average = count ? book.students.reduce((n, s) => n + s.points, 0) / count : 0;
  const name = (workspace: string) => path.relative(cwd, workspace) || '.';
  const title = book.title ? `${t('gradebook.title')}: ${book.title}` : t('gradebook.title');
  // Attempts and hints only when some student's progress file told them (before the points, which stay last).
  const activity = hasActivity(book);
  const headers = [t('gradebook.student'), ...book.exercises.map((e) => `${e.id} (${e.points})`), ...(activity ? [t('gradebook.attempts'), t('gradebook.hints')] : []), t('gradebook.points')];
  const rows = book.students.map((s) => {
    const cells = book.exercises.map((e) => cell(s.results.find((r) => r.exercise === e.id)));
    const worked = activity ? activityCell(s, 'attempts', 'attempts') + activityCell(s, 'hintsUsed', 'hints') : '';
    return `<tr><td data-value="${html(name(s.workspace))}">${html(name(s.workspace))}</td>${cells.map((c) => `<td class="${c.cls}" data-value="${c.value}">${html(c.text)}</td>`).join('')}${worked}<td data-value="${s.points}">${s.points} / ${s.maxPoints}</td></tr>`;
  });
  const failures = book.students.flatMap((s) => {
    const failed = s.results.filter((r) => r.submitted && r.status !== 'pass');
    if (failed.length === 0) return [];
    return [
      `<details class="student"><summary>${html(name(s.workspace))} · ${s.points} / ${s.maxPoints}</summary>`,
      ...failed.map((r) => `<h3>${html(r.exercise)}</h3><pre class="failure">${html(r.message)}</pre>`),
      '</details>',
    ];
  });
  return `<!doctype html>
<html lang="${language()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${html(title)}</h1>
${book.warning ? `<p class="warning">${html(book.warning)}</p>` : ''}
<p>${html(t('gradebook.summary', { count, version: book.version, average: round(average), maxPoints }))}</p>
<table id="points">
<thead><tr>${headers.map((h) => `<th scope="col"><button type="button">${html(h)}</button></th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
${activity ? `<p class="note">${html(t('gradebook.activityNote'))}</p>` : ''}
<h2>${html(t('gradebook.html.chartTitle'))}</h2>
${barChart(failingChecks(book).slice(0, 12), book.students.filter((s) => s.results.some((r) => r.submitted)).length)}
<h2>${html(t('gradebook.html.firstFailures'))}</h2>
${failures.length > 0 ? failures.join('\n') : `<p>${html(t('gradebook.noFailures'))}</p>`}
<script>${SORT_SCRIPT}</script>
</body>
</html>
`;
}
