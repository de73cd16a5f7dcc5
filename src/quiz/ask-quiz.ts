import type { ChalkInstance } from 'chalk';
import type { LessonEntry } from '../catalog/catalog';
import { t } from '../i18n/messages';
import { renderMarkdown } from '../ui/markdown';
import { readingWidth } from '../ui/pager';
import { isMultipleChoice, runQuiz, shuffledChoices, type QuizQuestion, type QuizScore } from './quiz';

/** The questions as plain text, for a pipe or CI: nothing is asked, nothing is revealed (choices shuffled, as when asked). */
export function renderQuizPlain(lesson: LessonEntry): string {
  const quiz = lesson.quiz();
  const lines = [t('quiz.plainHeader', { id: lesson.id, count: quiz.length }), ''];
  quiz.forEach((q, i) => {
    lines.push(`${i + 1}. ${q.question}${isMultipleChoice(q) ? ` ${t('quiz.multipleHint')}` : ''}`);
    shuffledChoices(q).forEach((choice, c) => lines.push(`   ${String.fromCharCode(97 + c)}) ${choice.text}`));
    lines.push('');
  });
  lines.push(t('quiz.plainFooter', { id: lesson.id }));
  return lines.join('\n');
}

/**
 * Asks the lesson's questions at the terminal (a list for one answer, checkboxes for several),
 * explains each answer at once, and returns the score. Ctrl-C rejects with inquirer's ExitPromptError.
 */
export async function askQuiz(lesson: LessonEntry, style: ChalkInstance, out: (text?: string) => void, color = false): Promise<QuizScore> {
  const { select, checkbox } = await import('@inquirer/prompts');
  const quiz = lesson.quiz();
  out(style.bold(t('quiz.header', { title: lesson.title, count: quiz.length })));
  const ask = async (q: QuizQuestion, index: number): Promise<number[]> => {
    const message = `${t('quiz.questionOf', { n: index + 1, total: quiz.length })} ${q.question}`;
    const choices = shuffledChoices(q).map(({ text, index }) => ({ name: text, value: index }));
    if (isMultipleChoice(q)) return checkbox({ message: `${message} ${style.dim(t('quiz.multipleHint'))}`, choices, required: true });
    return [await select({ message, choices })];
  };
  const score = await runQuiz(quiz, ask, ({ question, correct }) => {
    if (correct) out(style.green(`✓ ${t('quiz.correct')}`));
    else out(style.red(`✗ ${t('quiz.wrong', { answer: question.answer.map((a) => question.choices[a]).join('; ') })}`));
    out(renderMarkdown(question.explanation, { width: readingWidth(), color }).trimEnd());
    out();
  });
  out(style.bold(t('quiz.score', { correct: score.correct, total: score.total })));
  return score;
}
