import { xmlEscape as escape } from '../../grading/reporters/junit';
import type { Gradebook } from '../gradebook';

/** JUnit XML for CI dashboards: one testsuite per student, one testcase per exercise, points as properties. */
export function renderGradebookJunit(book: Gradebook): string {
  const suites = book.students.map((s) => {
    const failures = s.results.filter((r) => r.status === 'fail').length;
    const errors = s.results.filter((r) => r.status === 'error').length;
    const cases = s.results.map((r) => {
      const open = `    <testcase classname="${escape(s.workspace)}" name="${escape(r.exercise)}"`;
      if (r.status === 'pass') return `${open}/>`;
      const tag = r.status === 'error' ? 'error' : 'failure';
      return `${open}>\n      <${tag} message="${escape(r.message)}">${escape(r.message)}</${tag}>\n    </testcase>`;
    });
    const properties = `    <properties>\n      <property name="points" value="${s.points}"/>\n      <property name="maxPoints" value="${s.maxPoints}"/>\n    </properties>`;
    return `  <testsuite name="${escape(s.workspace)}" tests="${s.results.length}" failures="${failures}" errors="${errors}">\n${properties}\n${cases.join('\n')}\n  </testsuite>`;
  });
  const count = (status: string) => book.students.reduce((n, s) => n + s.results.filter((r) => r.status === status).length, 0);
  const tests = book.students.reduce((n, s) => n + s.results.length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="learn-nest-micro grade" tests="${tests}" failures="${count('fail')}" errors="${count('error')}">\n${suites.join('\n')}\n</testsuites>\n`;
}
