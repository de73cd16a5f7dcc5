import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog';
import type { Progress } from '../workspace/progress-store';
import type { Workspace } from '../workspace/workspace';
import { dueInstant, sumPoints } from './assignment-schema';
import type { LoadedAssignment } from './assignment';
import { filesDigest } from './files-digest';
import { t } from '../i18n/messages';

/** pass, fail, error: the last check's verdict. not-checked: the folder exists, never checked. */
export type ReportStatus = 'pass' | 'fail' | 'error' | 'not-checked' | 'not-started';

export interface ExerciseReport {
  exercise: string;
  status: ReportStatus;
  points: number;
  maxPoints: number;
  attempts: number;
  hintsUsed: number;
  solutionViewed: boolean;
  lastCheckedAt: string | null;
  passedAt: string | null;
  /** Passed after the assignment's due date (null without one, or before a pass). */
  late: boolean | null;
  /** Of the files in the exercise folder as they are now; null when there is no folder. */
  digest: string | null;
  files: string[];
}

export interface StudentReport {
  tool: 'learn-nest-micro';
  version: string;
  /** Status and points are what the progress file says, which its owner can edit: never a grade. */
  results: 'self-reported' | 'junit';
  note: string;
  generatedAt: string;
  workspace: string;
  assignment: { file: string; title: string | null; due: string | null } | null;
  exercises: ExerciseReport[];
  points: number;
  maxPoints: number;
}

/**
 * A student's results, for handing in: the assigned exercises (or, without an assignment, every
 * exercise the workspace holds, a point each), scored by their last check as the progress file
 * records it, with a digest of the files so the teacher can match a result to code. The progress
 * file is the student's to edit, so the report says its results are self-reported; `grade` re-runs
 * the checks for results a teacher can rely on.
 */
export function buildStudentReport(options: { workspace: Workspace; progress: Progress; catalog: Catalog; assignment?: LoadedAssignment; version: string; now?: Date; junitDir?: string }): StudentReport {
  const { workspace, progress, catalog, assignment } = options;
  const a = assignment?.assignment;
  const wanted = a
    ? a.exercises
    : catalog.exercises.filter((e) => hasFiles(workspace.exerciseDir(e.id)) || progress.exercises[e.id]).map((e) => ({ id: e.id, points: 1 }));
  const due = a?.due ? dueInstant(a.due) : undefined;
  const exercises = wanted.map(({ id, points: maxPoints }): ExerciseReport => {
    const p = progress.exercises[id];
    const dir = workspace.exerciseDir(id);
    const present = hasFiles(dir);
    const status: ReportStatus = !present ? 'not-started' : options.junitDir ? junitVerdict(path.join(options.junitDir, `${id}.xml`), id) : (p?.lastStatus ?? 'not-checked');
    const digest = present ? filesDigest(dir) : undefined;
    return {
      exercise: id,
      status,
      points: status === 'pass' ? maxPoints : 0,
      maxPoints,
      attempts: p?.attempts ?? 0,
      hintsUsed: p?.hintsUsed ?? 0,
      solutionViewed: p?.solutionViewed ?? false,
      lastCheckedAt: p?.lastCheckedAt ?? null,
      passedAt: p?.passedAt ?? null,
      late: due && p?.passedAt ? new Date(p.passedAt) > due : null,
      digest: digest?.digest ?? null,
      files: digest?.files ?? [],
    };
  });
  return {
    tool: 'learn-nest-micro',
    version: options.version,
    results: options.junitDir ? 'junit' : 'self-reported',
    note: options.junitDir ? t('report.fromJunit', { dir: options.junitDir }) : t('report.selfReported'),
    generatedAt: (options.now ?? new Date()).toISOString(),
    workspace: workspace.root,
    assignment: assignment ? { file: assignment.file, title: a?.title ?? null, due: a?.due ?? null } : null,
    exercises,
    points: sumPoints(exercises.map((e) => e.points)),
    maxPoints: sumPoints(exercises.map((e) => e.maxPoints)),
  };
}

function hasFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).length > 0;
}

/**
 * An exercise's verdict from the JUnit file its check wrote (`check --reporter junit`): a pass when its
 * test suite has run tests and no failure; not-checked when there is no such file or suite.
 */
function junitVerdict(file: string, id: string): ReportStatus {
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch {
    return 'not-checked';
  }
  const suites = [...xml.matchAll(/<testsuite\s([^>]*)>/g)].map((m) => Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
  const suite = suites.find((s) => s.name === id);
  if (!suite || suites.length !== 1) return 'not-checked';
  const tests = Number(suite.tests);
  const ran = tests - Number(suite.skipped ?? 0);
  return Number(suite.failures) === 0 && Number(suite.errors ?? 0) === 0 && ran > 0 ? 'pass' : 'fail';
}
