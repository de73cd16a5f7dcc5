import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { cli, fixtureContent, repoRoot, tempDir } from '../support/cli';

// The first minutes of a learner, as the README tells them: outside any project, through npx, and with
// the commands the tool itself prints as next steps.
const fixture = { content: 'fixture' as const };
const fixtureEnv = { NO_COLOR: '1', LNM_CONTENT_ROOT: fixtureContent };

describe('outside a workspace', () => {
  test('scaffold puts the course in ./learn-nest-micro/, says so, and later commands find it', async () => {
    const here = tempDir();
    const r = await cli(['scaffold', 'echo'], { ...fixture, cwd: here });
    expect(r.exitCode, r.stderr).toBe(0);
    const workspace = path.join(here, 'learn-nest-micro');
    expect(r.stdout).toContain(`Created a workspace in ${workspace}`);
    expect(existsSync(path.join(workspace, 'echo', 'main.ts'))).toBe(true);
    expect(existsSync(path.join(workspace, 'learn-nest-micro.json'))).toBe(true);
    // Nothing of the course lands in the folder the learner was in.
    expect(readdirSync(here)).toEqual(['learn-nest-micro']);

    const list = await cli(['list', '--json'], { ...fixture, cwd: here });
    expect(JSON.parse(list.stdout)).toMatchObject({ workspace });
  });

  test('in a workspace, npm run check and npx learn-nest-micro run the tool offline, and the next steps say npx', async () => {
    const here = tempDir();
    await cli(['scaffold', 'echo'], { ...fixture, cwd: here });
    const workspace = path.join(here, 'learn-nest-micro');

    const check = await execa('npm', ['run', '--silent', 'check', '--', 'echo', '--timeout', '60'], { cwd: workspace, reject: false, env: fixtureEnv });
    expect(check.exitCode, `${check.stdout}\n${check.stderr}`).toBe(1);
    expect(check.stdout).toMatch(/FAIL echo/);
    expect(check.stdout).toContain('`npx learn-nest-micro hint echo`');

    const hint = await execa('npx', ['--offline', 'learn-nest-micro', 'hint', 'echo'], { cwd: path.join(workspace, 'echo'), reject: false, env: fixtureEnv });
    expect(hint.exitCode, hint.stderr).toBe(0);
    expect(hint.stdout).toContain('Hint 1 of 3 for echo');
  }, 120_000);
});

describe('with no command', () => {
  test('piped, the tool prints its help and exits 0', async () => {
    const r = await cli([]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: learn-nest-micro/);
    expect(r.stdout).toContain('start [options]');
  });

  test('lesson without an id lists the lessons', async () => {
    const r = await cli(['lesson'], fixture);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/1\. echo +Echo/);
    expect(r.stdout).toContain('`learn-nest-micro lesson <id>`');
  });
});

describe('from the packed tarball, as the README says outside the repository', () => {
  test('npx --yes --package=<tarball> starts the course, scaffolds, and a solved exercise passes', async () => {
    const packDir = tempDir('lnm-pack-');
    // The project is built by npm test before any test runs; pack what is there.
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], { cwd: repoRoot, reject: false });
    expect(pack.exitCode, pack.stderr).toBe(0);
    const tarball = path.join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
    const here = tempDir('lnm-npx-');
    // A fresh tarball path is a fresh npx install; the dependencies come from npm's cache (npm ci filled it).
    const npx = (args: string[]) => execa('npx', ['--yes', '--prefer-offline', `--package=${tarball}`, 'learn-nest-micro', ...args], { cwd: here, reject: false, env: { NO_COLOR: '1', CI: 'true' }, stdin: 'ignore' });

    const start = await npx(['start']);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(start.stdout).toContain(`Workspace: ${path.join(here, 'learn-nest-micro')}`);
    expect(start.stdout).toContain('`npx learn-nest-micro lesson tcp-basics`');

    const scaffold = await npx(['scaffold', 'tcp-basics']);
    expect(scaffold.exitCode, scaffold.stderr).toBe(0);
    const exerciseDir = path.join(here, 'learn-nest-micro', 'tcp-basics');
    cpSync(path.join(repoRoot, 'solutions', 'tcp-basics'), exerciseDir, { recursive: true });

    const check = await npx(['check', 'tcp-basics', '--timeout', '120']);
    expect(check.exitCode, `${check.stdout}\n${check.stderr}`).toBe(0);
    expect(check.stdout).toMatch(/PASS tcp-basics/);
  }, 300_000);
});
