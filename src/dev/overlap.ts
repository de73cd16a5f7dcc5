import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Lines shorter than this (once normalised) are too generic to count as copied: `await app.listen()`. */
export const minLineLength = 25;
/** A lesson may share this share of its exercise's non-trivial solution lines (the API's shape)… */
export const maxSharedRatio = 0.1;
/** …and never fewer than this many, for a small solution. */
export const minAllowedShared = 2;

export interface OverlapReport {
  /** Non-trivial lines of the reference solution. */
  solutionLines: number;
  /** How many of them the lesson may show. */
  allowed: number;
  /** Those of them that also appear in the lesson text and are not already in the starter, with where. */
  shared: { line: string; solution: string; lesson: string }[];
  ok: boolean;
}

const codeFile = /\.(ts|proto|json)$/;

/**
 * One line as compared: whitespace collapsed, quotes unified, trailing punctuation and line comments
 * dropped. Returns undefined for a line that carries no solution of its own: imports, braces, short
 * lines.
 */
export function normaliseLine(raw: string): string | undefined {
  let line = raw
    .replace(/(^|\s)\/\/.*$/, '$1')
    .replace(/\s+/g, ' ')
    .replace(/"/g, "'")
    .replace(/`/g, "'")
    .trim()
    .replace(/[;,]+$/, '')
    .trim();
  if (/^(import|export \* from|export \{[^}]*\} from)\b/.test(line) || /^\} from '/.test(line)) return undefined;
  if (/^(\*|\/\*|\*\/)/.test(line)) return undefined;
  line = line.replace(/^[}\])\s]+/, '').replace(/[{[(\s,;]+$/, '');
  return line.length >= minLineLength ? line : undefined;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && codeFile.test(d.name))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

/** Every lesson text of a lesson folder, one per language: `<lessonDir>/<lang>/lesson.md`. */
export function lessonTexts(lessonDir: string): string[] {
  if (!existsSync(lessonDir)) return [];
  return readdirSync(lessonDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(lessonDir, d.name, 'lesson.md'))
    .filter((f) => existsSync(f));
}

/**
 * How much of a reference solution a lesson hands over: the solution's non-trivial lines (see
 * normaliseLine) that also appear, normalised the same way, in any of the lesson texts.
 */
export function measureOverlap(solutionDir: string, lessonFiles: string[], starterDir?: string): OverlapReport {
  // What the starter already gives the learner is not theirs to write, so showing it hands nothing over.
  const given = new Set<string>();
  for (const file of starterDir ? filesUnder(starterDir) : []) {
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const line = normaliseLine(raw);
      if (line) given.add(line);
    }
  }
  const inLesson = new Map<string, string>();
  for (const file of lessonFiles) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const line = normaliseLine(raw);
        if (line && !inLesson.has(line)) inLesson.set(line, `${file}:${i + 1}`);
      });
  }
  const seen = new Set<string>();
  const shared: OverlapReport['shared'] = [];
  for (const file of filesUnder(solutionDir)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const line = normaliseLine(raw);
        if (!line || seen.has(line)) return;
        seen.add(line);
        if (given.has(line)) return;
        const where = inLesson.get(line);
        if (where) shared.push({ line, solution: `${path.relative(solutionDir, file)}:${i + 1}`, lesson: where });
      });
  }
  const allowed = Math.max(minAllowedShared, Math.floor(seen.size * maxSharedRatio));
  return { solutionLines: seen.size, allowed, shared, ok: shared.length <= allowed };
}
