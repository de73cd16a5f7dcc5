import type { CheckResult } from '../check-result';

/**
 * Text as XML 1.0 allows it: markup escaped, and the characters XML forbids anywhere (C0 controls but
 * tab and newlines, U+FFFE, U+FFFF, lone surrogates) dropped, so a student's file name cannot break the report.
 */
export const xmlEscape = (s: string) =>
  s
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
const escape = xmlEscape;

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
