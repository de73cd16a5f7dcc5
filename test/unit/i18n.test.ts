import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Catalog, untranslatedParts } from '../../src/catalog/catalog';
import { chooseLanguage } from '../../src/cli/language';
import { en } from '../../src/i18n/en/index';
import { language, setLanguage, t } from '../../src/i18n/messages';
import { Workspace } from '../../src/workspace/workspace';
import { tempDir } from '../support/cli';

afterEach(() => {
  setLanguage('en');
});

describe('choosing the language', () => {
  const workspaceWith = (settings: Record<string, unknown>, files: Record<string, string> = {}) => {
    const ws = new Workspace(tempDir());
    ws.ensure();
    writeFileSync(path.join(ws.root, 'learn-nest-micro.json'), JSON.stringify({ version: 1, brokers: {}, ...settings }));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(ws.root, name), text);
    return ws.root;
  };

  test('--lang, then the workspace, then its assignment, then LC_ALL / LANG, then English', () => {
    const plain = workspaceWith({});
    const ukrainian = workspaceWith({ language: 'uk' });
    const assigned = workspaceWith({ assignment: 'week.json' }, { 'week.json': JSON.stringify({ version: 1, exercises: [{ id: 'tcp-basics', points: 1 }], language: 'uk' }) });
    expect(chooseLanguage(['--lang', 'en', '--dir', ukrainian], { LANG: 'uk_UA.UTF-8' })).toBe('en');
    expect(chooseLanguage(['list', '--lang=uk', '--dir', plain], {})).toBe('uk');
    expect(chooseLanguage(['--dir', ukrainian], { LANG: 'en_US.UTF-8' })).toBe('uk');
    expect(chooseLanguage(['--dir', assigned], { LANG: 'en_US.UTF-8' })).toBe('uk');
    expect(chooseLanguage(['--dir', plain], { LANG: 'en_US.UTF-8', LC_ALL: 'uk_UA.UTF-8' })).toBe('uk');
    expect(chooseLanguage(['--dir', plain], { LANG: 'uk_UA.UTF-8' })).toBe('uk');
    expect(chooseLanguage(['--dir', plain], { LANG: 'de_DE.UTF-8' })).toBe('en');
    expect(chooseLanguage(['--dir', plain], {})).toBe('en');
  });

  test('a language the course does not have is refused, naming the ones it has', () => {
    for (const lang of ['fr', 'xx', 'ukrainian', '']) expect(() => chooseLanguage(['--lang', lang], {})).toThrow(/Choose one of: en, uk/);
    expect(() => chooseLanguage(['--dir', workspaceWith({ language: 'fr' })], {})).toThrow(/learn-nest-micro\.json: .*"fr"/);
  });

  test('messages are in the chosen language, parameters filled in, plurals by the language’s rules', () => {
    setLanguage('uk');
    expect(t('watch.checking', { id: 'tcp-basics' })).toContain('tcp-basics');
    expect(t('watch.checking', { id: 'tcp-basics' })).not.toBe('Checking tcp-basics…');
    setLanguage('en');
    expect(t('check.typeErrors', { count: 1 })).toBe('TypeScript reports 1 error in your code:');
    expect(t('check.typeErrors', { count: 3 })).toBe('TypeScript reports 3 errors in your code:');
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

  // The quiz has no Ukrainian file: shown in English, and said so.
  expect(untranslatedParts()).toContain(path.join('demo', 'quiz.json'));

  setLanguage('en');
  expect(lesson.text()).toContain('Hello');
});

test('a message’s pattern recognises its formatted text in every language, plural blocks included', async () => {
  const { messagePattern } = await import('../../src/i18n/messages');
  for (const lang of ['en', 'uk'] as const) {
    expect(messagePattern('check.serviceNotReady', lang).test(t('check.serviceNotReady', { service: 'math', seconds: 30, ready: 'listening on MATH_PORT=1' }, lang))).toBe(true);
    expect(messagePattern('check.failed', lang).test(t('check.failed', { id: 'echo', failed: 1, total: 5, seconds: '1.0' }, lang))).toBe(true);
    expect(messagePattern('check.failed', lang).test(t('check.passed', { id: 'echo', passed: 5, total: 5, seconds: '1.0' }, lang))).toBe(false);
  }
});
