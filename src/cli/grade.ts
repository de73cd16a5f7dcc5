import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { t } from '../i18n/messages';
import { loadAssignment } from '../teacher/assignment';
import { defaultJobs, exercisesPresent, gradeClass } from '../teacher/class-grader';
import type { Gradebook } from '../teacher/gradebook';
import { renderGradebookCsv } from '../teacher/gradebook-reporters/csv';
import { renderGradebookJson } from '../teacher/gradebook-reporters/json';
import { renderGradebookJunit } from '../teacher/gradebook-reporters/junit';
import { renderGradebookMarkdown } from '../teacher/gradebook-reporters/markdown';
import { renderGradebookHtml } from '../teacher/gradebook-reporters/html';
import { assertWritableFile, writeFileAtomic } from '../workspace/atomic-write';
import { parseTimeout } from './check';
import type { CommandContext } from './context';
import type { CommandResult } from './main';
import { version } from './version';
import { sandboxProblem } from '../sandbox/check-sandbox';
import { baselineMaterial } from '../sandbox/integrity';

const renderers = { csv: renderGradebookCsv, json: renderGradebookJson, junit: renderGradebookJunit, md: renderGradebookMarkdown, html: renderGradebookHtml } as const;
type Format = keyof typeof renderers;

function parseFormat(format: string | undefined, out: string | undefined): Format {
  if (format === undefined) return ({ '.csv': 'csv', '.md': 'md', '.xml': 'junit', '.html': 'html', '.htm': 'html' } as Record<string, Format>)[path.extname(out ?? '').toLowerCase()] ?? 'json';
  if (format in renderers) return format as Format;
  throw new UserError(t('grade.badFormat', { format }));
}

function parseJobs(value: string | undefined): number {
  if (value === undefined) return defaultJobs();
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UserError(t('grade.badJobs', { value }));
  return Number(value);
}

export function registerGrade(program: Command, ctx: CommandContext, result: CommandResult): void {
  program
    .command('grade <workspaces...>')
    .description(t('help.grade'))
    .option('--assignment <file>', t('help.grade.assignment'))
    .option('--out <file>', t('help.grade.out'))
    .option('--format <format>', t('help.grade.format'))
    .option('--jobs <n>', t('help.grade.jobs', { jobs: defaultJobs() }))
    .option('--timeout <seconds>', t('help.grade.timeout'))
    .option('--no-retry', t('help.grade.noRetry'))
    .option('--trust-students', t('help.grade.trustStudents'))
    .addHelpText('after', t('help.grade.after'))
    .action(async (paths: string[], opts: { assignment?: string; out?: string; format?: string; jobs?: string; timeout?: string; retry: boolean; trustStudents?: boolean }) => {
      const format = parseFormat(opts.format, opts.out);
      if (opts.out) assertWritableFile(opts.out);
      const jobs = parseJobs(opts.jobs);
      const timeoutSeconds = parseTimeout(opts.timeout);
      const workspaces = [...new Set(paths.map((p) => path.resolve(p)))];
      for (const dir of workspaces) if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(t('grade.notADirectory', { dir }));
      const assignment = opts.assignment ? loadAssignment(opts.assignment, ctx.catalog).assignment : undefined;
      const exercises = assignment ? assignment.exercises.map(({ id, points }) => ({ id, points })) : exercisesPresent(ctx.catalog, workspaces);
      if (exercises.length === 0) throw new UserError(t('grade.noExercises'));
      // Every student's services run in a sandbox; without one, grading refuses unless the teacher trusts the code.
      const problem = sandboxProblem();
      if (problem && !opts.trustStudents) throw new UserError(problem.message, { hint: problem.hint });
      const warning = problem ? t('sandbox.trustWarning') : undefined;
      if (warning) process.stderr.write(`\n${ctx.style.red(ctx.style.bold(warning))}\n\n`);
      const material = baselineMaterial(version());
      const students = await gradeClass({
        sandbox: !problem,
        material,
        catalog: ctx.catalog,
        workspaces,
        exercises,
        timeoutSeconds: timeoutSeconds ?? assignment?.timeoutSeconds,
        jobs,
        retry: opts.retry,
        onStudentGraded: (s, done, total) => process.stderr.write(t('grade.studentDone', { done, total, workspace: path.relative(process.cwd(), s.workspace) || '.', points: s.points, maxPoints: s.maxPoints }) + '\n'),
      });
      const book: Gradebook = { title: assignment?.title, version: version(), sandbox: problem ? 'none' : 'bubblewrap', ...(warning ? { warning } : {}), exercises, students };
      const text = renderers[format](book);
      if (opts.out) {
        writeFileAtomic(path.resolve(opts.out), text.endsWith('\n') ? text : text + '\n');
        ctx.out(t('grade.written', { count: students.length, file: opts.out }));
      } else {
        ctx.out(text.replace(/\r?\n$/, ''));
      }
      result.exitCode = 0;
    });
}
