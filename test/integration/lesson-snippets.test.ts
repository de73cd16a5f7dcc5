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

describe('every TypeScript snippet of every lesson compiles (parts of files inside the frame their lesson gives them)', () => {
  test.each(lessons)('$id ($lang)', ({ id, lang, file }) => {
    const snippets = extractSnippets(readFileSync(file, 'utf8'));
    expect(snippets.length).toBeGreaterThan(0);
    const workspace = new Workspace(tempDir(`lnm-snippets-${id}-`));
    workspace.ensure();
    const problems = checkSnippets(snippets, path.join(workspace.root, `snippets-${id}-${lang}`), path.join(workspace.root, 'tsconfig.json'));
    const report = problems.map((p) => `${path.relative(repoRoot, file)}:${p.line}: ${p.message}`).join('\n');
    expect(report).toBe('');
  });
});
