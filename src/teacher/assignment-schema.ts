import { z } from 'zod';
import { t } from '../i18n/messages';
import { supportedLanguages } from '../i18n/messages';

const DATE = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A date that exists in the calendar: 2025-02-30 is refused, not read as March 2 as Date.parse does. */
function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m || Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A sum of points as people write it: 0.1 + 0.2 is 0.3, not 0.30000000000000004. */
export function sumPoints(values: number[]): number {
  return Math.round(values.reduce((sum, v) => sum + v, 0) * 1e6) / 1e6;
}

const assignedExercise = z.strictObject({
  id: z.string().min(1),
  points: z.number().nonnegative().max(100_000),
});
export type AssignedExercise = z.infer<typeof assignedExercise>;

/** What a teacher hands out: the exercises and their points, the deadline and the rules for help. */
export const assignmentSchema = z
  .strictObject({
    version: z.literal(1).default(1),
    title: z.string().min(1).optional(),
    exercises: z.array(assignedExercise).min(1, t('assignment.noExercises')),
    due: z
      .string()
      .refine(isCalendarDate, t('assignment.badDate'))
      .optional(),
    hints: z.boolean().default(true),
    solutions: z.boolean().default(true),
    language: z
      .string()
      .refine((l) => (supportedLanguages as readonly string[]).includes(l), t('assignment.badLanguage', { languages: supportedLanguages.join(', ') }))
      .optional(),
    /** The hard limit of each check, overriding the exercise's own. */
    timeoutSeconds: z.number().positive().max(600).optional(),
  })
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.exercises.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: ['exercises', i, 'id'], message: t('assignment.duplicateExercise', { id: e.id }) });
      seen.add(e.id);
    });
  });
export type Assignment = z.infer<typeof assignmentSchema>;
/** What `assign` writes and a teacher may write by hand: defaults may be left out. */
export type AssignmentInput = z.input<typeof assignmentSchema>;

/** The deadline as an instant; a date without a time means the end of that day, UTC. */
export function dueInstant(due: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(due) ? `${due}T23:59:59.999Z` : due);
}

export function totalPoints(assignment: Pick<Assignment, 'exercises'>): number {
  return sumPoints(assignment.exercises.map((e) => e.points));
}
