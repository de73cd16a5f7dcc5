import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureContent, tempDir } from '../support/cli';

const starter = (id: string) => path.join(fixtureContent, 'exercises', id, 'starter');
const solution = (id: string) => path.join(fixtureContent, 'solutions', id);

/** A service that waits forever for something that never comes, so it never listens. */
const hanging = (source: string) =>
  source.replace('async function bootstrap(): Promise<void> {', 'async function bootstrap(): Promise<void> {\n  await new Promise<void>(() => setInterval(() => undefined, 60_000));');

/**
 * A class of five student workspaces graded on `echo` and `echo-twice`: what each one holds is
 * what its grades must say.
 */
export function makeClass(): { root: string; students: Record<'solved' | 'untouched' | 'halfDone' | 'hangs' | 'broken', string> } {
  const root = tempDir('lnm-class-');
  const student = (name: string, files: Record<string, string | ((dir: string) => void)>) => {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const [id, from] of Object.entries(files)) {
      if (typeof from === 'string') cpSync(from, path.join(dir, id), { recursive: true });
      else from(path.join(dir, id));
    }
    return dir;
  };
  const echoSolution = readFileSync(path.join(solution('echo'), 'main.ts'), 'utf8');
  const write = (source: string) => (dir: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'main.ts'), source);
  };
  return {
    root,
    students: {
      solved: student('solved', { echo: solution('echo'), 'echo-twice': solution('echo-twice') }),
      untouched: student('untouched', { echo: starter('echo'), 'echo-twice': starter('echo-twice') }),
      halfDone: student('half-done', { echo: solution('echo'), 'echo-twice': starter('echo-twice') }),
      // Hangs on echo and never handed in echo-twice.
      hangs: student('hangs', { echo: write(hanging(echoSolution)) }),
      broken: student('broken', { echo: write(echoSolution.replace('return data;', "const n: number = 'not a number';\n    return data;")), 'echo-twice': solution('echo-twice') }),
    },
  };
}
