import { cpSync, lstatSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog';
import type { CheckResult } from '../grading/check-result';
import { language, messagePattern, t } from '../i18n/messages';
import { packageRoot } from '../paths';
import { killGroup } from '../runner/process-registry';
import { Workspace } from '../workspace/workspace';
import type { ExerciseGrade } from './gradebook';

const BIN = path.join(packageRoot, 'bin', 'learn-nest-micro.js');
const GUARD = path.join(packageRoot, 'dist', 'runner', 'child-guard.js');

export interface IsolatedCheckOptions {
  exercise: Exercise;
  /** The student's exercise folder. */
  source: string;
  /** Where the throw-away workspace is made. */
  scratch: string;
  points: number;
  timeoutSeconds?: number;
  /** Run the services in the bubblewrap sandbox (`check --sandbox`). */
  sandbox?: boolean;
}

/**
 * Grades one student's exercise folder the way `check` would, but on a copy in a workspace of its
 * own and in a child process of its own: the student's code and the hidden suite share nothing
 * with the other checks running at the same time, and a check that does not end is killed with its
 * whole process tree. Never throws: anything that goes wrong is a grade with status 'error'.
 */
export async function runIsolatedCheck(options: IsolatedCheckOptions): Promise<ExerciseGrade> {
  const { exercise, points } = options;
  const base = { exercise: exercise.id, maxPoints: points, submitted: true };
  let root: string | undefined;
  try {
    root = mkdtempSync(path.join(options.scratch, `${exercise.id}-`));
    const workspace = new Workspace(root);
    workspace.ensure();
    cpSync(options.source, workspace.exerciseDir(exercise.id), { recursive: true, filter: (src) => !['node_modules', '.learn-nest-micro'].includes(path.basename(src)) && !linksOutside(src, options.source) });
    const limit = options.timeoutSeconds ?? exercise.manifest.timeoutSeconds;
    const outcome = await checkInChild(root, exercise.id, options.timeoutSeconds, (limit * 2 + 60) * 1000, options.sandbox);
    // Messages name the student's own files, not the copy's.
    const own = (text: string) => text.split(root!).join(path.dirname(options.source));
    if (outcome.killedAfterMs !== undefined) return { ...base, status: 'error', points: 0, failedChecks: [], worthRetrying: true, message: t('grade.checkKilled', { seconds: Math.round(outcome.killedAfterMs / 1000) }) };
    const result = parseCheckResult(outcome.stdout);
    if (!result) {
      const reason = own(outcome.stderr.trim().split('\n')[0] || `exit code ${outcome.exitCode}`);
      return { ...base, status: 'error', points: 0, failedChecks: [], worthRetrying: true, message: t('grade.checkError', { reason }) };
    }
    const grade = gradeOf(result, points);
    return { ...base, ...grade, message: own(grade.message) };
  } catch (error) {
    return { ...base, status: 'error', points: 0, failedChecks: [], message: t('grade.checkError', { reason: (error as Error).message }) };
  } finally {
    if (root) rmSync(root, { recursive: true, force: true });
  }
}

/**
 * A symlink whose target is outside the student's folder (or dangling): not copied, so that neither
 * the grading process (type check, hidden suite, diagnoses) nor the sandbox reads a teacher's file
 * through a student's link.
 */
function linksOutside(file: string, folder: string): boolean {
  try {
    if (!lstatSync(file).isSymbolicLink()) return false;
    const rel = path.relative(realpathSync(folder), realpathSync(file));
    return rel.startsWith('..') || path.isAbsolute(rel);
  } catch {
    return true;
  }
}

/** The verdict of a check as a grade: full points on a pass, else 0 and the first failure. */
export function gradeOf(result: Pick<CheckResult, 'status' | 'tests'> & { timedOut?: boolean; error?: { message: string } }, points: number): Pick<ExerciseGrade, 'status' | 'points' | 'message' | 'failedChecks' | 'worthRetrying'> {
  const failed = result.tests.filter((x) => x.status === 'fail');
  if (result.error) return { status: 'error', points: 0, message: result.error.message, failedChecks: [] };
  if (result.status === 'pass') return { status: 'pass', points, message: t('grade.passed', { total: result.tests.filter((x) => x.status !== 'skip').length }), failedChecks: [] };
  const first = failed[0];
  return {
    status: result.status === 'error' ? 'error' : 'fail',
    points: 0,
    message: first ? `${first.name}: ${summary(first.message ?? '')}` : '',
    failedChecks: failed.map((x) => x.name),
    worthRetrying: Boolean(result.timedOut) || failed.some((x) => saysOutOfTime(x.message ?? '')),
  };
}


/** A failure that says "too slow" rather than "wrong": the engine's limits, vitest's and the harness's timeouts. */
function saysOutOfTime(message: string): boolean {
  return [messagePattern('check.serviceNotReady'), messagePattern('check.timedOut'), /\b(Test|Hook) timed out in \d+ms/, /\bno (reply|answer) within [\d.]+s\b/].some((p) => p.test(message));
}

/** The first line of a failure, with the next one when the first only introduces it ("…errors:"). */
function summary(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[0]?.endsWith(':') && lines[1] ? `${lines[0]} ${lines[1]}` : (lines[0] ?? '');
}

function parseCheckResult(stdout: string): (CheckResult & { error?: { message: string } }) | undefined {
  try {
    const parsed = JSON.parse(stdout) as CheckResult & { error?: { message: string } };
    return parsed && Array.isArray(parsed.tests) && typeof parsed.status === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The process groups of the checks running now, and when each ends. */
const running = new Map<number, Promise<unknown>>();

/**
 * Stops every running check and waits for them. SIGTERM, not SIGKILL: each check then stops its own
 * services and type checker (process groups of their own, out of reach of a kill of its group).
 */
export async function stopRunningChecks(): Promise<void> {
  for (const pid of running.keys()) killGroup(pid, 'SIGTERM');
  await Promise.all(running.values());
}

let exitHookInstalled = false;
function stopChecksOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of running.keys()) killGroup(pid, 'SIGTERM');
  });
}

