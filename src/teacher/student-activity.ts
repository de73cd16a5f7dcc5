import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MAX_PROGRESS_BYTES } from '../workspace/progress-store';
import { STATE_DIR } from '../workspace/workspace';

/** How much a student worked at an exercise: checks run and hints shown. */
export interface Activity {
  attempts: number;
  hintsUsed: number;
}

const count = z.number().int().nonnegative().catch(0);
const progressFile = z.object({
  exercises: z.record(z.string(), z.object({ attempts: count.default(0), hintsUsed: count.default(0) })),
});

/**
 * The attempts and hints a student's own progress file records, per exercise: the student's account
 * (they can edit the file), shown next to a grade and never part of it. Read-only, for a folder that
 * is not ours: a file that is missing, not a plain file (a link could point anywhere), too large or
 * malformed gives nothing and is left exactly as it is.
 */
export function readStudentActivity(workspace: string): Map<string, Activity> | undefined {
  const file = path.join(workspace, STATE_DIR, 'progress.json');
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_PROGRESS_BYTES) return undefined;
    const parsed = progressFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? new Map(Object.entries(parsed.data.exercises)) : undefined;
  } catch {
    return undefined;
  }
}
