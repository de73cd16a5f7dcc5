import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { supportedLanguages, t } from '../i18n/messages';
import { parseAssignment, writeAssignment } from '../teacher/assignment';
import { totalPoints, type AssignmentInput } from '../teacher/assignment-schema';
import { parseTimeout } from './check';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

interface AssignOptions {
  out: string;
  exercises?: string;
  points: string;
  due?: string;
  title?: string;
  hints: boolean;
  solutions: boolean;
  lang?: string;
  timeout?: string;
  force?: boolean;
}

export function registerAssign(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('assign')
    .description(t('help.assign'))
    .requiredOption('--out <file>', t('help.assign.out'))
    .option('--exercises <ids>', t('help.assign.exercises'))
    .option('--points <n>', t('help.assign.points'), '10')
    .option('--due <date>', t('help.assign.due'))
    .option('--title <title>', t('help.assign.title'))
    .option('--no-hints', t('help.assign.noHints'))
    .option('--no-solutions', t('help.assign.noSolutions'))
    .option('--lang <lang>', t('help.assign.lang', { languages: supportedLanguages.join(', ') }))
    .option('--timeout <seconds>', t('help.assign.timeout'))
    .option('--force', t('help.assign.force'))
    .addHelpText('after', t('help.assign.after'))
    .action((opts: AssignOptions, command: Command) => {
      const lang = opts.lang ?? command.optsWithGlobals<{ lang?: string }>().lang;
      const points = Number(opts.points);
      if (!/^\s*\d+(\.\d+)?\s*$/.test(opts.points) || !Number.isFinite(points)) throw new UserError(t('assign.badPoints', { value: opts.points }));
      if (opts.due !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(opts.due) || Number.isNaN(Date.parse(opts.due)))) throw new UserError(t('assign.badDue', { value: opts.due }));
      const ids = opts.exercises ? opts.exercises.split(',').map((s) => s.trim()).filter(Boolean) : ctx.catalog.exercises.map((e) => e.id);
      const input: AssignmentInput = {
        version: 1,
        ...(opts.title ? { title: opts.title } : {}),
        exercises: ids.map((id) => ({ id, points })),
        ...(opts.due ? { due: opts.due } : {}),
        hints: opts.hints,
        solutions: opts.solutions,
        ...(lang ? { language: lang } : {}),
        ...(opts.timeout ? { timeoutSeconds: parseTimeout(opts.timeout) } : {}),
      };
      const assignment = parseAssignment(input, opts.out, ctx.catalog);
      if (existsSync(opts.out) && !opts.force) throw new UserError(t('assign.exists', { file: opts.out }), { hint: t('assign.existsHint') });
      writeAssignment(opts.out, input);
      ctx.out(t('assign.written', { count: assignment.exercises.length, points: totalPoints(assignment), file: opts.out }));
      ctx.out(t('assign.next', { file: opts.out }));
    });
}
