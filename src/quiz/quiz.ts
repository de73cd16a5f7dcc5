import type { Quiz } from '../catalog/schema';

export type QuizQuestion = Quiz[number];

export interface QuizAnswer {
  question: QuizQuestion;
  chosen: number[];
  correct: boolean;
}

export interface QuizScore {
  correct: number;
  total: number;
}

/** A question with more than one right answer is asked with checkboxes. */
export function isMultipleChoice(question: QuizQuestion): boolean {
  return question.answer.length > 1;
}

export interface ShownChoice {
  text: string;
  /** The choice's index in the quiz file, which answers are given in. */
  index: number;
}

/**
 * The choices in a fresh random order (Fisher-Yates), so that an answer's place in the list tells
 * nothing and a second attempt cannot be answered by position.
 */
export function shuffledChoices(question: QuizQuestion, random: () => number = Math.random): ShownChoice[] {
  const shown = question.choices.map((text, index) => ({ text, index }));
  for (let i = shown.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shown[i], shown[j]] = [shown[j], shown[i]];
  }
  return shown;
}

/** Right when exactly the correct choices were picked, in any order. */
export function isCorrect(question: QuizQuestion, chosen: readonly number[]): boolean {
  const wanted = new Set(question.answer);
  const picked = new Set(chosen);
  return wanted.size === picked.size && [...wanted].every((a) => picked.has(a));
}

/**
 * Asks every question in order through `ask` (a prompt, or a script in tests), reports each answer
 * as soon as it is given, and returns the score.
 */
export async function runQuiz(quiz: Quiz, ask: (question: QuizQuestion, index: number) => Promise<number[]>, onAnswer: (answer: QuizAnswer, index: number) => void = () => undefined): Promise<QuizScore> {
  let correct = 0;
  for (const [index, question] of quiz.entries()) {
    const chosen = await ask(question, index);
    const answer = { question, chosen, correct: isCorrect(question, chosen) };
    if (answer.correct) correct += 1;
    onAnswer(answer, index);
  }
  return { correct, total: quiz.length };
}
