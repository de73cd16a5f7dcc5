import type { Command } from 'commander';
import { t } from '../i18n/messages';
import { resolveAssignment } from '../teacher/assignment';
import { buildStudentReport } from '../teacher/student-report';
import { writeFileAtomic } from '../workspace/atomic-write';
import type { CommandContext } from './context';
import type { CommandResult } from './main';
import { version } from './version';

export function registerReport(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('report')
    .description('your results as JSON, for handing in: per exercise status, points, attempts, hints used, when it passed, and a digest of your files')
    .option('--dir <dir>', 'the workspace (default: the nearest one at or above the current folder, else ./learn-nest-micro/)')
    .option('--out <file>', 'write the report to a file instead of printing it')
    .option('--assignment <file>', "score against this assignment (default: the workspace's own)")
    .option('--points', 'print only the points, as X/Y (for CI)')
    .option('--ids', 'print only the ids of the exercises the report covers, one a line (for CI scripts)')
    .addHelpText('after', '\nExample:\n  $ learn-nest-micro report --out report.json\n  $ learn-nest-micro report --dir . --assignment assignment.json --points')
    .action((opts: { dir?: string; out?: string; assignment?: string; points?: boolean; ids?: boolean }) => {
      const workspace = ctx.workspace(opts.dir);
      const assignment = resolveAssignment(workspace, opts.assignment, ctx.catalog);
      const progress = workspace.exists ? ctx.progress(workspace).read() : { version: 1 as const, exercises: {} };
      const report = buildStudentReport({ workspace, progress, catalog: ctx.catalog, assignment, version: version() });
      if (opts.out) {
        writeFileAtomic(opts.out, JSON.stringify(report, null, 2) + '\n');
        if (!opts.points && !opts.ids) ctx.out(t('report.written', { file: opts.out }));
      }
      if (opts.ids) ctx.out(report.exercises.map((e) => e.exercise).join('\n'));
      else if (opts.points) ctx.out(`${report.points}/${report.maxPoints}`);
      else if (!opts.out) ctx.out(JSON.stringify(report, null, 2));
      if (report.exercises.length === 0 && !opts.ids) ctx.warn(t('report.nothing'));
    });
}