/**
 * `learn-nest-micro check <id> --reporter json` in a process group of its own, stopped when this
 * command ends, and stopped (then killed) if it outlives `backstopMs`.
 */
async function checkInChild(root: string, id: string, timeoutSeconds: number | undefined, backstopMs: number, sandbox = false) {
  stopChecksOnExit();
  // The same language as here, so that its messages read like ours and saysOutOfTime() knows them.
  const args = ['-r', GUARD, BIN, '--lang', language(), 'check', id, '--dir', root, '--reporter', 'json', ...(timeoutSeconds ? ['--timeout', String(timeoutSeconds)] : []), ...(sandbox ? ['--sandbox'] : [])];
  // Loaded here: execa costs every other command a fifth of a CPU-second at start-up.
  const { execa } = await import('execa');
  const child = execa(process.execPath, args, {
    cwd: root,
    env: { LNM_PARENT_PID: String(process.pid), NO_COLOR: '1', FORCE_COLOR: '0' },
    extendEnv: true,
    detached: true,
    stdin: 'ignore',
    reject: false,
    cleanup: false,
    maxBuffer: 64 * 1024 * 1024,
  });
  const pid = child.pid;
  if (pid !== undefined) running.set(pid, child);
  let killedAfterMs: number | undefined;
  let forced: NodeJS.Timeout | undefined;
  const backstop = setTimeout(() => {
    killedAfterMs = backstopMs;
    if (pid === undefined) return;
    killGroup(pid, 'SIGTERM');
    forced = setTimeout(() => killGroup(pid, 'SIGKILL'), 5000);
  }, backstopMs);
  try {
    const r = await child;
    return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode, killedAfterMs };
  } finally {
    clearTimeout(backstop);
    clearTimeout(forced);
    if (pid !== undefined) running.delete(pid);
  }
}
