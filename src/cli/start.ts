import type { Command } from 'commander';
import { t } from '../i18n/messages';
import type { CommandContext } from './context';
import type { CommandResult } from './main';
import { courseOverview } from './list';

export function registerStart(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('start')
    .description('begin or resume the course')
    .option('--dir <dir>', 'the workspace (default: the current folder or the nearest one above)')
    .option('--lang <lang>', 'language of lessons and messages (en, uk)')
    .addHelpText('after', '\nExample:\n  $ npx learn-nest-micro start')
    .action((opts: { dir?: string }) => {
      const workspace = ctx.workspace(opts.dir);
      const progress = workspace.exists ? ctx.progress(workspace).read() : { version: 1 as const, exercises: {} };
      const overview = courseOverview(ctx.catalog, progress, (id) => workspace.has(id));
      ctx.out(ctx.style.bold(t('start.intro')));
      ctx.out(t('start.workspace', { dir: workspace.root }));
      ctx.out();
      for (const lesson of overview) {
        const status = lesson.exercises.every((e) => e.status === 'passed') ? ctx.style.green('✓') : lesson.exercises.some((e) => e.status !== 'not-started') ? ctx.style.yellow('…') : ' ';
        ctx.out(` ${status} ${String(lesson.order).padStart(2)}. ${lesson.id.padEnd(16)} ${lesson.summary}`);
      }
      const next = overview.find((l) => l.exercises.some((e) => e.status !== 'passed')) ?? overview[0];
      ctx.out();
      if (next) ctx.out(t('start.begin', { id: next.id }));
    });
}
