import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import { feedbackSchema, hintsSchema, quizSchema } from '../../src/catalog/schema';
import { catalogs, supportedLanguages, type MessageKey } from '../../src/i18n/messages';

// No silent fallback: every part of the course exists in every language, with the same parameters,
// the same code and the same quiz answers. An author who ships a partial language fails here first.
const catalog = new Catalog();
const others = supportedLanguages.filter((l) => l !== 'en');
const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** The names of a message's parameters, and of its plural arguments, as ICU reads them. */
function parameters(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) into.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      into.add(el.value);
      for (const option of Object.values(el.options)) parameters(option.value, into);
    }
  }
  return into;
}

describe('the tool’s messages', () => {
  const keys = Object.keys(catalogs.en) as MessageKey[];

  test.each(others)('%s has every key, with the English parameters, and each message formats', (lang) => {
    expect(Object.keys(catalogs[lang]).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const ours = parameters(parse(catalogs.en[key], { ignoreTag: true }));
      const theirs = parameters(parse(catalogs[lang][key], { ignoreTag: true }));
      expect([...theirs].sort(), `${lang} ${key}`).toEqual([...ours].sort());
      const values = Object.fromEntries([...ours].map((p) => [p, 3]));
      for (const n of [1, 2, 5, 21]) {
        const formatted = String(new IntlMessageFormat(catalogs[lang][key], lang, undefined, { ignoreTag: true }).format({ ...values, ...Object.fromEntries([...ours].map((p) => [p, n])) }));
        expect(formatted, `${lang} ${key}`).not.toMatch(/\{|\}/);
      }
    }
  });

  test('Ukrainian messages use the Ukrainian apostrophe and the plural forms one, few and many', () => {
    for (const [key, message] of Object.entries(catalogs.uk)) {
      // An ASCII apostrophe inside a Ukrainian word is a typo for ʼ (and ICU reads ' as a quote).
      expect(message, key).not.toMatch(/[а-яіїєґ]'[а-яіїєґ]/i);
      for (const el of parse(message, { ignoreTag: true })) {
        if (el.type === TYPE.plural) expect(Object.keys(el.options), key).toEqual(expect.arrayContaining(['one', 'few', 'many', 'other']));
      }
    }
  });

  test('a plural picks the right Ukrainian form: 1 перевірка, 2 перевірки, 5 перевірок, 21 перевірка', () => {
    const format = new IntlMessageFormat('{n, plural, one {# перевірка} few {# перевірки} many {# перевірок} other {# перевірки}}', 'uk');
    expect([1, 2, 5, 11, 21, 22].map((n) => format.format({ n }))).toEqual(['1 перевірка', '2 перевірки', '5 перевірок', '11 перевірок', '21 перевірка', '22 перевірки']);
  });
});

/** A lesson's code blocks and hidden frames, with comments removed: they must not differ between languages. */
function codeOf(markdown: string): string[] {
  // A recorded trace's diagram is drawn in each language from its own recording (test/unit/lesson-traces.test.ts).
  const withoutTraces = markdown.replace(/<!-- trace: [^\n]* -->\n```text\n[\s\S]*?```\n<!-- \/trace -->/g, '<!-- trace -->');
  const blocks = [...withoutTraces.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => `${m[1]}\n${m[2]}`);
  const frames = [...markdown.matchAll(/<!--\s*(snippet-[\s\S]*?)-->/g)].map((m) => m[1]);
  const withoutComments = (code: string) =>
    code
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
      .replace(/^(\s*)#(?!!).*$/gm, '$1')
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() !== '')
      .join('\n');
  return [...blocks, ...frames].map(withoutComments);
}

describe.each(others)('the course in %s', (lang) => {
  test.each(catalog.lessons.map((l) => l.id))('lesson %s: text, title, summary and quiz, with the same code and answers', (id) => {
    const lesson = catalog.lesson(id);
    expect(lesson.meta.title[lang], 'lesson.json title').toBeTruthy();
    expect(lesson.meta.summary[lang], 'lesson.json summary').toBeTruthy();
    const english = readFileSync(path.join(lesson.dir, 'en', 'lesson.md'), 'utf8');
    const translated = path.join(lesson.dir, lang, 'lesson.md');
    expect(existsSync(translated), translated).toBe(true);
    expect(codeOf(readFileSync(translated, 'utf8'))).toEqual(codeOf(english));
    const enQuiz = quizSchema.parse(json(path.join(lesson.dir, 'en', 'quiz.json')));
    const quiz = quizSchema.parse(json(path.join(lesson.dir, lang, 'quiz.json')));
    expect(quiz.map((q) => ({ kind: q.kind, answer: q.answer, choices: q.choices.length }))).toEqual(enQuiz.map((q) => ({ kind: q.kind, answer: q.answer, choices: q.choices.length })));
  });

  test.each(catalog.exercises.map((e) => e.id))('exercise %s: title, hints, feedback and the texts of its checks', (id) => {
    const exercise = catalog.exercise(id);
    expect(exercise.manifest.title[lang], 'exercise.json title').toBeTruthy();
    const hints = (l: string) => hintsSchema.parse(json(path.join(exercise.dir, l, 'hints.json')));
    expect(hints(lang).length).toBe(hints('en').length);
    const feedback = (l: string) => feedbackSchema.parse(json(path.join(exercise.dir, l, 'feedback.json')));
    expect(Object.keys(feedback(lang)).sort()).toEqual(Object.keys(feedback('en')).sort());
    // Every name and message a suite shows goes through say({ en, uk }), never a bare string.
    for (const file of readdirSync(path.join(exercise.dir, 'checks')).filter((f) => f.endsWith('.check.ts'))) {
      const source = readFileSync(path.join(exercise.dir, 'checks', file), 'utf8');
      const bare = [...source.matchAll(/\b(test|describe|fail)\(\s*(['"`])/g)].map((m) => source.slice(m.index, m.index + 70).split('\n')[0]);
      expect(bare, `${file}: texts not written with say({ en, ${lang} })`).toEqual([]);
      // Each say({ … }) names the language before the next one starts.
      for (const [i, text] of source.split('say({').slice(1).entries()) expect(text, `${file}: say #${i + 1}`).toMatch(new RegExp(`\\b${lang}:`));
    }
  });
});
