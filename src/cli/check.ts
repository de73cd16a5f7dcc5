import type { Command } from 'commander';
import { ExitCode, fileErrorCause, UserError } from '../errors';
import { t } from '../i18n/messages';
import type { CheckResult } from '../grading/check-result';
import { renderJson } from '../grading/reporters/json';
import { renderJunit } from '../grading/reporters/junit';
import { renderPretty, renderTimings } from '../grading/reporters/pretty';
import { runCheck } from '../grading/run-check';
import { onInterrupt } from '../runner/process-registry';
import { readingWidth } from '../ui/pager';
import { resolveAssignment } from '../teacher/assignment';
import { recordCheck } from '../workspace/progress-store';
import { saveTrace } from '../trace/store';
import { showTrace } from '../trace/show';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export type ReporterName = 'pretty' | 'json' | 'junit';

export function parseReporter(value: string): ReporterName {
  if (value === 'pretty' || value === 'json' || value === 'junit') return value;
  throw new UserError(t('error.badReporter', { reporter: value }));
}

export const MAX_TIMEOUT_SECONDS = 3600;

export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  // Beyond an hour is a typo, and past 2^31 ms Node's timer overflows and fires at once.
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) throw new UserError(t('error.badTimeout', { value, max: MAX_TIMEOUT_SECONDS }));
  return seconds;
}

export function registerCheck(program: Command, ctx: CommandContext, result: CommandResult): void {
  program
    .command('check [id]')
    .description(t('help.check'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--reporter <name>', t('help.check.reporter'), 'pretty')
    .option('--timeout <seconds>', t('help.check.timeout'))
    .option('--timings', t('help.check.timings'))
    .option('--verbose', t('help.check.verbose'))
    .option('--assignment <file>', t('help.check.assignment'))
    .option('--sandbox', t('help.check.sandbox'))
    .option('--trace', t('help.check.trace'))
    .addHelpText('after', t('help.check.after'))
    .action(async (id: string | undefined, opts: { dir?: string; reporter: string; timeout?: string; assignment?: string; timings?: boolean; sandbox?: boolean; verbose?: boolean; trace?: boolean }) => {
      const reporter = parseReporter(opts.reporter);
      const workspace = ctx.workspace(opts.dir);
      const timeoutSeconds = parseTimeout(opts.timeout) ?? resolveAssignment(workspace, opts.assignment)?.assignment.timeoutSeconds;
      const exercise = ctx.exercise(workspace, id);
      ctx.requireScaffolded(workspace, exercise);
      // A workspace that cannot be written to (read-only, full) is still checked; that is said after the result.
      let unwritable: unknown;
      try {
        workspace.ensure();
      } catch (error) {
        if (!fileErrorCause(error)) throw error;
        unwritable = error;
      }
      const spinner = reporter === 'pretty' && process.stdout.isTTY ? (await import('ora')).default({ text: t('check.running', { id: exercise.id }), stream: process.stdout, discardStdin: false }).start() : undefined;
      const stopInterrupt = onInterrupt(() => {
        spinner?.stop();
        process.stderr.write(t('check.interrupted') + '\n');
      });
      let checkResult: CheckResult;
      try {
        checkResult = await runCheck({ workspace, exercise, timeoutSeconds, sandbox: opts.sandbox, trace: opts.trace });
      } finally {
        spinner?.stop();
        stopInterrupt();
      }
      if (reporter === 'json') ctx.out(renderJson([checkResult]));
      else if (reporter === 'junit') ctx.out(renderJunit([checkResult]));
      else {
        // In a terminal, long messages wrap at word boundaries; piped, lines stay whole.
        ctx.out(renderPretty(checkResult, ctx.style, process.stdout.isTTY ? readingWidth() : undefined, { verbose: opts.verbose }));
        if (opts.timings) ctx.out('\n' + renderTimings(checkResult, ctx.style));
        if (checkResult.trace) ctx.out('\n' + showTrace(checkResult.trace, { style: ctx.style, width: process.stdout.isTTY ? readingWidth() : 100 }));
        else if (checkResult.status === 'fail') ctx.out('\n' + ctx.style.dim(t('trace.offer', { id: exercise.id })));
        if (checkResult.status === 'pass') {
          const next = ctx.catalog.next(exercise);
          ctx.out(next ? t('check.passedNext', { id: exercise.id, next: next.id }) : t('check.passedLast'));
        }
      }
      result.exitCode = checkResult.status === 'pass' ? ExitCode.pass : ExitCode.fail;
      // Saved for `trace` (and its --html page); a workspace that cannot be written is said below, as for progress.
      if (checkResult.trace && !unwritable) {
        try {
          const saved = saveTrace(workspace, checkResult.trace);
          // JSON and JUnit on stdout stay parseable.
          if (reporter === 'pretty') ctx.out(ctx.style.dim(t('trace.saved', { file: saved.file })));
        } catch (error) {
          unwritable = error;
        }
      }
      // The result is out first; a progress file that cannot be written then costs one clear line (exit 2).
      try {
        if (unwritable) throw unwritable;
        ctx.progress(workspace).update(exercise.id, (p) => recordCheck(p, checkResult.status));
      } catch (error) {
        throw ctx.fileError(error) ?? error;
      }
    });
}
