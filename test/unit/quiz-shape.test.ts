import { expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import type { Quiz } from '../../src/catalog/schema';

// The course's quizzes must not be answerable without the lesson: by position, by length, or by
// an explanation that points at a letter once the choices are shuffled.
const catalog = new Catalog();
const quizzes = catalog.lessons.filter((l) => l.hasQuiz()).map((l) => ({ id: l.id, quiz: l.quiz() as Quiz }));
const questions = quizzes.flatMap(({ id, quiz }) => quiz.map((q, i) => ({ where: `${id} question ${i + 1}`, ...q })));

test('every lesson has a quiz of at least six questions, at least half of them asking for reasoning', () => {
  expect(quizzes.map((q) => q.id).sort()).toEqual(catalog.lessons.map((l) => l.id).sort());
  for (const { id, quiz } of quizzes) {
    expect(quiz.length, id).toBeGreaterThanOrEqual(6);
    expect(quiz.filter((q) => q.kind === 'reasoning').length * 2, `${id}: reasoning questions`).toBeGreaterThanOrEqual(quiz.length);
  }
});

test('the right answer is spread over the places in the list', () => {
  const single = questions.filter((q) => q.answer.length === 1);
  const counts = new Map<number, number>();
  for (const q of single) counts.set(q.answer[0], (counts.get(q.answer[0]) ?? 0) + 1);
  // Every place of a three-choice question holds some right answers, and none holds most of them.
  for (const place of [0, 1, 2]) expect(counts.get(place) ?? 0, `answers at index ${place}`).toBeGreaterThan(0);
  for (const [place, n] of counts) expect(n / single.length, `share of answers at index ${place}`).toBeLessThanOrEqual(0.45);
});

test('the right answer is the longest choice in no more than about a third of the questions', () => {
  const longest = questions.filter((q) => {
    const lengths = q.choices.map((c) => c.length);
    const max = Math.max(...lengths);
    return q.answer.some((a) => lengths[a] === max) && lengths.filter((l) => l === max).length === 1;
  });
  expect(longest.length / questions.length, `right answer is the longest in: ${longest.map((q) => q.where).join(', ')}`).toBeLessThanOrEqual(0.35);
});

test('no explanation points at a choice by its letter or place, which shuffling changes', () => {
  const byPlace = /\b(option|choice|answer)\s+\(?[a-d]\)?(?![\w'-])|\([a-d]\)|\b(first|second|third|fourth|last)\s+(option|choice|answer)\b/i;
  for (const q of questions) expect(q.explanation, q.where).not.toMatch(byPlace);
});

test('every question has distinct choices and at least three of them', () => {
  for (const q of questions) {
    expect(q.choices.length, q.where).toBeGreaterThanOrEqual(3);
    expect(new Set(q.choices).size, q.where).toBe(q.choices.length);
  }
});
