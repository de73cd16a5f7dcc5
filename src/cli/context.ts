import { Catalog, type Exercise } from '../catalog/catalog';
import { fileErrorCause, UserError } from '../errors';
import { t, type MessageKey } from '../i18n/messages';
import { makeStyle } from '../ui/style';
import { ProgressStore } from '../workspace/progress-store';
import { exerciseIdFromCwd, resolveWorkspace, type Workspace } from '../workspace/workspace';

/** What every command needs: content, the workspace, and somewhere to write. Built lazily per command. */
export class CommandContext {
  private catalogCache?: Catalog;
  readonly style = makeStyle();

  get catalog(): Catalog {
    this.catalogCache ??= new Catalog();
    return this.catalogCache;
  }

  workspace(dir?: string): Workspace {
    return resolveWorkspace(dir);
  }

  progress(workspace: Workspace): ProgressStore {
    return new ProgressStore(workspace, (m) => this.warn(m));
  }

  /** The exercise named, else the one whose folder we are in, else the one worked on last. */
  exercise(workspace: Workspace, id?: string): Exercise {
    const chosen = id ?? exerciseIdFromCwd(workspace) ?? (workspace.exists ? this.progress(workspace).read().current : undefined);
    if (!chosen) throw new UserError(t('error.noCurrentExercise'), { hint: t('error.listHint') });
    return this.catalog.exercise(chosen);
  }

  /** Fails with a pointer to `scaffold` when the exercise is not in the workspace. */
  requireScaffolded(workspace: Workspace, exercise: Exercise): string {
    if (!workspace.has(exercise.id)) {
      throw new UserError(t('error.notScaffolded', { id: exercise.id, dir: workspace.exerciseDir(exercise.id) }), { hint: t('error.notScaffoldedHint', { id: exercise.id }) });
    }
    return workspace.exerciseDir(exercise.id);
  }

  /** A failed file operation (read-only, full, not a folder) as one clear line for the learner (exit 2). */
  fileError(error: unknown): UserError | undefined {
    const file = fileErrorCause(error);
    return file && new UserError(t('error.fileOperation', { path: file.path, cause: t(file.cause as MessageKey) }), { cause: error });
  }

  out(text = ''): void {
    process.stdout.write(text + '\n');
  }
  warn(text: string): void {
    process.stderr.write(this.style.yellow(text) + '\n');
  }
}
