import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli, tempDir } from '../support/cli';

const fixture = { content: 'fixture' as const };

/** A workspace whose progress file claims a pass that no check produced. */
async function lyingWorkspace(): Promise<string> {
  const dir = tempDir('lnm-report-trust-');
  await cli(['scaffold', 'echo', '--dir', dir], fixture);
  writeFileSync(path.join(dir, '.learn-nest-micro', 'progress.json'), JSON.stringify({ version: 1, exercises: { echo: { attempts: 1, passes: 1, lastStatus: 'pass', passedAt: '2025-01-01T00:00:00.000Z' } } }));
  return dir;
}

const report = async (dir: string, ...args: string[]) => JSON.parse((await cli(['report', '--dir', dir, ...args], fixture)).stdout) as { results: string; note: string; points: number; exercises: { status: string; digest: string; files: string[] }[] };

describe('report does not present the progress file as results', () => {
  test('its results are labelled self-reported, in the JSON and beside --points', async () => {
    const dir = await lyingWorkspace();
    const r = await report(dir);
    expect(r.results).toBe('self-reported');
    expect(r.note).toMatch(/^self-reported: .*progress file/);
    const points = await cli(['report', '--dir', dir, '--points'], fixture);
    expect(points.stdout.trim()).toBe('1/1');
    expect(points.stderr).toContain('self-reported');
  });

  test('--junit scores each exercise by the JUnit its check wrote, not by the progress file', async () => {
    const dir = await lyingWorkspace();
    const junit = path.join(dir, 'reports');
    mkdirSync(junit);
    expect((await report(dir, '--junit', junit)).exercises[0].status).toBe('not-checked');
    const suite = (failures: number) => `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="learn-nest-micro" tests="3" failures="${failures}">\n  <testsuite name="echo" tests="3" failures="${failures}" skipped="0" time="1.000">\n  </testsuite>\n</testsuites>\n`;
    writeFileSync(path.join(junit, 'echo.xml'), suite(1));
    const failed = await report(dir, '--junit', junit);
    expect(failed).toMatchObject({ results: 'junit', points: 0 });
    expect(failed.exercises[0].status).toBe('fail');
    writeFileSync(path.join(junit, 'echo.xml'), suite(0));
    expect((await report(dir, '--junit', junit)).points).toBe(1);
  });

  test('its digest covers every file the services can load: nested node_modules and symlinks included', async () => {
    const dir = await lyingWorkspace();
    const before = (await report(dir)).exercises[0];
    const nested = path.join(dir, 'echo', 'node_modules', '@nestjs', 'common');
    mkdirSync(nested, { recursive: true });
    writeFileSync(path.join(nested, 'index.js'), 'module.exports = {};\n');
    const withModules = (await report(dir)).exercises[0];
    expect(withModules.digest).not.toBe(before.digest);
    expect(withModules.files).toContain('node_modules/@nestjs/common/index.js');
    symlinkSync('/etc/hostname', path.join(dir, 'echo', 'link.ts'));
    const withLink = (await report(dir)).exercises[0];
    expect(withLink.files).toContain('link.ts');
    expect(withLink.digest).not.toBe(withModules.digest);
  });
});
