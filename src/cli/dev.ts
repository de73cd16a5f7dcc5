import type { Command } from 'commander';
import { ExitCode } from '../errors';
import { firstFailure } from '../grading/check-result';
import { renderPretty } from '../grading/reporters/pretty';
import { t } from '../i18n/messages';
import { verifyCaseLabel, verifyExercise, type VerifyOutcome } from '../dev/verify';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export function registerDev(program: Command, ctx: CommandContext, result: CommandResult): void {
  const dev = program.command('dev').description(t('help.dev'));
  dev
    .command('verify [id]')
    .description(t('help.dev.verify'))
    .option('--json', t('help.dev.verify.json'))
    .option('--content', t('help.dev.verify.content'))
    .option('--verbose', t('help.dev.verify.verbose'))
    .addHelpText('after', t('help.dev.verify.after'))
    .action(async (id: string | undefined, opts: { json?: boolean; verbose?: boolean; content?: boolean }) => {
      const catalog = ctx.catalog;
      catalog.validateAll();
      const exercises = id ? [catalog.exercise(id)] : catalog.exercises;
      const all: VerifyOutcome[] = [];
      for (const exercise of exercises) {
        if (!opts.json) ctx.out(ctx.style.bold(exercise.id));
        // A lesson's snippets are checked once, with its first exercise (hybrid-app, not also hybrid-app-redis).
        const lesson = catalog.lesson(exercise.manifest.lesson);
        const snippets = lesson.meta.exercises[0] === exercise.id;
        await verifyExercise(exercise, (o) => {
          all.push(o);
          if (opts.json) return;
          const mark = o.ok ? ctx.style.green('✓') : ctx.style.red('✗');
          ctx.out(`  ${mark} ${verifyCaseLabel(o)} ${ctx.style.dim(`(${(o.durationMs / 1000).toFixed(1)}s)`)}${o.ok ? '' : ctx.style.red(`: expected ${o.expected}, got ${o.got}`)}`);
          if (!o.ok && (opts.verbose || firstFailure(o.result))) {
            if (opts.verbose) ctx.out(renderPretty(o.result, ctx.style).replace(/^/gm, '      '));
            else ctx.out(ctx.style.dim(`      ${(firstFailure(o.result)?.message ?? '').split('\n').slice(0, 6).join('\n      ')}`));
          }
        }, { lessonDir: lesson.dir, snippets, contentOnly: opts.content });
      }
      const failed = all.filter((o) => !o.ok).length;
      if (opts.json) ctx.out(JSON.stringify(all.map(({ result: r, ...rest }) => ({ ...rest, firstFailure: firstFailure(r) })), null, 2));
      else ctx.out(t('verify.summary', { passed: all.length - failed, failed }));
      result.exitCode = failed ? ExitCode.fail : ExitCode.pass;
    });
}
