import path from 'node:path';
import type { Command } from 'commander';
import { t } from '../i18n/messages';
import { fileLink } from '../ui/style';
import { scaffoldExercise } from '../workspace/scaffold';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export function registerScaffold(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('scaffold <id>')
    .description(t('help.scaffold'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--force', t('help.scaffold.force'))
    .addHelpText('after', t('help.scaffold.after'))
    .action((id: string, opts: { dir?: string; force?: boolean }) => {
      const exercise = ctx.catalog.exercise(id);
      const workspace = ctx.workspace(opts.dir);
      const result = scaffoldExercise(workspace, exercise, { force: opts.force });
      if (result.workspaceCreated) ctx.out(t('workspace.created', { dir: workspace.root }));
      if (result.backup) ctx.out(t('scaffold.backup', { dir: result.backup }));
      ctx.out(ctx.style.green(t('scaffold.written', { id, dir: result.dir })));
      ctx.out(t('scaffold.files'));
      for (const file of result.files) ctx.out(`  ${fileLink(path.join(result.dir, file), path.join(result.dir, file))}`);
      ctx.out(t('scaffold.next', { id }));
    });
}
