import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkSnippets, extractSnippets } from '../../src/dev/snippets';
import { Workspace } from '../../src/workspace/workspace';
import { repoRoot, tempDir } from '../support/cli';

const lessonsDir = path.join(repoRoot, 'lessons');
const lessons = readdirSync(lessonsDir).flatMap((id) =>
  readdirSync(path.join(lessonsDir, id), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ id, lang: d.name, file: path.join(lessonsDir, id, d.name, 'lesson.md') })),
);

// Compiling them is the first case of `dev verify` (test/verify/*), which npm test runs for the first
// exercise of every lesson; here, only that there is something to compile.
describe('every lesson has TypeScript snippets for dev verify to compile', () => {
  test.each(lessons)('$id ($lang)', ({ file }) => {
    expect(extractSnippets(readFileSync(file, 'utf8')).filter((s) => !s.hidden).length).toBeGreaterThan(0);
  });
});

describe('the snippet check itself', () => {
  test('finds an error in a whole file, in a framed part, in its frame, and an expected error that is not one', async () => {
    const markdown = [
      '# Demo',
      '',
      '```ts',
      '// svc/main.ts',
      "import { base } from './config';",
      'export const port: number = base + "2";',
      '```',
      '',
      '<!-- snippet-file svc/config.ts',
      'export const base = 40;',
      '-->',
      '',
      '<!-- snippet-frame',
      "import { port } from './svc/main';",
      'export class Frame {',
      '@@snippet@@',
      '}',
      'missingName;',
      '-->',
      '',
      '```ts',
      'value = port.toFixed(2);',
      'broken: number = "x";',
      '```',
      '',
      '<!-- snippet-expect-error -->',
      '```ts',
      'export const fine = 1;',
      '```',
      '',
      '```sh',
      'not typescript at all',
      '```',
    ].join('\n');
    const snippets = extractSnippets(markdown);
    expect(snippets.map((s) => ({ line: s.line, file: s.file, framed: Boolean(s.frame), expectError: s.expectError, hidden: Boolean(s.hidden) }))).toEqual([
      { line: 4, file: 'svc/main.ts', framed: false, expectError: false, hidden: false },
      { line: 10, file: 'svc/config.ts', framed: false, expectError: false, hidden: true },
      { line: 22, file: undefined, framed: true, expectError: false, hidden: false },
      { line: 28, file: undefined, framed: false, expectError: true, hidden: false },
    ]);
    const workspace = new Workspace(tempDir('lnm-snippets-self-'));
    workspace.ensure();
    const problems = await checkSnippets(snippets, path.join(workspace.root, 'demo'), path.join(workspace.root, 'tsconfig.json'));
    expect(problems.map((p) => `${p.line}: ${p.message.replace(/:.*?(\(in its frame\))?$/, ' $1').trim()}`)).toEqual([
      '6: TS2322',
      '22: TS2304 (in its frame)',
      '23: TS2322',
      '28: the text says TypeScript rejects this snippet, but it compiles',
    ]);
  });
});
