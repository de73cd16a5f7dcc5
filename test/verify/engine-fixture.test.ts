import { expect, test } from 'vitest';
import { cli } from '../support/cli';

test('dev verify proves the engine fixture and names each case', async () => {
  const r = await cli(['dev', 'verify', 'echo'], { content: 'fixture' });
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/✓ the lesson does not hand over the solution's lines/);
  expect(r.stdout).toMatch(/✓ the lesson's TypeScript snippets compile/);
  expect(r.stdout).toMatch(/✓ starter fails/);
  expect(r.stdout).toMatch(/✓ solution passes/);
  expect(r.stdout).toMatch(/✓ mistake wrong-pattern is reported/);
  expect(r.stdout).toContain('5 passed, 0 failed');
}, 300_000);
