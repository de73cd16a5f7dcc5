import type { Command } from 'commander';
import { readingWidth } from '../ui/pager';
import { wrapText } from '../ui/wrap';
import { t } from '../i18n/messages';
import { assertHelpAllowed } from '../teacher/assignment';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export function registerHint(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('hint [id]')
    .description(t('help.hint'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--all', t('help.hint.all'))
    .addHelpText('after', t('help.hint.after'))
    .action((id: string | undefined, opts: { dir?: string; all?: boolean }) => {
      const workspace = ctx.workspace(opts.dir);
      const exercise = ctx.exercise(workspace, id);
      assertHelpAllowed(workspace, exercise.id, 'hints');
      const hints = exercise.hints();
      workspace.ensure();
      const store = ctx.progress(workspace);
      const seen = store.exercise(exercise.id).hintsUsed;
      const index = Math.min(seen, hints.length - 1);
      const shown = opts.all ? hints.slice(0, Math.max(1, seen)) : [hints[index]];
      const first = opts.all ? 0 : index;
      // Recorded before it is shown: a hint read is a hint used, even if printing it then fails.
      if (!opts.all) store.update(exercise.id, (p) => (p.hintsUsed = Math.min(hints.length, seen + 1)));
      shown.forEach((hint, i) => {
        ctx.out(ctx.style.bold(t('hint.header', { n: first + i + 1, total: hints.length, id: exercise.id })));
        ctx.out(process.stdout.isTTY ? wrapText(hint, readingWidth()) : hint);
        ctx.out();
      });
      ctx.out(ctx.style.dim(index + 1 >= hints.length ? t('hint.noMore', { id: exercise.id }) : t('hint.more')));
    });
}
