import type { Command } from 'commander';
import { ExitCode } from '../errors';
import { firstFailure } from '../grading/check-result';
import { renderPretty } from '../grading/reporters/pretty';
import { t } from '../i18n/messages';
import { verifyCaseLabel, verifyExercise, type VerifyOutcome } from '../dev/verify';
import type { CommandContext } from './context';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MutantOutcome, MutationReport } from '../dev/mutate/mutate';
import { progressBar } from '../ui/progress-bar';
import { UserError } from '../errors';
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

  dev
    .command('mutate [id]')
    .description(t('help.dev.mutate'))
    .option('--json', t('help.dev.mutate.json'))
    .option('--jobs <n>', t('help.dev.mutate.jobs'), '2')
    .option('--only <operators>', t('help.dev.mutate.only'))
    .option('--report <file>', t('help.dev.mutate.report'))
    .addHelpText('after', () => `\n${t('help.dev.mutate.operators')}\n${operators().map((o) => `  ${o.id.padEnd(20)} ${o.nestAware ? '[Nest] ' : ''}${o.summary}`).join('\n')}\n${t('help.dev.mutate.after')}`)
    .action(async (id: string | undefined, opts: { json?: boolean; jobs: string; only?: string; report?: string }) => {
      const only = opts.only?.split(',').map((x) => x.trim()).filter(Boolean);
      const unknown = only?.filter((o) => !operators().some((op) => op.id === o)) ?? [];
      if (unknown.length > 0) throw new UserError(t('mutate.unknownOperator', { operators: unknown.join(', '), known: operators().map((o) => o.id).join(', ') }));
      const jobs = Number(opts.jobs);
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > 16) throw new UserError(t('mutate.badJobs', { jobs: opts.jobs }));
      const { mutateExercise, score } = mutation();
      const catalog = ctx.catalog;
      catalog.validateAll();
      const exercises = id ? [catalog.exercise(id)] : catalog.exercises;
      const s = ctx.style;
      const started = Date.now();
      const reports: MutationReport[] = [];
      const bar = process.stderr.isTTY && !opts.json;
      for (const exercise of exercises) {
        const report = await mutateExercise(exercise, {
          only,
          jobs,
          onMutant: (o, done, total) => {
            if (bar) process.stderr.write(`\r${exercise.id} ${progressBar(done, total, s, 24)} ${done}/${total} `);
          },
        });
        if (bar) process.stderr.write('\r\u001b[K');
        reports.push(report);
        if (opts.json) continue;
        ctx.out(s.bold(`${exercise.id}: ${t('mutate.summary', { killed: report.killed, total: report.killed + report.survived, equivalent: report.equivalent, typeErrors: report.typeErrors, score: score(report) })}`));
        for (const o of report.outcomes) ctx.out(outcomeLine(o, s));
        for (const o of report.outcomes.filter((x) => x.status === 'survived')) ctx.out(s.dim(`\n  ${o.file}:${o.line} ${o.operator}\n${o.diff.replace(/^/gm, '    ')}`));
        ctx.out();
      }
      const totals = { killed: sum(reports, 'killed'), survived: sum(reports, 'survived'), equivalent: sum(reports, 'equivalent'), typeErrors: sum(reports, 'typeErrors'), checks: sum(reports, 'checks') };
      const seconds = Math.round((Date.now() - started) / 1000);
      if (opts.report) {
        mkdirSync(path.dirname(path.resolve(opts.report)), { recursive: true });
        writeFileSync(opts.report, markdownReport(reports, totals, seconds));
      }
      if (opts.json) ctx.out(JSON.stringify({ exercises: reports, ...totals, seconds }, null, 2));
      else ctx.out(t('mutate.total', { killed: totals.killed, total: totals.killed + totals.survived, equivalent: totals.equivalent, typeErrors: totals.typeErrors, checks: totals.checks, seconds }));
      result.exitCode = totals.survived > 0 ? ExitCode.fail : ExitCode.pass;
    });
}

function sum(reports: MutationReport[], key: 'killed' | 'survived' | 'equivalent' | 'typeErrors' | 'checks'): number {
  return reports.reduce((total, r) => total + r[key], 0);
}

function outcomeLine(o: MutantOutcome, s: CommandContext['style']): string {
  const mark = { killed: s.green('✓ killed    '), timeout: s.green('✓ timeout   '), survived: s.red('✗ survived  '), equivalent: s.dim('= equivalent'), 'type-error': s.dim('· type error') }[o.status];
  const why = o.status === 'killed' ? s.dim(` → ${o.failure ?? ''}${o.mistake ? ` [${o.mistake}]` : ''}`) : o.status === 'equivalent' ? s.dim(` (${o.reason})`) : '';
  return `  ${mark} ${o.operator.padEnd(19)} ${`${o.file}:${o.line}`.padEnd(36)} ${o.description}${why}`;
}

function markdownReport(reports: MutationReport[], totals: { killed: number; survived: number; equivalent: number; typeErrors: number; checks: number }, seconds: number): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const { score } = mutation();
  const lines = [
    '# Mutation report',
    '',
    `Written by \`npm run mutation\` (\`learn-nest-micro dev mutate\`) on ${new Date().toISOString().slice(0, 10)}: ${totals.checks} checks in ${seconds} s.`,
    '',
    '| exercise | killed | survived | equivalent | type errors | score |',
    '|---|---|---|---|---|---|',
    ...reports.map((r) => `| ${r.exercise} | ${r.killed} | ${r.survived} | ${r.equivalent} | ${r.typeErrors} | ${score(r)} |`),
    `| **all** | ${totals.killed} | ${totals.survived} | ${totals.equivalent} | ${totals.typeErrors} | ${score(totals)} |`,
  ];
  for (const r of reports) {
    const survivors = r.outcomes.filter((o) => o.status === 'survived');
    if (survivors.length === 0) continue;
    lines.push('', `## ${r.exercise}: survivors`, '', '| operator | where | change |', '|---|---|---|', ...survivors.map((o) => `| ${o.operator} | ${o.file}:${o.line} | ${cell(o.description)} |`));
  }
  return lines.join('\n') + '\n';
}

function mutation(): typeof import('../dev/mutate/mutate') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../dev/mutate/mutate') as typeof import('../dev/mutate/mutate');
}

/** The mutation operators, loaded when asked for: they bring the TypeScript compiler, which every other command can do without. */
function operators(): typeof import('../dev/mutate/operators').OPERATORS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../dev/mutate/operators') as typeof import('../dev/mutate/operators')).OPERATORS;
}
