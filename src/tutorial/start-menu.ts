import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { Catalog, LessonEntry } from '../catalog/catalog';
import type { BrokerName } from '../catalog/schema';
import { UserError } from '../errors';
import { language, setLanguage, supportedLanguages, t, type Language } from '../i18n/messages';
import { brokerLabels, probeBroker } from '../runner/broker-probe';
import { renderMarkdown } from '../ui/markdown';
import { readingWidth, showPaged } from '../ui/pager';
import { progressBar } from '../ui/progress-bar';
import { fileLink } from '../ui/style';
import type { Progress } from '../workspace/progress-store';
import { listFiles } from '../workspace/scaffold';
import type { Workspace } from '../workspace/workspace';
import { availableEditors, openInEditor } from './editor';
import { runServicesUntilQuit } from './run-services';

export type LessonStatus = 'passed' | 'in-progress' | 'not-started';

/** What the menu shows of one lesson. */
export interface LessonLine {
  lesson: LessonEntry;
  status: LessonStatus;
  /** Brokers the lesson needs that did not answer. */
  unreachable: BrokerName[];
  /** The last quiz score, if the quiz was taken. */
  quiz?: { correct: number; total: number };
}

export interface TutorialOptions {
  catalog: Catalog;
  workspace: Workspace;
  style: ChalkInstance;
  color: boolean;
  out: (text?: string) => void;
  progress: () => Progress;
  /** Runs one of the tool's commands in this process, e.g. ['check', 'tcp-basics', '--dir', root]. */
  run: (args: string[]) => Promise<{ exitCode: number; error?: UserError }>;
}

type LessonAction = 'scaffold' | 'editor' | 'files' | 'watch' | 'check' | 'hint' | 'quiz' | 'solution' | 'reset' | 'run' | 'read' | 'next' | 'back';
const REPEATABLE = new Set<LessonAction>(['watch', 'check', 'hint', 'run']);
/** The menu entry that switches the language (no lesson id can take this value: ids are kebab-case). */
const LANGUAGE_CHOICE = ':language';

/** Every broker any lesson needs, probed at once with a short timeout: the menu must open quickly. */
export async function reachableBrokers(catalog: Catalog, workspace: Workspace, timeoutMs = 800): Promise<Set<BrokerName>> {
  const needed = new Set(catalog.lessons.flatMap((l) => brokersOf(catalog, l)));
  const up = new Set<BrokerName>();
  await Promise.all(
    [...needed].map(async (broker) => {
      if ((await probeBroker(broker, workspace.brokerUrl(broker), timeoutMs)).ok) up.add(broker);
    }),
  );
  return up;
}

function brokersOf(catalog: Catalog, lesson: LessonEntry): BrokerName[] {
  const fromExercises = lesson.meta.exercises.flatMap((id) => catalog.exercises.find((e) => e.id === id)?.manifest.brokers ?? []);
  return [...new Set([...lesson.meta.brokers, ...fromExercises])];
}

/** A lesson to show next, and whether its text is still to be read (watch may have shown it already). */
interface LessonScreen {
  lesson: LessonEntry;
  read: boolean;
}

/** Each lesson with its status: passed when all its exercises passed, in progress once one was started. */
export function lessonLines(catalog: Catalog, workspace: Workspace, progress: Progress, up: Set<BrokerName>): LessonLine[] {
  return catalog.lessons.map((lesson) => {
    const ids = lesson.meta.exercises.filter((id) => catalog.exercises.some((e) => e.id === id));
    const passed = ids.filter((id) => progress.exercises[id]?.passedAt);
    const started = ids.some((id) => workspace.has(id) || (progress.exercises[id]?.attempts ?? 0) > 0);
    const status: LessonStatus = ids.length > 0 && passed.length === ids.length ? 'passed' : passed.length > 0 || started ? 'in-progress' : 'not-started';
    return { lesson, status, unreachable: brokersOf(catalog, lesson).filter((b) => !up.has(b)), quiz: progress.exercises[lesson.id]?.quiz };
  });
}

/** Where to pick up: the lesson worked on last unless passed, else the first one not passed. */
export function resumeLesson(catalog: Catalog, lines: LessonLine[], progress: Progress): string | undefined {
  const current = progress.current ? catalog.lessons.find((l) => l.meta.exercises.includes(progress.current!) || l.id === progress.current) : undefined;
  const currentLine = current && lines.find((l) => l.lesson === current);
  if (currentLine && currentLine.status !== 'passed') return currentLine.lesson.id;
  return (lines.find((l) => l.status !== 'passed') ?? lines[0])?.lesson.id;
}

/**
 * The interactive course: a menu of the lessons with their status, and for a lesson its text and
 * what can be done with its exercise. Every action is the tool's own command, run in this process.
 * Resolves when the learner quits; Ctrl-C at a prompt rejects with inquirer's ExitPromptError.
 */
export class StartMenu {
  private up = new Set<BrokerName>();

