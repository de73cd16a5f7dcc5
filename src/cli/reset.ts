import type { Command } from 'commander';
import { t } from '../i18n/messages';
import { scaffoldExercise } from '../workspace/scaffold';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export function registerReset(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('reset <id>')
    .description(t('help.reset'))
    .option('--dir <dir>', t('help.option.dir'))
    .addHelpText('after', t('help.reset.after'))
    .action((id: string, opts: { dir?: string }) => {
      const exercise = ctx.catalog.exercise(id);
      const workspace = ctx.workspace(opts.dir);
      // Nothing to restore: say so rather than create a workspace and claim a reset.
      ctx.requireScaffolded(workspace, exercise);
      const result = scaffoldExercise(workspace, exercise, { force: true });
      if (result.backup) ctx.out(t('scaffold.backup', { dir: result.backup }));
      ctx.out(ctx.style.green(t('reset.done', { id })));
    });
}
