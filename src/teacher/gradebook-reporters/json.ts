import type { Gradebook } from '../gradebook';

/** The gradebook as JSON, in exactly the documented shape (scripts rely on it). */
export function renderGradebookJson(book: Gradebook): string {
  const students = book.students.map((s) => ({
    workspace: s.workspace,
    results: s.results.map((r) => ({ exercise: r.exercise, status: r.status, points: r.points, maxPoints: r.maxPoints, message: r.message })),
    points: s.points,
    maxPoints: s.maxPoints,
  }));
  // Graded without a sandbox: said before anything else (a sandboxed gradebook keeps the documented shape).
  return JSON.stringify(book.sandbox === 'none' ? { warning: book.warning, sandbox: book.sandbox, students } : { students }, null, 2);
}
