import type { Command } from 'commander';
import { interactive } from '../ui/prompts';
import { WatchSession } from '../watch/watch-session';
import { parseTimeout } from './check';
import type { CommandContext } from './context';
import { CapturingContext, runInProcess } from './in-process';
import type { CommandResult } from './main';

export function registerWatch(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('watch [id]')
    .description('check an exercise again on every save, with single keys for a hint, the next lesson, a reset or quitting')
    .option('--dir <dir>', 'the workspace (default: the nearest one at or above the current folder, else ./learn-nest-micro/)')
    .option('--poll', 'scan the folder for changes instead of relying on file events (for network folders and some containers)')
    .option('--timeout <seconds>', 'hard time limit of each check')
    .addHelpText('after', '\nKeys: h hint, n next lesson, r reset to the starter, c check now, q quit.\n\nExample:\n  $ learn-nest-micro watch tcp-basics')
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
