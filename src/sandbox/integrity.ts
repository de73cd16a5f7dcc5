/**
 * The grading material's integrity: the hidden suites (exercises/<id>/checks/**), each exercise's
 * manifest, the harness they import (dist/harness) and the runner that runs them (dist/grading/suite-*.js). A digest manifest is written at pack time
 * (`node dist/sandbox/integrity.js --write`); `grade` compares the files with it before grading, and
 * with their state at the start after each check, and stops (exit 2) naming the first file that differs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors';
import { t } from '../i18n/messages';
import { contentDirs, packageRoot } from '../paths';

export type Digests = Record<string, string>;

/** Where the packed manifest lives. */
export const MANIFEST_FILE = path.join(packageRoot, 'dist', 'integrity.json');

/** The material's files: paths relative to the package (or content) root, with /. */
function materialFiles(contentRoot: string): { rel: string; file: string }[] {
  const out: { rel: string; file: string }[] = [];
  const walk = (root: string, dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(root, file);
      else out.push({ rel: path.relative(root, file).split(path.sep).join('/'), file });
    }
  };
  const exercises = path.join(contentRoot, 'exercises');
  if (existsSync(exercises)) {
    for (const id of readdirSync(exercises).sort()) {
      walk(contentRoot, path.join(exercises, id, 'checks'));
      const manifest = path.join(exercises, id, 'exercise.json');
      if (existsSync(manifest)) out.push({ rel: path.relative(contentRoot, manifest).split(path.sep).join('/'), file: manifest });
    }
  }
  walk(packageRoot, path.join(packageRoot, 'dist', 'harness'));
  // What runs the hidden suites: a changed runner could pass any suite.
  for (const name of ['suite-api.js', 'suite-worker.js', 'suite-runner.js']) {
    const file = path.join(packageRoot, 'dist', 'grading', name);
    if (existsSync(file)) out.push({ rel: `dist/grading/${name}`, file });
  }
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

/** sha256 of each file of the grading material as it is now. */
export function digestMaterial(contentRoot = path.dirname(contentDirs.exercises)): Digests {
  const digests: Digests = {};
  for (const { rel, file } of materialFiles(contentRoot)) digests[rel] = createHash('sha256').update(readFileSync(file)).digest('hex');
  return digests;
}

/** The first file that differs between two digests (changed, missing or added), or undefined. */
export function firstDifference(expected: Digests, actual: Digests): string | undefined {
  for (const rel of Object.keys(expected).sort()) if (expected[rel] !== actual[rel]) return rel;
  for (const rel of Object.keys(actual).sort()) if (!(rel in expected)) return rel;
  return undefined;
}

/**
 * The material's state to compare with after each check. When the installed package's own content
 * is graded and its packed manifest is there, the files must match it first (exit 2 if not).
 */
export function baselineMaterial(version: string): Digests {
  const now = digestMaterial();
  const contentRoot = path.dirname(contentDirs.exercises);
  if (path.resolve(contentRoot) === path.resolve(packageRoot) && existsSync(MANIFEST_FILE)) {
    let packed: Digests | undefined;
    try {
      packed = (JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as { files: Digests }).files;
    } catch {
      packed = undefined;
    }
    if (packed) {
      const differs = firstDifference(packed, now);
      if (differs) throw new UserError(t('integrity.packed', { version, file: path.join(contentRoot, differs) }));
    }
  }
  return now;
}

/** Throws UserError (exit 2) naming the first file of the material that is not as in `baseline`. */
export function assertMaterialUnchanged(baseline: Digests, workspace: string): void {
  const differs = firstDifference(baseline, digestMaterial());
  if (differs) throw new UserError(t('integrity.changedDuring', { workspace, file: path.join(path.dirname(contentDirs.exercises), differs) }));
}

/** At pack time: `node dist/sandbox/integrity.js --write` records the manifest beside dist/. */
if (require.main === module && process.argv.includes('--write')) {
  writeFileSync(MANIFEST_FILE, JSON.stringify({ tool: 'learn-nest-micro', files: digestMaterial(packageRoot) }, null, 2) + '\n');
  process.stdout.write(`${MANIFEST_FILE}\n`);
}
