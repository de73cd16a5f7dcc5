import { randomUUID } from 'node:crypto';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli, fixtureContent, tempDir } from '../support/cli';
import { processesMatching } from '../support/wait';

/**
 * Without a sandbox (a self-learner's check), a process a service starts detached, in a session of
 * its own and listening on a port, still ends with the check.
 */
describe.skipIf(process.platform !== 'linux')('check without a sandbox', () => {
  test('a detached descendant of a service, listening on a port, ends with the check', async () => {
    const ws = tempDir('lnm-contain-');
    const scaffold = await cli(['scaffold', 'echo', '--dir', ws], { content: 'fixture' });
    expect(scaffold.exitCode, scaffold.stderr).toBe(0);
    cpSync(path.join(fixtureContent, 'solutions', 'echo'), path.join(ws, 'echo'), { recursive: true });
    const marker = `lnm-detached-${randomUUID()}`;
    const main = path.join(ws, 'echo', 'main.ts');
    const { readFileSync } = await import('node:fs');
    const spawnLine = `import { spawn } from 'node:child_process';\nspawn(process.execPath, ['-e', "require('node:net').createServer().listen(0, '127.0.0.1'); setTimeout(() => undefined, 120000)", '${marker}'], { detached: true, stdio: 'ignore' }).unref();\n`;
    writeFileSync(main, spawnLine + readFileSync(main, 'utf8'));
    const r = await cli(['check', 'echo', '--dir', ws], { content: 'fixture' });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(await processesMatching(marker)).toEqual([]);
  }, 120_000);
});
