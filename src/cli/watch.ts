import type { Command } from 'commander';
import { interactive } from '../ui/prompts';
import { WatchSession } from '../watch/watch-session';
import { parseTimeout } from './check';
import type { CommandContext } from './context';
import { CapturingContext, runInProcess } from './in-process';
import type { CommandResult } from './main';
import { t } from '../i18n/messages';

export function registerWatch(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('watch [id]')
    .description(t('help.watch'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--poll', t('help.watch.poll'))
    .option('--timeout <seconds>', t('help.watch.timeout'))
    .addHelpText('after', t('help.watch.after'))
    .action(async (id: string | undefined, opts: { dir?: string; poll?: boolean; timeout?: string }) => {
      const timeoutSeconds = parseTimeout(opts.timeout);
      const workspace = ctx.workspace(opts.dir);
      const exercise = ctx.exercise(workspace, id);
      ctx.requireScaffolded(workspace, exercise);
      workspace.ensure();
      const store = ctx.progress(workspace);
      store.update(exercise.id, () => undefined);
      const session = new WatchSession({
        workspace,
        catalog: ctx.catalog,
        exercise,
        store,
        style: ctx.style,
        write: (text) => process.stdout.write(text),
        interactive: interactive(),
        poll: opts.poll,
        timeoutSeconds,
        // The hint command itself, so that its rules (an assignment may forbid hints) hold here too.
        hint: async (current) => {
          const capture = new CapturingContext();
          const outcome = await runInProcess(['hint', current.id, '--dir', workspace.root], capture);
          if (outcome.error) throw outcome.error;
          return capture.lines.join('\n').trimEnd();
        },
      });
      await session.run();
    });
}
