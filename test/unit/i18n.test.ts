import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import { en } from '../../src/i18n/en/index';
import { language, setLanguage, t } from '../../src/i18n/messages';
import { tempDir } from '../support/cli';

const savedLang = process.env.LANG;
afterEach(() => {
  process.env.LANG = savedLang;
  setLanguage('en');
});

describe('choosing the language', () => {
  test('--lang wins over LANG, LANG over the default, and anything unsupported is English', () => {
    process.env.LANG = 'uk_UA.UTF-8';
    expect(setLanguage()).toBe('uk');
    expect(setLanguage('en')).toBe('en');
    process.env.LANG = 'C.UTF-8';
    expect(setLanguage()).toBe('en');
    expect(setLanguage('fr')).toBe('en');
  });

  test('a message not translated yet falls back to English, parameters filled in', () => {
    setLanguage('uk');
    expect(t('watch.checking', { id: 'tcp-basics' })).toBe('Checking tcp-basics…');
  });

  test('every message of the tutorial is in the English catalog', () => {
    for (const key of ['doctor.allGood', 'quiz.correct', 'watch.keys', 'menu.pickLesson', 'pager.more'] as const) expect(en[key]).toBeTruthy();
  });
});

test('lesson text comes from the folder of the chosen language, else English', () => {
  const root = tempDir();
  const lessonDir = path.join(root, 'lessons', 'demo');
  mkdirSync(path.join(lessonDir, 'en'), { recursive: true });
  mkdirSync(path.join(lessonDir, 'uk'), { recursive: true });
  writeFileSync(path.join(lessonDir, 'lesson.json'), JSON.stringify({ id: 'demo', order: 1, title: { en: 'Demo', uk: 'Демо' }, summary: { en: 'x' }, exercises: ['demo'] }));
  writeFileSync(path.join(lessonDir, 'en', 'lesson.md'), '# Hello\n');
  writeFileSync(path.join(lessonDir, 'uk', 'lesson.md'), '# Привіт\n');
  writeFileSync(path.join(lessonDir, 'en', 'quiz.json'), JSON.stringify([{ question: 'Q?', choices: ['a', 'b'], answer: [0], explanation: 'e' }]));
  const catalog = new Catalog({ lessons: path.join(root, 'lessons'), exercises: path.join(root, 'exercises'), solutions: path.join(root, 'solutions'), workspaceTemplate: '' });
  const lesson = catalog.lesson('demo');

  setLanguage('uk');
  expect(language()).toBe('uk');
  expect(lesson.text()).toContain('Привіт');
  expect(lesson.title).toBe('Демо');
  expect(lesson.quiz()[0].question).toBe('Q?');

  setLanguage('en');
  expect(lesson.text()).toContain('Hello');
});
