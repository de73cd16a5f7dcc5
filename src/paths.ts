import { existsSync } from 'node:fs';
import path from 'node:path';

/** The installed package's root: the folder holding package.json, lessons/ and exercises/. */
export const packageRoot = path.resolve(__dirname, '..');

/** Lessons, exercises and solutions; LNM_CONTENT_ROOT points elsewhere for the project's own tests. */
const contentRoot = process.env.LNM_CONTENT_ROOT ? path.resolve(process.env.LNM_CONTENT_ROOT) : packageRoot;

export const contentDirs = {
  lessons: path.join(contentRoot, 'lessons'),
  exercises: path.join(contentRoot, 'exercises'),
  solutions: path.join(contentRoot, 'solutions'),
  workspaceTemplate: path.join(packageRoot, 'workspace-template'),
};

/**
 * Where an installed dependency lives, whether npm nested it under this package (global install)
 * or hoisted it beside (npx, local install). Walks up like Node does, without needing the
 * package to export its package.json.
 */
export function findPackageDir(name: string, from = packageRoot): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function requirePackageDir(name: string): string {
  const dir = findPackageDir(name);
  if (!dir) throw new Error(`learn-nest-micro is installed without its dependency ${name}; reinstall it.`);
  return dir;
}
