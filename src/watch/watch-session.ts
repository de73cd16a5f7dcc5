import { readingWidth, showPaged } from '../ui/pager';
import { renderMarkdown } from '../ui/markdown';
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { Catalog, Exercise } from '../catalog/catalog';
import { UserError } from '../errors';
import type { CheckResult } from '../grading/check-result';
import { renderPretty } from '../grading/reporters/pretty';
import { runCheck } from '../grading/run-check';
import { HiddenSuite } from '../grading/suite-runner';
import { WarmPool } from '../runner/warm-pool';
import { t } from '../i18n/messages';
import { onInterrupt } from '../runner/process-registry';
import { listenForKeys } from '../ui/keys';
import { progressBar } from '../ui/progress-bar';
import { recordCheck, type ProgressStore } from '../workspace/progress-store';
import { scaffoldExercise } from '../workspace/scaffold';
import type { Workspace } from '../workspace/workspace';
import { FileWatcher } from './file-watcher';
import { showTrace } from '../trace/show';
import { lastTraceIdOf, loadTrace, saveTrace } from '../trace/store';

export interface WatchOptions {
  workspace: Workspace;
  catalog: Catalog;
  exercise: Exercise;
  store: ProgressStore;
  style: ChalkInstance;
  /** Where the screen goes (stdout). */
  write: (text: string) => void;
  /** A terminal: redraw the screen and take single keys. Otherwise the results are appended as they come. */
  interactive: boolean;
  /** The next hint as text to show; throws UserError when none may be shown. */
  hint: (exercise: Exercise) => Promise<string>;
  /** Scan the folder instead of relying on file events. */
  poll?: boolean;
  timeoutSeconds?: number;
}

type View =
  | { kind: 'starting' }
  /** Nothing checked yet: a reset or a new exercise waits for the learner's first save. */
  | { kind: 'waiting' }
  | { kind: 'checking'; files: string[] }
  | { kind: 'result'; result: CheckResult }
  | { kind: 'error'; message: string; hint?: string };

/** A question on screen, answered by the next key: y goes ahead, any other key keeps things as they are. */
type Pending = { kind: 'reset' } | { kind: 'next'; exercise: Exercise };

const CLEAR = '\u001b[2J\u001b[3J\u001b[H';

/**
 * Rustlings-style watch mode for one exercise at a time: every save re-checks it (a newer save
 * cancels a check still running), the screen shows the result and the course's progress, and single
 * keys ask for a hint, move on, reset or quit. Resolves when the learner quits with q.
 */
export class WatchSession {
  private exercise: Exercise;
  private watcher?: FileWatcher;
  private view: View = { kind: 'starting' };
  private notes: string[] = [];
  private pollingReason?: string;
  private generation = 0;
  private controller?: AbortController;
  private running?: Promise<void>;
  private stopKeys?: () => void;
  private finish?: () => void;
  private lastWritten?: string;
  private pending?: Pending;
  /** t: the checks from then on record their messages (see src/trace). */
  private tracing = false;

  /** Service processes and a suite worker made ahead of time while the learner edits: a save is checked sooner. */
  private readonly warm = new WarmPool();

  constructor(private readonly options: WatchOptions) {
    this.exercise = options.exercise;
  }

  async run(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    const stopInterrupt = onInterrupt(async () => {
      // Ctrl-C: the registry kills every service; stop checking and leave the terminal as it was.
      this.stopKeys?.();
      this.watcher?.stop();
      this.controller?.abort();
      this.options.write('\n' + t('watch.stopped') + '\n');
    });
    this.listen();
    this.watchFolder();
    HiddenSuite.keepWarm(1);
    void this.recheck([]);
    try {
      await done;
    } finally {
      stopInterrupt();
      HiddenSuite.keepWarm(0);
      this.warm.dispose();
    }
  }

  private listen(): void {
    if (this.options.interactive) this.stopKeys = listenForKeys((key) => void this.onKey(key).catch((error: unknown) => this.showError(error)));
  }

  /** (Re)starts the watcher on the exercise's folder: after a reset the folder is a new one, and a watcher on the old one hears nothing. */
  private watchFolder(): void {
    this.watcher?.stop();
    const watcher = new FileWatcher({ dir: this.options.workspace.exerciseDir(this.exercise.id), poll: this.options.poll });
    watcher.on('touched', (files: string[]) => {
      this.view = { kind: 'checking', files };
      this.render();
    });
    watcher.on('change', (files: string[]) => void this.recheck(files));
    watcher.on('polling', (reason: string) => {
      this.pollingReason = reason;
      this.render();
    });
    watcher.start();
    if (this.options.poll) this.pollingReason = t('watch.pollAsked');
    this.watcher = watcher;
  }

