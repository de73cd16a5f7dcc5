import { sumPoints } from './assignment-schema';
import type { Activity } from './student-activity';
/** A class's grades: what `grade` produces and every gradebook reporter reads. */
export type GradeStatus = 'pass' | 'fail' | 'error';

export interface ExerciseGrade {
  exercise: string;
  status: GradeStatus;
  points: number;
  maxPoints: number;
  message: string;
  /** Names of the hidden checks that failed, for the class summary (not in the JSON gradebook). */
  failedChecks: string[];
  /** Whether the student's folder was there at all. */
  submitted: boolean;
  /** Failed by a time limit, or the check could not run: not a wrong answer, so worth one more try. */
  worthRetrying?: boolean;
  /** Checks run and hints shown, as the student's progress file records them (their account, never part of the grade). */
  activity?: Activity;
}

export interface StudentGrade {
  workspace: string;
  results: ExerciseGrade[];
  points: number;
  maxPoints: number;
}

export interface Gradebook {
  title?: string;
  version: string;
  /** How the students' services ran: in the bubblewrap sandbox, or without one (--trust-students). */
  sandbox?: 'bubblewrap' | 'none';
  /** Said at the top of every gradebook graded without a sandbox. */
  warning?: string;
  /** The graded exercises in order, with their points. */
  exercises: { id: string; points: number }[];
  students: StudentGrade[];
}

export function studentGrade(workspace: string, results: ExerciseGrade[]): StudentGrade {
  return {
    workspace,
    results,
    points: sumPoints(results.map((r) => r.points)),
    maxPoints: sumPoints(results.map((r) => r.maxPoints)),
  };
}

/** The checks that failed most across the class, most first: what confused the students. */
export function failingChecks(book: Gradebook): { exercise: string; check: string; students: number }[] {
  const counts = new Map<string, { exercise: string; check: string; students: number }>();
  for (const s of book.students) {
    for (const r of s.results) {
      if (!r.submitted) continue;
      for (const check of new Set(r.failedChecks)) {
        const key = `${r.exercise}\0${check}`;
        const entry = counts.get(key) ?? { exercise: r.exercise, check, students: 0 };
        entry.students++;
        counts.set(key, entry);
      }
    }
  }
  return [...counts.values()].sort((a, b) => b.students - a.students || a.exercise.localeCompare(b.exercise) || a.check.localeCompare(b.check));
}

/** A student's checks run and hints shown over the graded exercises; undefined when their progress file said nothing. */
export function studentActivity(student: StudentGrade): Activity | undefined {
  const known = student.results.flatMap((r) => (r.activity ? [r.activity] : []));
  if (known.length === 0) return undefined;
  return { attempts: known.reduce((n, a) => n + a.attempts, 0), hintsUsed: known.reduce((n, a) => n + a.hintsUsed, 0) };
}

/** Whether any student's attempts and hints are known: the reports show those columns only then. */
export function hasActivity(book: Gradebook): boolean {
  return book.students.some((s) => studentActivity(s) !== undefined);
}
