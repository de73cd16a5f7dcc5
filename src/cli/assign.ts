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
    .description('for teachers: write an assignment file (exercises, points, due date, whether hints and solutions may be shown)')
    .requiredOption('--out <file>', 'the file to write: .json, or .yaml / .yml for YAML')
    .option('--exercises <ids>', 'comma-separated exercise ids (default: every exercise of the course)')
    .option('--points <n>', 'points for each exercise (edit the file to weigh them differently)', '10')
    .option('--due <date>', 'due date: 2025-06-30 (the end of that day, UTC) or 2025-06-30T23:59:00+02:00')
    .option('--title <title>', 'a title for the gradebook')
    .option('--no-hints', 'students may not see hints of the assigned exercises')
    .option('--no-solutions', 'students may not see the reference solutions of the assigned exercises')
    .option('--lang <lang>', `the students' default language (${supportedLanguages.join(', ')})`)
    .option('--timeout <seconds>', 'hard time limit of each check, in seconds')
    .option('--force', 'replace the file if it exists')
    .addHelpText('after', '\nExample:\n  $ learn-nest-micro assign --out week1.yaml --exercises tcp-basics,send-vs-emit --points 10 --due 2025-06-30 --no-solutions')
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
