import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { bin, cli, fixtureContent, repoRoot, tempDir } from '../support/cli';

const template = (name: string) => parse(readFileSync(path.join(repoRoot, 'templates', 'ci', name), 'utf8'));

/** A class repository: the assignment, a workspace where nothing is handed in, and a progress file that lies. */
async function classRepository(): Promise<string> {
  const dir = tempDir('lnm-ci-');
  await cli(['scaffold', 'echo', '--dir', dir], { content: 'fixture' });
  writeFileSync(path.join(dir, 'assignment.json'), JSON.stringify({ exercises: [{ id: 'echo', points: 10 }, { id: 'echo-twice', points: 5 }] }));
  writeFileSync(path.join(dir, '.learn-nest-micro', 'progress.json'), JSON.stringify({ version: 1, exercises: { echo: { lastStatus: 'pass', passedAt: '2025-01-01T00:00:00.000Z' } } }));
  // An empty echo (its service exits at once) and no echo-twice at all: the checks are quick and earn nothing.
  writeFileSync(path.join(dir, 'echo', 'main.ts'), '');
  return dir;
}

/** `learn-nest-micro` on the PATH, as `npm install --global` would put it. */
function toolOnPath(): string {
  const shims = tempDir('lnm-bin-');
  const shim = path.join(shims, 'learn-nest-micro');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(shim, 0o755);
  return shims;
}

async function runStep(script: string, cwd: string, env: Record<string, string>) {
  return execa('bash', ['-eo', 'pipefail', '-c', script], { cwd, reject: false, env: { PATH: `${toolOnPath()}:${process.env.PATH}`, LNM_CONTENT_ROOT: fixtureContent, NO_COLOR: '1', ...env } });
}

describe('the GitHub Actions template', () => {
  const workflow = template('github-actions.yml');
  const steps = workflow.jobs.grade.steps as { name?: string; run?: string }[];
  const step = (name: string) => steps.find((s) => s.name === name)!.run!;

  test('installs the tool, checks each assigned exercise into JUnit and prints the points as X/Y', async () => {
    expect(step('Install learn-nest-micro').trim()).toBe('npm install --global "$LEARN_NEST_MICRO"');
    expect(workflow.env.LEARN_NEST_MICRO).toMatch(/learn-nest-micro/);
    const dir = await classRepository();
    const env = { ...workflow.env, GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') };
    const checked = await runStep(step('Check each assigned exercise'), dir, env);
    expect(checked.exitCode, checked.stderr).toBe(0);
    for (const id of ['echo', 'echo-twice']) expect(existsSync(path.join(dir, 'reports', `${id}.xml`)), id).toBe(true);
    expect(readFileSync(path.join(dir, 'reports', 'echo.xml'), 'utf8')).toContain('<testsuite name="echo"');

    const points = await runStep(step('Points'), dir, env);
    expect(points.exitCode, points.stderr).toBe(0);
    expect(points.stdout).toContain('Points: 0/15');
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('learn-nest-micro: 0/15 points');
    expect(JSON.parse(readFileSync(path.join(dir, 'reports', 'report.json'), 'utf8')).maxPoints).toBe(15);

    const strict = await runStep(step('Points'), dir, { ...env, REQUIRE_FULL_POINTS: 'true' });
    expect(strict.exitCode).toBe(1);
  }, 600_000);
});

describe('the GitLab CI template', () => {
  test('runs the same commands and keeps the JUnit reports', async () => {
    const job = template('gitlab-ci.yml')['learn-nest-micro'];
    expect(job.artifacts.reports.junit).toBe('reports/*.xml');
    const dir = await classRepository();
    mkdirSync(path.join(dir, 'reports'), { recursive: true });
    const script = (job.script as string[]).filter((line) => !line.startsWith('npm install')).join('\n');
    const r = await runStep(script, dir, job.variables);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('Points: 0/15');
  }, 600_000);
});
