import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog';
import { t } from '../i18n/messages';
import { assertBrokersReachable } from '../grading/run-check';
import { onInterrupt } from '../runner/process-registry';
import { Workspace } from '../workspace/workspace';
import { studentGrade, type ExerciseGrade, type StudentGrade } from './gradebook';
import { runIsolatedCheck, stopRunningChecks } from './isolated-check';
import { readStudentActivity } from './student-activity';
import { runPool } from './task-pool';
import { assertMaterialUnchanged, type Digests } from '../sandbox/integrity';

export interface GradeClassOptions {
  catalog: Catalog;
  /** Absolute paths of the students' workspaces. */
  workspaces: string[];
  exercises: { id: string; points: number }[];
  /** Overrides each exercise's own limit. */
  timeoutSeconds?: number;
  /** Checks at once. */
  jobs: number;
  /** Check once more, alone, what failed by a time limit or could not run (default: true). */
  retry?: boolean;
  onStudentGraded?: (student: StudentGrade, done: number, total: number) => void;
  /** Run every student's services in the bubblewrap sandbox (what `grade` does unless --trust-students). */
  sandbox?: boolean;
  /** The grading material's digests at the start: after each check it must still match (else UserError, exit 2). */
  material?: Digests;
}

/**
 * How many checks to run at once: one per core, keeping one for everything else. On two cores a
 * second check at once barely helps (12 solved checks of tcp-basics and send-vs-emit: 83.7 s one at
 * a time, 80.7 s two at a time, with more CPU spent), so one it is.
 */
export function defaultJobs(cores = os.availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/**
 * Re-runs the hidden suites on every student's files (their progress file never decides a grade: only
 * the attempts and hints it records are carried along, shown as the student's own account), each
 * exercise of each student in an isolated copy, `jobs` at a time. A student's broken or hanging
 * code costs that student the points and nobody else anything. A check that failed by a time limit
 * (or could not run) is run once more on its own, so that a busy machine does not cost a student points.
 */
export async function gradeClass(options: GradeClassOptions): Promise<StudentGrade[]> {
  removeAbandonedScratch();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lnm-grade-'));
  writeFileSync(path.join(scratch, OWNER_FILE), String(process.pid));
  try {
    // A broker that is down would fail every student alike: say so once, before grading anyone.
    for (const { id } of options.exercises) await assertBrokersReachable(options.catalog.exercise(id), new Workspace(scratch));
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  let interrupted = false;
  const stopInterrupt = onInterrupt(async () => {
    // No check starts after Ctrl-C, while the running ones are being stopped.
    interrupted = true;
    process.stderr.write(t('grade.interrupted') + '\n');
    await stopRunningChecks();
    rmSync(scratch, { recursive: true, force: true });
  });
  const results = options.workspaces.map(() => new Array<ExerciseGrade>(options.exercises.length));
  const jobs: { student: number; slot: number }[] = [];
  options.workspaces.forEach((workspace, student) =>
    options.exercises.forEach(({ id, points }, slot) => {
      if (submitted(path.join(workspace, id))) jobs.push({ student, slot });
      else results[student][slot] = { exercise: id, status: 'fail', points: 0, maxPoints: points, message: t('grade.notSubmitted'), failedChecks: [], submitted: false };
    }),
  );
  const pending = options.workspaces.map((_, student) => jobs.filter((j) => j.student === student).length);
  let done = 0;
  const finish = (student: number) => {
    done += 1;
    options.onStudentGraded?.(studentGrade(options.workspaces[student], results[student]), done, options.workspaces.length);
  };
  try {
    pending.forEach((n, student) => n === 0 && finish(student));
    const check = ({ student, slot }: { student: number; slot: number }) => {
      const { id, points } = options.exercises[slot];
      return runIsolatedCheck({ exercise: options.catalog.exercise(id), source: path.join(options.workspaces[student], id), scratch, points, timeoutSeconds: options.timeoutSeconds, sandbox: options.sandbox });
    };
    // The hidden suites and the harness must be as they were after each check: a change stops grading.
    let tampered: unknown;
    const verify = (student: number) => {
      if (!options.material || tampered) return;
      try {
        assertMaterialUnchanged(options.material, options.workspaces[student]);
      } catch (error) {
        tampered = error;
        interrupted = true;
      }
    };
    const retry = options.retry ?? true;
    const again: typeof jobs = [];
    await runPool(jobs, options.jobs, async (job) => {
      if (interrupted) return;
      const grade = await check(job);
      verify(job.student);
      if (tampered) return;
      results[job.student][job.slot] = grade;
      if (retry && grade.worthRetrying) again.push(job);
      else if (--pending[job.student] === 0) finish(job.student);
    });
    await runPool(again, 1, async (job) => {
      if (interrupted) return;
      const grade = await check(job);
      verify(job.student);
      if (tampered) return;
      results[job.student][job.slot] = grade;
      if (--pending[job.student] === 0) finish(job.student);
    });
    if (tampered) {
      await stopRunningChecks();
      throw tampered;
    }
  } finally {
    stopInterrupt();
    rmSync(scratch, { recursive: true, force: true });
  }
  return options.workspaces.map((workspace, student) => {
    const activity = readStudentActivity(workspace);
    // No progress file: unknown. A file without the exercise: it was never checked, nor a hint shown.
    const withActivity = results[student].map((r) => (activity ? { ...r, activity: activity.get(r.exercise) ?? { attempts: 0, hintsUsed: 0 } } : r));
    return studentGrade(workspace, withActivity);
  });
}

/** Names the grading process that owns a scratch folder. */
const OWNER_FILE = '.owner-pid';

/**
 * Removes the scratch folders of gradings that were killed (kill -9 gives no chance to clean up):
 * those whose owner process is gone. A folder of a grading still running is left alone.
 */
function removeAbandonedScratch(): void {
  const tmp = os.tmpdir();
  for (const name of readdirSync(tmp).filter((n) => n.startsWith('lnm-grade-'))) {
    const dir = path.join(tmp, name);
    let owner: number;
    try {
      owner = Number(readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (owner > 0 && !processAlive(owner)) rmSync(dir, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The exercises any of the workspaces holds, in course order: what to grade without an assignment. */
export function exercisesPresent(catalog: Catalog, workspaces: string[]): { id: string; points: number }[] {
  return catalog.exercises.filter((e) => workspaces.some((w) => submitted(path.join(w, e.id)))).map((e) => ({ id: e.id, points: 1 }));
}

function submitted(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).length > 0;
}
