import { execa, type Options } from 'execa';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const bin = path.join(repoRoot, 'bin', 'learn-nest-micro.js');
export const fixtureContent = path.join(repoRoot, 'test', 'fixtures', 'content');

/** Runs the real, built CLI; never throws on a non-zero exit. */
export function cli(args: string[], options: Options & { content?: 'fixture' | 'real' } = {}) {
  const { content = 'real', env, ...rest } = options;
  // As a learner's shell runs it: not inside an npm script or npx, whichever started the tests.
  const { npm_command: _npmCommand, ...outer } = process.env;
  return execa(process.execPath, [bin, ...args], {
    reject: false,
    stdin: 'ignore',
    ...rest,
    extendEnv: false,
    env: { ...outer, NO_COLOR: '1', ...(content === 'fixture' ? { LNM_CONTENT_ROOT: fixtureContent } : {}), ...env },
  });
}

export function tempDir(prefix = 'lnm-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}