  /** Starts a check of the current exercise, cancelling (and waiting for the teardown of) one still running. */
  private async recheck(files: string[], notes: string[] = []): Promise<void> {
    const generation = ++this.generation;
    this.controller?.abort();
    this.notes = notes;
    this.view = { kind: 'checking', files };
    this.render();
    await this.running?.catch(() => undefined);
    if (generation !== this.generation) return;
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.check(controller.signal, generation);
    await this.running;
  }

  private async check(signal: AbortSignal, generation: number): Promise<void> {
    const exercise = this.exercise;
    let view: View;
    try {
      const result = await runCheck({ workspace: this.options.workspace, exercise, signal, timeoutSeconds: this.options.timeoutSeconds, trace: this.tracing, warm: this.warm });
      if (signal.aborted || generation !== this.generation) return;
      if (result.trace) {
        try {
          saveTrace(this.options.workspace, result.trace);
        } catch {
          // A workspace that cannot be written: the progress update below says so.
        }
      }
      this.options.store.update(exercise.id, (p) => recordCheck(p, result.status));
      view = { kind: 'result', result };
    } catch (error) {
      if (signal.aborted || generation !== this.generation) return;
      view = error instanceof UserError ? { kind: 'error', message: error.message, hint: error.options.hint } : { kind: 'error', message: String((error as Error)?.stack ?? error) };
    }
    this.view = view;
    this.render();
  }

