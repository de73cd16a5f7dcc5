import type { Command } from 'commander';
import type { CommandContext } from './context';
import type { CommandResult } from './main';
import type { Catalog } from '../catalog/catalog';
import type { Progress } from '../workspace/progress-store';
import { t } from '../i18n/messages';
import { workspaceAssignment } from '../teacher/assignment';

export type ExerciseStatus = 'passed' | 'in-progress' | 'not-started';

export function exerciseStatus(progress: Progress, id: string, scaffolded: boolean): ExerciseStatus {
  const p = progress.exercises[id];
  if (p?.passedAt) return 'passed';
  if (scaffolded || (p && p.attempts > 0)) return 'in-progress';
  return 'not-started';
}

/** The lessons in order with each exercise's status in a workspace; with `only`, just those exercises and their lessons. */
export function courseOverview(catalog: Catalog, progress: Progress, scaffolded: (id: string) => boolean, only?: readonly string[]) {
  const shown = (id: string) => catalog.exercises.some((e) => e.id === id) && (!only || only.includes(id));
  const lessons = only ? catalog.lessons.filter((l) => l.meta.exercises.some(shown)) : catalog.lessons;
  return lessons.map((lesson) => ({
    id: lesson.id,
    order: lesson.meta.order,
    title: lesson.title,
    summary: lesson.summary,
    brokers: lesson.meta.brokers,
    exercises: lesson.meta.exercises
      .filter(shown)
      .map((id) => ({ id, title: catalog.exercise(id).title, status: exerciseStatus(progress, id, scaffolded(id)), attempts: progress.exercises[id]?.attempts ?? 0, hintsUsed: progress.exercises[id]?.hintsUsed ?? 0 })),
  }));
}

export function registerList(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('list')
    .description(t('help.list'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--json', t('help.list.json'))
    .addHelpText('after', t('help.list.after'))
    .action((opts: { dir?: string; json?: boolean }) => {
      const workspace = ctx.workspace(opts.dir);
      const progress = workspace.exists ? ctx.progress(workspace).read() : { version: 1 as const, exercises: {} };
      const assigned = workspaceAssignment(workspace);
      const overview = courseOverview(ctx.catalog, progress, (id) => workspace.has(id), assigned?.assignment.exercises.map((e) => e.id));
      if (opts.json) {
        ctx.out(JSON.stringify({ workspace: workspace.root, ...(assigned ? { assignment: assigned.file } : {}), lessons: overview }, null, 2));
        return;
      }
      const s = ctx.style;
      if (assigned) {
        const { title, due } = assigned.assignment;
        ctx.out(s.bold(t('assignment.header', { title: title ?? assigned.file })) + (due ? s.dim(` (${t('assignment.due', { due })})`) : ''));
      }
      ctx.out(s.bold(t('list.header')));
      for (const lesson of overview) {
        const needs = lesson.brokers.length ? s.dim(` (${t('list.needs', { brokers: lesson.brokers.join(', ') })})`) : '';
        ctx.out(`${String(lesson.order).padStart(2)}. ${s.bold(lesson.id)}  ${lesson.title}${needs}`);
        for (const ex of lesson.exercises) {
          const label = ex.status === 'passed' ? s.green(t('list.status.passed')) : ex.status === 'in-progress' ? s.yellow(t('list.status.inProgress')) : s.dim(t('list.status.notStarted'));
          ctx.out(`      ${ex.id === lesson.id ? '' : ex.id + ': '}${ex.title} [${label}]`);
        }
      }
    });
}