  constructor(private readonly options: TutorialOptions) {}

  async run(): Promise<void> {
    const { select, Separator } = await import('@inquirer/prompts');
    const { catalog, workspace, style: s, out } = this.options;
    out(s.bold(t('start.intro')));
    const welcomeBack = this.options.progress().current;
    if (welcomeBack) out(t('menu.welcomeBack', { id: welcomeBack }));
    for (;;) {
      // Probed each time the list is shown: a broker started meanwhile shows up at once.
      this.up = await reachableBrokers(catalog, workspace);
      const progress = this.options.progress();
      const lines = lessonLines(catalog, workspace, progress, this.up);
      const passed = catalog.exercises.filter((e) => progress.exercises[e.id]?.passedAt).length;
      out();
      out(`${t('watch.progress')} ${progressBar(passed, catalog.exercises.length, s, 24, t('watch.progressUnit', { total: catalog.exercises.length }))}  ${s.dim(t('start.workspace', { dir: workspace.root }))}`);
      const choice = await select<string>({
        message: t('menu.pickLesson'),
        pageSize: Math.max(8, lines.length + 3),
        default: resumeLesson(catalog, lines, progress),
        choices: [
          ...lines.map((line) => ({ name: this.lessonLabel(line), value: line.lesson.id, description: line.lesson.summary })),
          new Separator(),
          { name: t('menu.language', { language: t('i18n.languageName') }), value: LANGUAGE_CHOICE },
          { name: t('menu.quit'), value: '' },
        ],
      });
      if (!choice) {
        out(t('menu.bye'));
        return;
      }
      if (choice === LANGUAGE_CHOICE) {
        await this.switchLanguage();
        continue;
      }
      let screen: LessonScreen | undefined = { lesson: catalog.lesson(choice), read: true };
      while (screen) screen = await this.lessonScreen(screen.lesson, screen.read);
    }
  }

  /** Lets the learner pick the course's language and remembers it in the workspace (learn-nest-micro.json). */
  private async switchLanguage(): Promise<void> {
    const { select } = await import('@inquirer/prompts');
    const chosen = await select<Language>({
      message: t('menu.pickLanguage'),
      default: language(),
      choices: supportedLanguages.map((lang) => ({ name: t('i18n.languageName', {}, lang), value: lang })),
    });
    setLanguage(chosen);
    this.options.workspace.ensure();
    this.options.workspace.saveSettings({ language: chosen });
    this.options.out(t('menu.languageSaved', { language: t('i18n.languageName') }));
  }

  private lessonLabel(line: LessonLine): string {
    const s = this.options.style;
    const mark = line.status === 'passed' ? s.green('✓') : line.status === 'in-progress' ? s.yellow('…') : ' ';
    const status = line.status === 'passed' ? s.green(t('list.status.passed')) : line.status === 'in-progress' ? s.yellow(t('list.status.inProgress')) : s.dim(t('list.status.notStarted'));
    const needs = line.unreachable.length > 0 ? ' ' + s.red(t('menu.brokerDown', { brokers: line.unreachable.map((b) => brokerLabels[b]).join(', ') })) : '';
    const quiz = line.quiz ? ` ${s.dim('·')} ${t('menu.quizScore', { correct: line.quiz.correct, total: line.quiz.total })}` : '';
    return `${mark} ${String(line.lesson.meta.order).padStart(2)}. ${line.lesson.title} ${s.dim('·')} ${status}${quiz}${needs}`;
  }

