import type { Command } from 'commander';
import { t } from '../i18n/messages';
import { resolveAssignment } from '../teacher/assignment';
import { buildStudentReport } from '../teacher/student-report';
import { assertWritableFile, writeFileAtomic } from '../workspace/atomic-write';
import type { CommandContext } from './context';
import type { CommandResult } from './main';
import { version } from './version';

export function registerReport(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('report')
    .description(t('help.report'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--out <file>', t('help.report.out'))
    .option('--assignment <file>', t('help.report.assignment'))
    .option('--points', t('help.report.points'))
    .option('--ids', t('help.report.ids'))
    .option('--junit <dir>', t('help.report.junit'))
    .addHelpText('after', t('help.report.after'))
    .action((opts: { dir?: string; out?: string; assignment?: string; points?: boolean; ids?: boolean; junit?: string }) => {
      if (opts.out) assertWritableFile(opts.out);
      const workspace = ctx.workspace(opts.dir);
      const assignment = resolveAssignment(workspace, opts.assignment, ctx.catalog);
      const progress = workspace.exists ? ctx.progress(workspace).read() : { version: 1 as const, exercises: {} };
      const report = buildStudentReport({ workspace, progress, catalog: ctx.catalog, assignment, version: version(), junitDir: opts.junit });
      if (opts.out) {
        writeFileAtomic(opts.out, JSON.stringify(report, null, 2) + '\n');
        if (!opts.points && !opts.ids) ctx.out(t('report.written', { file: opts.out }));
      }
      if (opts.ids) ctx.out(report.exercises.map((e) => e.exercise).join('\n'));
      else if (opts.points) {
        ctx.out(`${report.points}/${report.maxPoints}`);
        // Scripts read the points from stdout; whoever reads the terminal is told what they are.
        ctx.warn(report.note);
      }
      else if (!opts.out) ctx.out(JSON.stringify(report, null, 2));
      if (report.exercises.length === 0 && !opts.ids) ctx.warn(t('report.nothing'));
    });
}