  private async onKey(key: string): Promise<void> {
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      if (key.toLowerCase() !== 'y') {
        this.notes = [t(pending.kind === 'reset' ? 'watch.resetKept' : 'watch.nextKept', { id: this.exercise.id })];
        this.render();
        return;
      }
      if (pending.kind === 'reset') await this.reset();
      else await this.moveTo(pending.exercise);
      return;
    }
    switch (key.toLowerCase()) {
      case 'h':
        this.notes = [await this.options.hint(this.exercise)];
        this.render();
        return;
      case 'n':
        await this.next();
        return;
      case 'r':
        // A reset moves the learner's files aside: ask first.
        this.pending = { kind: 'reset' };
        this.notes = [this.options.style.yellow(t('watch.confirmReset', { id: this.exercise.id }))];
        this.render();
        return;
      case 't':
        await this.trace();
        return;
      case 'c':
      case '\r':
        void this.recheck([]);
        return;
      case 'q':
        await this.quit();
        return;
      default:
    }
  }

  /**
   * t: turns recording on for the following checks, and shows the last trace of this workspace (in the
   * pager, like a lesson) when there is one.
   */
  private async trace(): Promise<void> {
    const s = this.options.style;
    this.tracing = true;
    let text: string | undefined;
    try {
      // This exercise's last trace: the workspace's last one may be another exercise's.
      const id = lastTraceIdOf(this.options.workspace, this.exercise.id);
      text = id === undefined ? undefined : showTrace(loadTrace(this.options.workspace, id).trace, { style: s, width: readingWidth() });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
    if (text === undefined) {
      this.notes = [s.cyan(t('trace.watchNone'))];
      this.render();
      return;
    }
    // As with a lesson: the pager owns the keyboard meanwhile, and the diagram stays on screen until the next redraw.
    this.stopKeys?.();
    this.stopKeys = undefined;
    this.options.write(CLEAR);
    await showPaged(text);
    this.options.write(`\n${s.cyan(t('trace.watchOn'))}\n${s.dim(t('watch.keys'))}\n`);
    this.listen();
  }

  /** Stops the check still running, if any, so that files can change under it. */
  private async settle(): Promise<void> {
    this.generation++;
    this.controller?.abort();
    await this.running?.catch(() => undefined);
  }

  private async reset(): Promise<void> {
    await this.settle();
    const result = scaffoldExercise(this.options.workspace, this.exercise, { force: true });
    this.watchFolder();
    this.view = { kind: 'waiting' };
    this.notes = [t('reset.done', { id: this.exercise.id }), ...(result.backup ? [t('scaffold.backup', { dir: result.backup })] : [])];
    this.render();
  }

  /** A key's action that failed (a hint an assignment forbids, a folder that cannot be written) is shown, not fatal. */
  private showError(error: unknown): void {
    const s = this.options.style;
    this.notes = error instanceof UserError ? [s.yellow(error.message), ...(error.options.hint ? [error.options.hint] : [])] : [s.red(String((error as Error)?.message ?? error))];
    this.render();
  }

  /**
   * n: the next exercise. A new lesson is shown first (in the pager); then, before anything is
   * written, the learner says whether to begin it. Nothing is checked until the first save.
   */
  private async next(): Promise<void> {
    const { catalog, workspace } = this.options;
    const next = catalog.next(this.exercise);
    if (!next) {
      this.notes = [t('check.passedLast')];
      this.render();
      return;
    }
    const lesson = catalog.lessonOf(next);
    const question = this.options.style.yellow(t(workspace.has(next.id) ? 'watch.confirmGoTo' : 'watch.confirmNext', { id: next.id, title: next.title, dir: workspace.exerciseDir(next.id) }));
    this.pending = { kind: 'next', exercise: next };
    if (lesson === catalog.lessonOf(this.exercise)) {
      this.notes = [question];
      this.render();
      return;
    }
    // A new lesson is read first. The pager owns the keyboard meanwhile; the question then stays
    // under the lesson's text (no redraw) until the learner answers it.
    this.stopKeys?.();
    this.stopKeys = undefined;
    this.options.write(CLEAR);
    await showPaged(renderMarkdown(lesson.text(), { width: readingWidth(), color: this.options.style.level > 0 }));
    this.options.write('\n' + question + '\n');
    this.listen();
  }

  private async moveTo(next: Exercise): Promise<void> {
    await this.settle();
    const notes: string[] = [];
    if (!this.options.workspace.has(next.id)) {
      const result = scaffoldExercise(this.options.workspace, next);
      notes.push(t('scaffold.written', { id: next.id, dir: result.dir }));
    }
    this.options.store.update(next.id, () => undefined);
    this.exercise = next;
    this.watchFolder();
    this.view = { kind: 'waiting' };
    this.notes = notes;
    this.render();
  }

  private async quit(): Promise<void> {
    this.stopKeys?.();
    this.watcher?.stop();
    this.generation++;
    this.controller?.abort();
    await this.running?.catch(() => undefined);
    this.options.write(t('watch.stopped') + '\n');
    this.finish?.();
  }

  /** The whole screen, redrawn on every change; appended without clearing when not a terminal. */
  private render(): void {
    const { style: s, interactive, catalog, store, workspace } = this.options;
    const exercise = this.exercise;
    const lines: string[] = [];
    if (interactive) {
      const progress = store.read();
      const passed = catalog.exercises.filter((e) => progress.exercises[e.id]?.passedAt).length;
      lines.push(`${s.bold(t('watch.title', { id: exercise.id }))} ${s.dim('—')} ${exercise.title}`);
      lines.push(`${t('watch.progress')} ${progressBar(passed, catalog.exercises.length, s, 24, t('watch.progressUnit', { total: catalog.exercises.length }))}`);
      lines.push(s.dim(t('watch.watching', { dir: workspace.exerciseDir(exercise.id) })));
      if (this.pollingReason) lines.push(s.yellow(t('watch.polling', { reason: this.pollingReason, seconds: (this.watcher?.pollMs ?? 500) / 1000 })));
      lines.push('');
    } else if (this.view.kind === 'starting') return;
    const view = this.view;
    if (view.kind === 'waiting') lines.push(s.cyan(t('watch.waiting', { id: exercise.id })));
    else if (view.kind === 'starting' || view.kind === 'checking') {
      const saved = view.kind === 'checking' && view.files.length > 0 ? ' ' + s.dim(t('watch.saved', { files: view.files.map((f) => path.basename(f)).join(', ') })) : '';
      lines.push(s.cyan(t('watch.checking', { id: exercise.id })) + saved);
    } else if (view.kind === 'error') {
      lines.push(s.red(view.message));
      if (view.hint) lines.push(view.hint);
      lines.push('', s.dim(t('watch.errorRetry')));
    } else {
      lines.push(renderPretty(view.result, s, process.stdout.isTTY ? readingWidth() : undefined));
      if (view.result.status === 'pass') {
        const next = catalog.next(exercise);
        lines.push('', s.green.bold(next ? t('watch.passedNext', { next: next.id, title: next.title }) : t('check.passedLast')));
      }
    }
    if (this.notes.length > 0) lines.push('', ...this.notes);
    if (interactive) lines.push('', s.dim(t('watch.keys')));
    const text = lines.join('\n') + '\n';
    // Appended output must not repeat itself (a save is announced, then its check starts).
    if (!interactive && text === this.lastWritten) return;
    this.lastWritten = text;
    this.options.write((interactive ? CLEAR : '') + text);
  }
}
