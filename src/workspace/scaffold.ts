import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog';
import { UserError } from '../errors';
import { t } from '../i18n/messages';
import { ProgressStore, timestamp } from './progress-store';
import type { Workspace } from './workspace';

export interface ScaffoldResult {
  dir: string;
  files: string[];
  backup?: string;
  workspaceCreated: boolean;
}

/** Keeps a timestamped copy of the learner's exercise folder and returns where it went. */
export function backupExercise(workspace: Workspace, id: string): string | undefined {
  const source = workspace.exerciseDir(id);
  if (!existsSync(source) || readdirSync(source).length === 0) return undefined;
  const target = path.join(workspace.stateDir, 'backups', id, timestamp());
  mkdirSync(path.dirname(target), { recursive: true });
  // Everything, byte for byte: nested node_modules too (reset deletes them), symlinks as they were
  // written (a relative link must not become an absolute path into the folder about to be deleted).
  cpSync(source, target, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  return target;
}

/** Writes the starter into `<workspace>/<id>/`; with `force`, backs up and replaces the learner's files. */
export function scaffoldExercise(workspace: Workspace, exercise: Exercise, options: { force?: boolean } = {}): ScaffoldResult {
  const workspaceCreated = workspace.ensure();
  const dir = workspace.exerciseDir(exercise.id);
  let backup: string | undefined;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!options.force) {
      throw new UserError(t('scaffold.exists', { dir, id: exercise.id }), { hint: t('scaffold.existsHint', { id: exercise.id }) });
    }
    backup = backupExercise(workspace, exercise.id);
    rmSync(dir, { recursive: true, force: true });
  }
  cpSync(exercise.starterDir, dir, { recursive: true });
  new ProgressStore(workspace).update(exercise.id, (p) => {
    p.scaffoldedAt ??= new Date().toISOString();
  });
  return { dir, files: listFiles(dir), backup, workspaceCreated };
}

/** Every file under a folder, relative to it, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile() && !e.parentPath.split(path.sep).includes('node_modules'))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}
