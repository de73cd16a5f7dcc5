import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import { contentDirs } from '../../src/paths';
import { renderQuizPlain } from '../../src/quiz/ask-quiz';
import { isCorrect, isMultipleChoice, runQuiz, shuffledChoices } from '../../src/quiz/quiz';
import type { Quiz } from '../../src/catalog/schema';
import { fixtureContent } from '../support/cli';

const quiz: Quiz = [
  { question: 'What does send() return?', kind: 'recall', choices: ['A Promise', 'A cold Observable', 'void'], answer: [1], explanation: 'send() is cold.' },
  { question: 'Which reach the handler?', kind: 'reasoning', choices: ['a', 'b', 'c'], answer: [0, 2], explanation: 'Keys are sorted.' },
];

describe('grading an answer', () => {
  test('one right answer', () => {
    expect(isCorrect(quiz[0], [1])).toBe(true);
    expect(isCorrect(quiz[0], [0])).toBe(false);
    expect(isMultipleChoice(quiz[0])).toBe(false);
  });

  test('several right answers must all be picked, and nothing else, in any order', () => {
    expect(isMultipleChoice(quiz[1])).toBe(true);
    expect(isCorrect(quiz[1], [2, 0])).toBe(true);
    expect(isCorrect(quiz[1], [0])).toBe(false);
    expect(isCorrect(quiz[1], [0, 1, 2])).toBe(false);
  });
});

test('every question is asked in order and explained right after its answer', async () => {
  const events: string[] = [];
  const score = await runQuiz(
    quiz,
    async (q, i) => {
      events.push(`ask ${i}`);
      return i === 0 ? [1] : [1];
    },
    (a, i) => events.push(`answered ${i} ${a.correct ? 'right' : 'wrong'}`),
  );
  expect(events).toEqual(['ask 0', 'answered 0 right', 'ask 1', 'answered 1 wrong']);
  expect(score).toEqual({ correct: 1, total: 2 });
});

test('the plain form lists every question and choice without revealing answers', () => {
  const catalog = new Catalog({ lessons: path.join(fixtureContent, 'lessons'), exercises: path.join(fixtureContent, 'exercises'), solutions: path.join(fixtureContent, 'solutions'), workspaceTemplate: contentDirs.workspaceTemplate });
  const text = renderQuizPlain(catalog.lesson('echo'));
  expect(text).toContain('1. What does echo return?');
  expect(text).toMatch(/^ {3}[ab]\) Its payload$/m);
  expect(text).toMatch(/^ {3}[ab]\) Nothing$/m);
  expect(text).not.toContain('It echoes.');
});

describe('shuffling the choices', () => {
  const question = { question: 'Q?', kind: 'recall' as const, choices: ['w', 'x', 'y', 'z'], answer: [2], explanation: 'e' };

  test('every choice is shown once and keeps its index in the file', () => {
    const shown = shuffledChoices(question);
    expect(shown.map((c) => c.index).sort()).toEqual([0, 1, 2, 3]);
    for (const c of shown) expect(c.text).toBe(question.choices[c.index]);
  });

  test('the right answer moves between runs', () => {
    const places = new Set(Array.from({ length: 200 }, () => shuffledChoices(question).findIndex((c) => c.index === 2)));
    expect([...places].sort()).toEqual([0, 1, 2, 3]);
  });
});
