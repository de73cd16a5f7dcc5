import path from 'node:path';
import { t } from '../../i18n/messages';
import { failingChecks, hasActivity, studentActivity, type ExerciseGrade, type Gradebook } from '../gradebook';

// A folder name is text, never markup: HTML is escaped so a student's folder cannot inject a tag.
const mdCell = (s: string) =>
  s
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
const percent = (n: number, of: number) => (of === 0 ? '–' : `${Math.round((100 * n) / of)}%`);
const round = (n: number) => String(Math.round(n * 10) / 10);

function mark(r: ExerciseGrade | undefined): string {
  if (!r || !r.submitted) return `– ${r?.points ?? 0}`;
  return `${r.status === 'pass' ? '✓' : r.status === 'error' ? '⚠' : '✗'} ${r.points}`;
}

/**
 * A class summary for people: each student's points, then per exercise how many passed and which
 * hidden checks failed most often across the class (what confused them).
 */
export function renderGradebookMarkdown(book: Gradebook, cwd = process.cwd()): string {
  const maxPoints = book.exercises.reduce((n, e) => n + e.points, 0);
  const count = book.students.length;
  const average = count ? book.students.reduce((n, s) => n + s.points, 0) / count : 0;
  const name = (workspace: string) => path.relative(cwd, workspace) || '.';
  const out: string[] = [`# ${book.title ? `${t('gradebook.title')}: ${mdCell(book.title)}` : t('gradebook.title')}`, ''];
  if (book.warning) out.push(`> **${mdCell(book.warning)}**`, '');
  out.push(t('gradebook.summary', { count, version: book.version, average: round(average), maxPoints }), '');
  // Attempts and hints only when some student's progress file told them.
  const activity = hasActivity(book);
  const worked = activity ? [t('gradebook.attempts'), t('gradebook.hints')] : [];
  out.push(`| ${t('gradebook.student')} | ${[...book.exercises.map((e) => `${e.id} (${e.points})`), ...worked].join(' | ')} | ${t('gradebook.points')} |`);
  out.push(`| --- | ${[...book.exercises, ...worked].map(() => '---:').join(' | ')} | ---: |`);
  for (const s of book.students) {
    const cells = book.exercises.map((e) => mark(s.results.find((r) => r.exercise === e.id)));
    const a = studentActivity(s);
    if (activity) cells.push(String(a?.attempts ?? '–'), String(a?.hintsUsed ?? '–'));
    out.push(`| ${mdCell(name(s.workspace))} | ${cells.join(' | ')} | ${s.points} / ${s.maxPoints} |`);
  }
  if (activity) out.push('', t('gradebook.activityNote'));
  out.push('', `## ${t('gradebook.perExercise')}`);
  for (const e of book.exercises) {
    const results = book.students.map((s) => s.results.find((r) => r.exercise === e.id)).filter((r): r is ExerciseGrade => !!r);
    const submitted = results.filter((r) => r.submitted);
    const passed = results.filter((r) => r.status === 'pass').length;
    const errors = submitted.filter((r) => r.status === 'error').length;
    out.push('', `### ${e.id} (${e.points})`, '');
    const facts = [t('gradebook.passedBy', { passed, count, rate: percent(passed, count) })];
    if (results.length > submitted.length) facts.push(t('gradebook.notSubmittedBy', { count: results.length - submitted.length }));
    if (errors) facts.push(t('gradebook.errors', { count: errors }));
    out.push(facts.join(' '), '');
    const failing = failingChecks(book).filter((f) => f.exercise === e.id);
    if (failing.length === 0) {
      out.push(t('gradebook.noFailures'));
      continue;
    }
    out.push(`| ${t('gradebook.failingCheck')} | ${t('gradebook.students')} | ${t('gradebook.rate')} |`, '| --- | ---: | ---: |');
    for (const { check, students: n } of failing) {
      out.push(`| ${mdCell(check)} | ${n} | ${percent(n, submitted.length)} |`);
    }
  }
  return out.join('\n') + '\n';
}
