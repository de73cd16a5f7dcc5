import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { cli, fixtureContent, tempDir } from '../support/cli';

interface MutateJson {
  exercises: { exercise: string; outcomes: { operator: string; line: number; status: string; failure?: string; diff: string; reason?: string }[] }[];
  killed: number;
  survived: number;
  equivalent: number;
  checks: number;
}

// The fixture echo service: its pattern and port are mutated (the suite must notice), and its host
// '127.0.0.1' emptied, which makes Nest listen on every interface: the suite cannot notice, and
// rightly so, which is what an equivalent mutant recorded with its reason is for.
test('dev mutate runs the hidden suite on each mutant: changed patterns and ports are killed, a survivor is reported with its diff, and a recorded equivalent is counted apart', async () => {
  const content = tempDir('lnm-mutate-content-');
  cpSync(fixtureContent, content, { recursive: true });
  const only = ['--only', 'pattern-value,hardcode-env,string-literal'];

  const first = await cli(['dev', 'mutate', 'echo', '--json', ...only], { env: { LNM_CONTENT_ROOT: content } });
  const report = JSON.parse(first.stdout) as MutateJson;
  const outcomes = report.exercises[0].outcomes;
  expect(outcomes.filter((o) => o.operator === 'pattern-value').map((o) => o.status)).toEqual(['killed', 'killed']);
  expect(outcomes.find((o) => o.operator === 'hardcode-env')?.status).toBe('killed');
  const host = outcomes.find((o) => o.operator === 'string-literal' && o.diff.includes("host: ''"));
  expect(host?.status, JSON.stringify(outcomes, null, 1)).toBe('survived');
  expect(first.exitCode).toBe(1);

  writeFileSync(
    path.join(content, 'exercises', 'echo', 'mutants.json'),
    JSON.stringify({ equivalent: [{ operator: 'string-literal', file: 'main.ts', line: host!.line, match: "'127.0.0.1'", reason: "an empty host makes Nest listen on every interface, 127.0.0.1 included: the suite connects the same way" }] }),
  );
  const second = await cli(['dev', 'mutate', 'echo', ...only], { env: { LNM_CONTENT_ROOT: content } });
  expect(second.stdout).toMatch(/mutation score 3\/3 \(1 equivalent\)/);
  expect(second.stdout).toContain('= equivalent');
  expect(second.exitCode, second.stdout + second.stderr).toBe(0);
}, 300_000);