  /** Shows the lesson (unless it was just shown), then its actions until "back" (undefined) or another lesson to go to. */
  private async lessonScreen(lesson: LessonEntry, read = true): Promise<LessonScreen | undefined> {
    const { select, confirm } = await import('@inquirer/prompts');
    const { catalog, workspace, style: s, out } = this.options;
    if (read) await this.read(lesson);
    let last: LessonAction | undefined;
    for (;;) {
      const progress = this.options.progress();
      const ids = lesson.meta.exercises.filter((id) => catalog.exercises.some((e) => e.id === id));
      const id = ids.find((x) => !progress.exercises[x]?.passedAt) ?? ids[0];
      if (!id) return undefined;
      const exercise = catalog.exercise(id);
      const scaffolded = workspace.has(id);
      const passed = Boolean(progress.exercises[id]?.passedAt);
      const next = catalog.next(exercise);
      const nextLesson = next ? catalog.lessonOf(next) : undefined;
      const actions: { value: LessonAction; name: string }[] = [
        ...(!scaffolded ? [{ value: 'scaffold' as const, name: t('menu.action.scaffold', { dir: workspace.exerciseDir(id) }) }] : []),
        ...(scaffolded
          ? [
              { value: 'watch' as const, name: t('menu.action.watch') },
              { value: 'check' as const, name: t('menu.action.check') },
              ...(availableEditors().length > 0 ? [{ value: 'editor' as const, name: t('menu.action.editor') }] : []),
              { value: 'files' as const, name: t('menu.action.files') },
            ]
          : []),
        { value: 'hint', name: t('menu.action.hint') },
        ...(lesson.hasQuiz() ? [{ value: 'quiz' as const, name: t('menu.action.quiz') }] : []),
        { value: 'solution', name: passed ? t('menu.action.solution') : t('menu.action.solutionLocked') },
        ...(scaffolded ? [{ value: 'reset' as const, name: t('menu.action.reset') }, { value: 'run' as const, name: t('menu.action.run') }] : []),
        { value: 'read', name: t('menu.action.read') },
        ...(passed && nextLesson && nextLesson !== lesson ? [{ value: 'next' as const, name: t('menu.action.next', { id: nextLesson.id }) }] : []),
        { value: 'back', name: t('menu.action.back') },
      ];
      const status = passed ? s.green(t('list.status.passed')) : scaffolded ? s.yellow(t('list.status.inProgress')) : s.dim(t('list.status.notStarted'));
      // A lesson with several exercises works through them in order; say which one is up.
      const title = ids.length > 1 ? t('menu.exerciseOf', { lesson: lesson.title, exercise: exercise.title, n: ids.indexOf(id) + 1, total: ids.length }) : lesson.title;
      out();
      const action = await select<LessonAction>({
        message: t('menu.pickAction', { title, status }),
        pageSize: actions.length,
        // Asking for another hint or checking again is the likely next step; a reset or a solution is not.
        default: passed && nextLesson && nextLesson !== lesson ? 'next' : last && REPEATABLE.has(last) && actions.some((a) => a.value === last) ? last : scaffolded ? 'watch' : 'scaffold',
        choices: actions,
      });
      last = action;
      const args = (...rest: string[]) => [...rest, '--dir', workspace.root];
      switch (action) {
        case 'back':
          return undefined;
        case 'next':
          return nextLesson && { lesson: nextLesson, read: true };
        case 'read':
          await this.read(lesson);
          break;
        case 'scaffold':
          if (await this.command(args('scaffold', id))) await this.offerEditor(id);
          break;
        case 'editor':
          await this.offerEditor(id);
          break;
        case 'files':
          this.printFiles(id);
          break;
        case 'watch': {
          await this.command(args('watch', id));
          // Watch's n may have moved on to a later lesson (showing it there): q comes back to that one.
          const current = this.options.progress().current;
          const now = current && catalog.exercises.some((e) => e.id === current) ? catalog.lessonOf(catalog.exercise(current)) : undefined;
          if (now && now !== lesson) return { lesson: now, read: false };
          break;
        }
        case 'check':
          await this.command(args('check', id));
          break;
        case 'hint':
          await this.command(args('hint', id));
          break;
        case 'quiz':
          await this.command(args('quiz', lesson.id));
          break;
        case 'solution':
          // The command asks before showing an unearned solution, and respects an assignment's rules.
          await this.command(args('solution', id));
          break;
        case 'reset':
          if (await confirm({ message: t('menu.confirmReset', { id }), default: false })) await this.command(args('reset', id));
          break;
        case 'run':
          out(s.dim(t('menu.runQuit')));
          await this.guard(() => runServicesUntilQuit({ workspace, exercise, style: s, out, color: this.options.color }));
          break;
      }
    }
  }

  private async read(lesson: LessonEntry): Promise<void> {
    const text = renderMarkdown(lesson.text(), { width: readingWidth(), color: this.options.color });
    await showPaged(text);
  }

  /** Runs a command, shows its learner-facing error if it ends with one; true when it succeeded. */
  private async command(args: string[]): Promise<boolean> {
    const outcome = await this.options.run(args);
    if (outcome.error) this.showError(outcome.error);
    return !outcome.error;
  }

  private async guard(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      this.showError(error);
    }
  }

  private showError(error: UserError): void {
    this.options.out(this.options.style.red(error.message));
    if (error.options.hint) this.options.out(error.options.hint);
  }

  private printFiles(id: string): void {
    const dir = this.options.workspace.exerciseDir(id);
    this.options.out(t('scaffold.files'));
    for (const file of listFiles(dir)) this.options.out(`  ${fileLink(path.join(dir, file), path.join(dir, file), this.options.color)}`);
  }

  private async offerEditor(id: string): Promise<void> {
    const editors = availableEditors();
    if (editors.length === 0) return;
    const { select } = await import('@inquirer/prompts');
    const choice = await select<number>({
      message: t('menu.openIn'),
      choices: [...editors.map((e, i) => ({ name: e.label, value: i })), { name: t('menu.notNow'), value: -1 }],
      default: -1,
    });
    if (choice < 0) return;
    const dir = this.options.workspace.exerciseDir(id);
    const exercise = this.options.catalog.exercise(id);
    const entries = exercise.manifest.services.map((x) => x.entry).filter((f, i, all) => all.indexOf(f) === i);
    openInEditor(editors[choice], dir, entries);
  }
}
