import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { UserError } from '../errors';
import { language, t } from '../i18n/messages';
import { contentDirs } from '../paths';
import { closestId } from './closest-id';
import {
  exerciseSchema,
  feedbackSchema,
  fixtureSchema,
  hintsSchema,
  lessonSchema,
  quizSchema,
  type ExerciseManifest,
  type FeedbackCatalog,
  type FixtureManifest,
  type Lesson,
  type Quiz,
} from './schema';

/** Reads a JSON content file and validates it, naming the file and the field on any problem. */
export function readContentFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new UserError(t('error.contentInvalid', { file, problems: (cause as Error).message }), { cause });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new UserError(t('error.contentInvalid', { file, problems }));
  }
  return parsed.data;
}

const untranslated = new Set<string>();

/**
 * The parts of the course shown in English because they lack the current language: never silently,
 * the command lists them when it ends (see cli/main.ts).
 */
export function untranslatedParts(): string[] {
  return [...untranslated];
}

/** Picks the text for the current language; English, recorded as untranslated, when it is missing. */
export function localize(text: { en: string } & Record<string, string>, part = 'a title'): string {
  const own = text[language()];
  if (own !== undefined) return own;
  if (language() !== 'en') untranslated.add(part);
  return text.en;
}

/** `<dir>/<lang>/<name>`, else the English file, recorded as untranslated. */
function languageFile(dir: string, name: string): string {
  const own = path.join(dir, language(), name);
  if (existsSync(own)) return own;
  if (language() !== 'en') untranslated.add(path.join(path.basename(dir), name));
  return path.join(dir, 'en', name);
}

export interface MistakeFixture extends FixtureManifest {
  id: string;
  dir: string;
}

export class Exercise {
  constructor(
    readonly manifest: ExerciseManifest,
    readonly dir: string,
  ) {}

  get id(): string {
    return this.manifest.id;
  }
  get title(): string {
    return localize(this.manifest.title, `${this.id} (title)`);
  }
  get starterDir(): string {
    return path.join(this.dir, 'starter');
  }
  get solutionDir(): string {
    return path.join(contentDirs.solutions, this.id);
  }
  get checkFiles(): string[] {
    const dir = path.join(this.dir, 'checks');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.check.ts'))
      .sort()
      .map((f) => path.join(dir, f));
  }

  private languageFile(name: string): string {
    return languageFile(this.dir, name);
  }
  hints(): string[] {
    return readContentFile(this.languageFile('hints.json'), hintsSchema);
  }
  feedback(): FeedbackCatalog {
    return readContentFile(this.languageFile('feedback.json'), feedbackSchema);
  }
  feedbackFile(): string {
    return this.languageFile('feedback.json');
  }
  mistakes(): MistakeFixture[] {
    const dir = path.join(this.dir, 'mistakes');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => statSync(path.join(dir, name)).isDirectory())
      .sort()
      .map((name) => ({ id: name, dir: path.join(dir, name), ...readContentFile(path.join(dir, name, 'fixture.json'), fixtureSchema) }));
  }
}

export class LessonEntry {
  constructor(
    readonly meta: Lesson,
    readonly dir: string,
  ) {}
  get id(): string {
    return this.meta.id;
  }
  get title(): string {
    return localize(this.meta.title, `${this.id} (title)`);
  }
  get summary(): string {
    return localize(this.meta.summary, `${this.id} (summary)`);
  }
  private languageFile(name: string): string {
    return languageFile(this.dir, name);
  }
  text(): string {
    return readFileSync(this.languageFile('lesson.md'), 'utf8');
  }
  quiz(): Quiz {
    return readContentFile(this.languageFile('quiz.json'), quizSchema);
  }
  hasQuiz(): boolean {
    return existsSync(this.languageFile('quiz.json'));
  }
}

/** Every lesson and exercise shipped in the package, validated, lessons in teaching order. */
export class Catalog {
  readonly lessons: LessonEntry[];
  readonly exercises: Exercise[];

  constructor(roots = contentDirs) {
    this.lessons = subdirs(roots.lessons)
      .map((dir) => new LessonEntry(readContentFile(path.join(dir, 'lesson.json'), lessonSchema), dir))
      .sort((a, b) => a.meta.order - b.meta.order);
    const exercises = new Map(
      subdirs(roots.exercises).map((dir) => {
        const manifest = readContentFile(path.join(dir, 'exercise.json'), exerciseSchema);
        return [manifest.id, new Exercise(manifest, dir)] as const;
      }),
    );
    // Exercises in the order their lessons teach them.
    this.exercises = this.lessons.flatMap((l) => l.meta.exercises.map((id) => exercises.get(id)).filter((e): e is Exercise => !!e));
    for (const [id, exercise] of exercises) {
      if (path.basename(exercise.dir) !== id) throw new UserError(t('error.contentInvalid', { file: path.join(exercise.dir, 'exercise.json'), problems: `id "${id}" differs from its folder name` }));
      if (!this.lessons.some((l) => l.id === exercise.manifest.lesson)) {
        throw new UserError(t('error.contentInvalid', { file: path.join(exercise.dir, 'exercise.json'), problems: `lesson: no lesson "${exercise.manifest.lesson}"` }));
      }
    }
  }

  exercise(id: string): Exercise {
    const found = this.exercises.find((e) => e.id === id);
    if (found) return found;
    throw unknownId('error.unknownExercise', id, this.exercises.map((e) => e.id));
  }

  lesson(id: string): LessonEntry {
    const found = this.lessons.find((l) => l.id === id);
    if (found) return found;
    throw unknownId('error.unknownLesson', id, this.lessons.map((l) => l.id));
  }

  lessonOf(exercise: Exercise): LessonEntry {
    return this.lesson(exercise.manifest.lesson);
  }

  /** The exercise after this one in teaching order, if any. */
  next(exercise: Exercise): Exercise | undefined {
    return this.exercises[this.exercises.indexOf(exercise) + 1];
  }

  /** Every content file parsed, so authors see all problems at once in dev verify and tests. */
  validateAll(): void {
    for (const lesson of this.lessons) {
      lesson.text();
      if (lesson.hasQuiz()) lesson.quiz();
    }
    for (const exercise of this.exercises) {
      exercise.hints();
      const feedback = exercise.feedback();
      for (const m of exercise.mistakes()) {
        if (!feedback[m.expect]) throw new UserError(t('error.contentInvalid', { file: path.join(m.dir, 'fixture.json'), problems: `expect: "${m.expect}" is not in ${exercise.feedbackFile()}` }));
      }
      for (const d of exercise.manifest.diagnoses) {
        if (!feedback[d.mistake]) throw new UserError(t('error.contentInvalid', { file: path.join(exercise.dir, 'exercise.json'), problems: `diagnoses: "${d.mistake}" is not in ${exercise.feedbackFile()}` }));
      }
    }
  }
}

function unknownId(key: 'error.unknownExercise' | 'error.unknownLesson', id: string, candidates: string[]): UserError {
  const suggestion = closestId(id, candidates);
  const lines = [t(key, { id })];
  lines.push(suggestion ? t('error.didYouMean', { id: suggestion }) : t('error.listHint'));
  return new UserError(lines.join(' '));
}

function subdirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => path.join(root, name))
    .filter((dir) => statSync(dir).isDirectory())
    .sort();
}
