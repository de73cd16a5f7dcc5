import { existsSync, readdirSync } from 'node:fs';
import type { Catalog } from '../catalog/catalog';
import type { Progress } from '../workspace/progress-store';
import type { Workspace } from '../workspace/workspace';
import { dueInstant, sumPoints } from './assignment-schema';
import type { LoadedAssignment } from './assignment';
import { filesDigest } from './files-digest';

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
 * records it, with a digest of the files so the teacher can match a result to code.
 */
export function buildStudentReport(options: { workspace: Workspace; progress: Progress; catalog: Catalog; assignment?: LoadedAssignment; version: string; now?: Date }): StudentReport {
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
    const status: ReportStatus = !present ? 'not-started' : (p?.lastStatus ?? 'not-checked');
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
