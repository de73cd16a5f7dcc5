import { accessSync, closeSync, constants, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors';
import { t } from '../i18n/messages';

/**
 * Writes a file so that a reader sees either the old or the new content, never half of it. A write
 * that fails (a full disk, a read-only folder) leaves no temporary file behind.
 */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    // The learner knows the file, not our temporary name for it.
    const e = error as NodeJS.ErrnoException;
    if (e.path === tmp) e.path = file;
    throw error;
  }
}

/**
 * Fails (exit 2) unless `file` can be written: checked before any work, so that a long command (a
 * class's grading) never ends by losing its results to a typo in --out.
 */
export function assertWritableFile(file: string): void {
  const absolute = path.resolve(file);
  const fail = (cause: string) => new UserError(t('error.cannotWrite', { file: absolute, cause }));
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? 'folder' : 'file';
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'under-a-file' : 'missing';
    }
  };
  if (kind(absolute) === 'folder') throw fail(t('error.cause.isFolder'));
  let parent = path.dirname(absolute);
  const parentKind = kind(parent);
  if (parentKind === 'missing') throw fail(t('error.cause.missingFolder', { path: parent }));
  if (parentKind !== 'folder') {
    // Name the file that stands where a folder is expected.
    while (kind(parent) !== 'file' && path.dirname(parent) !== parent) parent = path.dirname(parent);
    throw fail(t('error.cause.notAFolder', { path: parent }));
  }
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw fail(t('error.cause.readOnly', { path: parent }));
  }
}
