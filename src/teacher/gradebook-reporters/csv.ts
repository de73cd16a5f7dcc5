import type { Gradebook } from '../gradebook';

/** A cell, quoted when needed; a leading =, +, - or @ is defused so spreadsheets never run it as a formula. */
function cell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  // One line ending throughout, inside quoted cells too: CRLF, as RFC 4180 has it.
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""').replace(/\r?\n|\r/g, '\r\n')}"` : text;
}

/** One row per student: the workspace, the points of each exercise, the total and the maximum. */
export function renderGradebookCsv(book: Gradebook): string {
  const header = ['workspace', ...book.exercises.map((e) => e.id), 'points', 'maxPoints'];
  const rows = book.students.map((s) => [s.workspace, ...book.exercises.map((e) => s.results.find((r) => r.exercise === e.id)?.points ?? 0), s.points, s.maxPoints]);
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
