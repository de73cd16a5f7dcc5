import { cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { digestMaterial, firstDifference } from '../../src/sandbox/integrity';
import { fixtureContent, tempDir } from '../support/cli';

describe('the grading material digest', () => {
  test('covers the hidden suites, each exercise.json and the harness, and names the first file that changed, went or came', () => {
    const root = tempDir('lnm-integrity-');
    cpSync(fixtureContent, root, { recursive: true });
    const before = digestMaterial(root);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['exercises/echo/checks/echo.check.ts', 'exercises/echo/exercise.json', 'dist/harness/index.js']));
    // Starters, solutions and lessons are not grading material.
    expect(Object.keys(before).some((f) => f.startsWith('solutions/') || f.includes('/starter/'))).toBe(false);
    expect(firstDifference(before, digestMaterial(root))).toBeUndefined();

    const suite = path.join(root, 'exercises', 'echo', 'checks', 'echo.check.ts');
    writeFileSync(suite, '// always passes\n');
    expect(firstDifference(before, digestMaterial(root))).toBe('exercises/echo/checks/echo.check.ts');
    rmSync(suite);
    expect(firstDifference(before, digestMaterial(root))).toBe('exercises/echo/checks/echo.check.ts');
    const extra = path.join(root, 'exercises', 'echo-twice', 'checks', 'setup.ts');
    cpSync(path.join(fixtureContent, 'exercises', 'echo', 'checks', 'echo.check.ts'), suite);
    writeFileSync(extra, '// loaded by the suite\n');
    expect(firstDifference(before, digestMaterial(root))).toBe('exercises/echo-twice/checks/setup.ts');
  });
});
