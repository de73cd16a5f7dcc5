import type { CheckResult } from '../check-result';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML, one testsuite per exercise, for CI systems. */
export function renderJunit(results: CheckResult[]): string {
  const suites = results.map((r) => {
    const failures = r.tests.filter((x) => x.status === 'fail').length;
    const skipped = r.tests.filter((x) => x.status === 'skip').length;
    const cases = r.tests.map((x) => {
      const open = `    <testcase classname="${escape(r.exercise)}" name="${escape(x.name)}" time="${(x.durationMs / 1000).toFixed(3)}"`;
      if (x.status === 'pass') return `${open}/>`;
      if (x.status === 'skip') return `${open}><skipped/></testcase>`;
      const type = x.mistake ?? 'failure';
      return `${open}>\n      <failure type="${escape(type)}" message="${escape((x.message ?? '').split('\n')[0])}">${escape(x.message ?? '')}</failure>\n    </testcase>`;
    });
    const logs = Object.entries(r.logs).map(([s, l]) => l.split('\n').filter(Boolean).map((line) => `[${s}] ${line}`).join('\n')).filter(Boolean).join('\n');
    const systemOut = r.status === 'pass' || !logs ? '' : `\n    <system-out>${escape(logs)}</system-out>`;
    return `  <testsuite name="${escape(r.exercise)}" tests="${r.tests.length}" failures="${failures}" skipped="${skipped}" time="${(r.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}${systemOut}\n  </testsuite>`;
  });
  const total = results.reduce((n, r) => n + r.tests.length, 0);
  const failures = results.reduce((n, r) => n + r.tests.filter((x) => x.status === 'fail').length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="learn-nest-micro" tests="${total}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>`;
}
