import type { Command } from 'commander';
import path from 'node:path';
import { setLanguage, t } from '../i18n/messages';
import { applyAssignment } from '../teacher/assignment';
import { onInterrupt } from '../runner/process-registry';
import { StartMenu } from '../tutorial/start-menu';
import { interactive, isPromptExit } from '../ui/prompts';
import { colorEnabled } from '../ui/style';
import type { Workspace } from '../workspace/workspace';
import type { CommandContext } from './context';
import { runInProcess } from './in-process';
import { chooseLanguage } from './language';
import type { CommandResult } from './main';
import { courseOverview } from './list';

/** Makes the terminal's cursor visible again (prompts hide it while they are drawn). */
const SHOW_CURSOR = '\u001b[?25h';

export function registerStart(program: Command, ctx: CommandContext, result: CommandResult): void {
  program
    .command('start')
    .description(t('help.start'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--lang <lang>', t('help.start.lang'))
    .addHelpText('after', t('help.start.after'))
    .option('--assignment <file>', t('help.start.assignment'))
    .action(async (opts: { dir?: string; lang?: string; assignment?: string }) => {
      const workspace = ctx.workspace(opts.dir);
      if (opts.assignment) {
        const loaded = applyAssignment(workspace, opts.assignment, ctx.catalog);
        // The assignment may have given the workspace a language: decide again, by the usual order.
        setLanguage(chooseLanguage(process.argv.slice(2)));
        ctx.out(t('assignment.applied', { title: loaded.assignment.title ?? path.basename(loaded.file), file: loaded.file }));
      }
      if (!interactive()) {
        printOverview(ctx, workspace);
        return;
      }
      const stopInterrupt = onInterrupt(() => {
        // Ctrl-C may land while a prompt has hidden the cursor (it reaches the pager and us at once).
        process.stdout.write(SHOW_CURSOR + '\n' + t('menu.interrupted') + '\n');
      });
      const menu = new StartMenu({
        catalog: ctx.catalog,
        workspace,
        style: ctx.style,
        color: colorEnabled(),
        out: (text) => ctx.out(text),
        progress: () => (workspace.exists ? ctx.progress(workspace).read() : { version: 1 as const, exercises: {} }),
        run: (args) => runInProcess(args),
      });
      try {
        await menu.run();
      } catch (error) {
        if (!isPromptExit(error)) throw error;
        process.stdout.write(SHOW_CURSOR);
        ctx.out(t('menu.interrupted'));
        result.exitCode = 130;
      } finally {
        stopInterrupt();
      }
    });
}

/** The plain overview for a pipe or CI: the lessons with their status, and where to begin. */
function printOverview(ctx: CommandContext, workspace: Workspace): void {
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
  ctx.out(ctx.style.dim(t('start.interactiveHint')));
}
