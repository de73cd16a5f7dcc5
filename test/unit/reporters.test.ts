import { describe, expect, test } from 'vitest';
import type { CheckResult } from '../../src/grading/check-result';
import { renderJson } from '../../src/grading/reporters/json';
import { renderJunit } from '../../src/grading/reporters/junit';
import { renderPretty } from '../../src/grading/reporters/pretty';
import { makeStyle } from '../../src/ui/style';

const failed: CheckResult = {
  exercise: 'tcp-basics',
  status: 'fail',
  durationMs: 1234,
  timedOut: false,
  logs: { math: 'started\nboom <&>' },
  tests: [
    { name: 'services start', status: 'pass', durationMs: 500 },
    { name: 'math answers sum', status: 'fail', durationMs: 20, mistake: 'pattern-mismatch', message: 'The patterns differ\nFix: use { cmd: "sum" }\nsent:     { cmd: "sum" }\nreceived: There is no matching message handler defined in the remote service.' },
    { name: 'gateway sums', status: 'fail', durationMs: 10, message: 'gateway answered 500' },
  ],
};

describe('reporters', () => {
  test('pretty shows the first failure in full, then the others in a line, then logs', () => {
    const text = renderPretty(failed, makeStyle(false));
    expect(text.indexOf('First failure: math answers sum')).toBeGreaterThan(-1);
    expect(text).toContain('received: There is no matching message handler defined in the remote service.');
    expect(text).toContain('  - gateway sums: gateway answered 500');
    expect(text).toContain('[math] boom <&>');
    expect(text).toContain('FAIL tcp-basics: 2 of 3 checks failed');
    expect(text).not.toMatch(/\u001b\[/);
  });

  test('json carries status, per-test name/status/message and duration', () => {
    const parsed = JSON.parse(renderJson([failed]));
    expect(parsed).toMatchObject({ exercise: 'tcp-basics', status: 'fail', durationMs: 1234 });
    expect(parsed.tests[1]).toMatchObject({ name: 'math answers sum', status: 'fail', mistake: 'pattern-mismatch' });
  });

  test('junit is well-formed XML with escaped text and a failure per failed test', () => {
    const xml = renderJunit([failed]);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain('<testsuite name="tcp-basics" tests="3" failures="2" skipped="0" time="1.234">');
    expect(xml).toContain('<failure type="pattern-mismatch" message="The patterns differ">');
    expect(xml).toContain('boom &lt;&amp;&gt;');
    expect(xml.match(/<failure /g)).toHaveLength(2);
  });
});
