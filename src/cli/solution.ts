import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { UserError } from '../errors';
import { t } from '../i18n/messages';
import { assertHelpAllowed } from '../teacher/assignment';
import { listFiles } from '../workspace/scaffold';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export function registerSolution(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('solution [id]')
    .description(t('help.solution'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('-y, --yes', t('help.solution.yes'))
    .addHelpText('after', t('help.solution.after'))
    .action(async (id: string | undefined, opts: { dir?: string; yes?: boolean }) => {
      const workspace = ctx.workspace(opts.dir);
      const exercise = ctx.exercise(workspace, id);
      assertHelpAllowed(workspace, exercise.id, 'solutions');
      const store = workspace.exists ? ctx.progress(workspace) : undefined;
      const passed = Boolean(store?.exercise(exercise.id).passedAt);
      if (!passed && !opts.yes) {
        const confirmed = process.stdin.isTTY && process.stdout.isTTY ? await askToReveal(exercise.id) : false;
        if (!confirmed) throw new UserError(t('solution.locked', { id: exercise.id }), { hint: t('solution.lockedHint', { id: exercise.id }), exitCode: 1 });
      }
      const mine = ctx.requireScaffolded(workspace, exercise);
      const files = [...new Set([...listFiles(mine), ...listFiles(exercise.solutionDir)])].sort();
      const patches = files
        .map((file) => {
          const a = readOrEmpty(path.join(mine, file));
          const b = readOrEmpty(path.join(exercise.solutionDir, file));
          return a === b ? '' : createTwoFilesPatch(`yours/${file}`, `solution/${file}`, a, b, undefined, undefined, { context: 3 });
        })
        .filter(Boolean);
      ctx.out(ctx.style.bold(t('solution.header', { id: exercise.id })));
      if (patches.length === 0) ctx.out(t('solution.same'));
      for (const patch of patches) ctx.out(colorPatch(patch, ctx));
      store?.update(exercise.id, (p) => (p.solutionViewed = true), false);
    });
}

async function askToReveal(id: string): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message: `You have not passed ${id} yet. Show the reference solution anyway?`, default: false }).catch(() => false);
}

function readOrEmpty(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function colorPatch(patch: string, ctx: CommandContext): string {
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('====='))
    .map((l) => (l.startsWith('+') && !l.startsWith('+++') ? ctx.style.green(l) : l.startsWith('-') && !l.startsWith('---') ? ctx.style.red(l) : l.startsWith('@@') ? ctx.style.cyan(l) : l))
    .join('\n');
}
