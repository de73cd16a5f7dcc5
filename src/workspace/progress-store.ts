import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { t } from '../i18n/messages';
import { writeFileAtomic } from './atomic-write';
import type { Workspace } from './workspace';

const exerciseProgress = z.object({
  attempts: z.number().int().nonnegative().default(0),
  passes: z.number().int().nonnegative().default(0),
  hintsUsed: z.number().int().nonnegative().default(0),
  solutionViewed: z.boolean().default(false),
  scaffoldedAt: z.string().optional(),
  lastCheckedAt: z.string().optional(),
  lastStatus: z.enum(['pass', 'fail', 'error']).optional(),
  passedAt: z.string().optional(),
  quiz: z.object({ correct: z.number().int(), total: z.number().int(), at: z.string() }).optional(),
});
export type ExerciseProgress = z.infer<typeof exerciseProgress>;

const progressSchema = z.object({
  version: z.literal(1),
  current: z.string().optional(),
  exercises: z.record(z.string(), exerciseProgress).default({}),
});
export type Progress = z.infer<typeof progressSchema>;

const empty = (): Progress => ({ version: 1, exercises: {} });

/**
 * The learner's progress in `<workspace>/.learn-nest-micro/progress.json`. Written atomically; a file
 * that cannot be read is set aside (never deleted) and reported, and progress starts afresh.
 */
/** Progress files above this size are set aside unread. */
export const MAX_PROGRESS_BYTES = 5 * 1024 * 1024;

export class ProgressStore {
  readonly file: string;

  constructor(
    workspace: Workspace,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(m + '\n'),
  ) {
    this.file = path.join(workspace.stateDir, 'progress.json');
  }

  read(): Progress {
    if (!existsSync(this.file)) return empty();
    let reason: string;
    // A real progress file is a few KB; one beyond the cap was written by something else, and reading
    // it would cost seconds on every command (100 MB: 25 s). It is set aside like a corrupt one.
    const size = statSync(this.file).size;
    if (size > MAX_PROGRESS_BYTES) return this.setAside(t('workspace.progressTooLarge', { size: Math.round(size / 1024 / 1024), max: MAX_PROGRESS_BYTES / 1024 / 1024 }));
    try {
      const parsed = progressSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (parsed.success) return parsed.data;
      reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    } catch (error) {
      reason = (error as Error).message;
    }
    return this.setAside(reason);
  }

  private setAside(reason: string): Progress {
    const backup = `${this.file}.corrupt-${timestamp()}`;
    renameSync(this.file, backup);
    this.warn(t('workspace.progressCorrupt', { file: this.file, reason, backup }));
    return empty();
  }

  exercise(id: string): ExerciseProgress {
    return this.read().exercises[id] ?? exerciseProgress.parse({});
  }

  /** Read-modify-write of one exercise's record. */
  update(id: string, change: (p: ExerciseProgress) => void, makeCurrent = true): ExerciseProgress {
    const progress = this.read();
    const record = progress.exercises[id] ?? exerciseProgress.parse({});
    change(record);
    progress.exercises[id] = record;
    if (makeCurrent) progress.current = id;
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, JSON.stringify(progress, null, 2) + '\n');
    return record;
  }
}

/** Counts one check of an exercise: an attempt, its outcome, and the time of the first pass. */
export function recordCheck(p: ExerciseProgress, status: 'pass' | 'fail' | 'error', at = new Date()): void {
  p.attempts += 1;
  p.lastCheckedAt = at.toISOString();
  p.lastStatus = status;
  if (status === 'pass') {
    p.passes += 1;
    p.passedAt ??= p.lastCheckedAt;
  }
}

export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
