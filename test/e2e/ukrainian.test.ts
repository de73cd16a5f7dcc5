import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import { t, type MessageKey } from '../../src/i18n/messages';
import { cli, repoRoot, tempDir } from '../support/cli';
import { Terminal } from '../support/terminal';

const terminals: Terminal[] = [];
afterAll(() => {
  for (const term of terminals) term.close();
});

const uk = (key: MessageKey, params: Record<string, string | number> = {}) => t(key, params, 'uk');
const json = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8'));
/** The first words of a text: enough to find it on a screen that wraps long lines. */
const start = (text: string) => text.replace(/[`*_]/g, '').split(/\s+/).slice(0, 3).join(' ');

/** Moves the cursor of an @inquirer select to the choice showing `label`, then picks it. */
async function choose(term: Terminal, label: string): Promise<void> {
  const highlighted = () => term.screen().split('\n').reverse().find((line) => line.includes('❯')) ?? '';
  for (let i = 0; i < 30; i++) {
    const current = highlighted();
    if (current.includes(label)) {
      term.press('Enter');
      return;
    }
    term.press('Down');
    // Wait for the cursor to move before looking again: on a busy machine the screen lags the keys.
    const deadline = Date.now() + 3000;
    while (highlighted() === current && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no choice "${label}" on the screen:\n${term.screen()}`);
}

test('start --lang uk: the menu, a lesson, a failing check, a hint and a quiz question, all in Ukrainian', async () => {
  const catalog = new Catalog();
  const lesson = catalog.lesson('tcp-basics');
  const ws = tempDir();
  const term = new Terminal(['start', '--lang', 'uk'], { cwd: ws, cols: 120, rows: 50 });
  terminals.push(term);
  // A first attempt that fails and is retried is otherwise invisible in the run's output: show the screen.
  try {
    await walkThrough(term, lesson);
  } catch (error) {
    console.error(`start --lang uk failed at: ${(error as Error).message}\nThe terminal showed:\n${term.screen()}`);
    throw error;
  }
}, 400_000);

/** The menu, a lesson, a failing check, a hint and a quiz question, reading Ukrainian on each screen. */
async function walkThrough(term: Terminal, lesson: ReturnType<Catalog['lesson']>): Promise<void> {
  const menu = await term.waitFor(uk('menu.pickLesson'));
  expect(menu).toContain(lesson.meta.title.uk);
  expect(menu).toContain(start(uk('menu.language', { language: uk('i18n.languageName') })));

  // The lesson's own text, from its Ukrainian file.
  term.press('Enter');
  const heading = /^# (.+)$/m.exec(readFileSync(path.join(lesson.dir, 'uk', 'lesson.md'), 'utf8'))![1].replace(/[`*_]/g, '');
  await term.waitFor(heading);
  term.press('q');
  await term.waitFor('що далі?');

  // Get the exercise, then check the starter: it fails, and says so in Ukrainian.
  await choose(term, start(uk('menu.action.scaffold', { dir: '' })));
  await term.waitFor(uk('scaffold.files'));
  await choose(term, uk('menu.action.check'));
  const checked = await term.waitFor(uk('check.firstFailure'), 180_000);
  expect(checked).not.toContain('First failure');

  // A hint, from the exercise's Ukrainian hints.
  await term.waitFor('що далі?');
  await choose(term, uk('menu.action.hint'));
  const hints = json('exercises/tcp-basics/uk/hints.json') as string[];
  await term.waitFor(uk('hint.header', { n: 1, total: hints.length, id: 'tcp-basics' }));
  // The header and the hint are painted by separate writes: wait for the hint itself, not the header's screen.
  await term.waitFor(start(hints[0]));

  // The quiz's first question and its explanation, in Ukrainian.
  await term.waitFor('що далі?');
  await choose(term, uk('menu.action.quiz'));
  const quiz = json('lessons/tcp-basics/uk/quiz.json') as { question: string; explanation: string }[];
  await term.waitFor(start(quiz[0].question));
  term.press(' ');
  term.press('Enter');
  await term.waitFor(new RegExp(`${uk('quiz.correct').replace('.', '\\.')}|${start(uk('quiz.wrong', { answer: '' }))}`));
  await term.waitFor(start(quiz[0].explanation));

  term.press('C-c');
  expect(await term.exitCode()).toBe(130);
  expect(term.screen()).not.toMatch(/Pick a lesson|what next\?|First failure/);
  await term.noProcessLeft();
}

test('check --reporter json keeps its keys and values in every language; only the texts change', async () => {
  const ws = tempDir();
  expect((await cli(['scaffold', 'tcp-basics', '--dir', ws])).exitCode).toBe(0);
  const shape = (report: Record<string, unknown>) => ({
    keys: Object.keys(report).sort(),
    status: report.status,
    tests: (report.tests as { status: string; mistake?: string }[]).map((x) => ({ keys: Object.keys(x).sort(), status: x.status, mistake: x.mistake })),
  });
  const english = await cli(['check', 'tcp-basics', '--dir', ws, '--reporter', 'json']);
  const ukrainian = await cli(['--lang', 'uk', 'check', 'tcp-basics', '--dir', ws, '--reporter', 'json']);
  expect(english.exitCode).toBe(1);
  expect(ukrainian.exitCode).toBe(1);
  const [en, ua] = [JSON.parse(english.stdout), JSON.parse(ukrainian.stdout)];
  expect(shape(ua)).toEqual(shape(en));
  const failing = (report: { tests: { status: string; message?: string }[] }) => report.tests.find((x) => x.status === 'fail')!.message!;
  expect(failing(ua)).not.toBe(failing(en));
  expect(failing(ua)).toMatch(/[а-яіїєґ]/i);
}, 300_000);

test('start’s menu switches the course to Ukrainian and the workspace remembers it for every later command', async () => {
  const ws = tempDir();
  expect((await cli(['scaffold', 'tcp-basics', '--dir', ws])).exitCode).toBe(0);
  const term = new Terminal(['start', '--dir', ws], { cwd: ws, cols: 120, rows: 50 });
  terminals.push(term);
  await term.waitFor(t('menu.pickLesson', {}, 'en'));
  await choose(term, start(t('menu.language', { language: 'English' }, 'en')));
  await term.waitFor(t('menu.pickLanguage', {}, 'en'));
  await choose(term, uk('i18n.languageName'));
  await term.waitFor(uk('menu.languageSaved', { language: uk('i18n.languageName') }));
  await term.waitFor(uk('menu.pickLesson'));
  term.press('C-c');
  expect(await term.exitCode()).toBe(130);
  expect(JSON.parse(readFileSync(path.join(ws, 'learn-nest-micro.json'), 'utf8')).language).toBe('uk');

  // Later commands in that workspace speak Ukrainian without --lang; --lang still wins.
  expect((await cli(['hint', 'tcp-basics', '--dir', ws])).stdout).toContain(start(uk('hint.header', { n: 1, total: 5, id: 'tcp-basics' })));
  expect((await cli(['--lang', 'en', 'list', '--dir', ws])).stdout).toContain('TCP basics');
}, 300_000);

test('a language the course does not have is exit 2, naming the ones it has', async () => {
  for (const lang of ['fr', 'xx']) {
    const r = await cli(['--lang', lang, 'list']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`There is no language "${lang}" in this course. Choose one of: en, uk.`);
  }
});
