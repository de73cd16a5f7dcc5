import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import { contentDirs } from '../../src/paths';
import { lessonLines, resumeLesson } from '../../src/tutorial/start-menu';
import type { Progress } from '../../src/workspace/progress-store';
import { Workspace } from '../../src/workspace/workspace';
import { fixtureContent, tempDir } from '../support/cli';

/** The fixture lessons (echo, echo-twice), with echo-twice needing RabbitMQ. */
function catalog(): Catalog {
  const root = tempDir();
  cpSync(fixtureContent, root, { recursive: true });
  const file = path.join(root, 'lessons', 'echo-twice', 'lesson.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), brokers: ['rabbitmq'] }));
  return new Catalog({ lessons: path.join(root, 'lessons'), exercises: path.join(root, 'exercises'), solutions: path.join(root, 'solutions'), workspaceTemplate: contentDirs.workspaceTemplate });
}

const progress = (p: Partial<Progress> = {}): Progress => ({ version: 1, exercises: {}, ...p });

test('a lesson is not started, in progress once scaffolded, passed once its exercise passed', () => {
  const c = catalog();
  const workspace = new Workspace(tempDir());
  const up = new Set(['rabbitmq'] as const);
  expect(lessonLines(c, workspace, progress(), up).map((l) => l.status)).toEqual(['not-started', 'not-started']);
  mkdirSync(workspace.exerciseDir('echo'));
  expect(lessonLines(c, workspace, progress(), up)[0].status).toBe('in-progress');
  const passed = progress({ exercises: { echo: { attempts: 1, passes: 1, hintsUsed: 0, solutionViewed: false, passedAt: '2026-01-01T00:00:00Z', quiz: { correct: 1, total: 1, at: 'x' } } } });
  const [echo] = lessonLines(c, workspace, passed, up);
  expect(echo.status).toBe('passed');
  expect(echo.quiz).toMatchObject({ correct: 1, total: 1 });
});

test('a lesson whose broker did not answer says so', () => {
  const c = catalog();
  const lines = lessonLines(c, new Workspace(tempDir()), progress(), new Set());
  expect(lines.map((l) => [l.lesson.id, l.unreachable])).toEqual([
    ['echo', []],
    ['echo-twice', ['rabbitmq']],
  ]);
});

test('the menu resumes at the lesson worked on last, or the first one not passed', () => {
  const c = catalog();
  const workspace = new Workspace(tempDir());
  const up = new Set<'rabbitmq'>();
  expect(resumeLesson(c, lessonLines(c, workspace, progress(), up), progress())).toBe('echo');
  const working = progress({ current: 'echo-twice' });
  expect(resumeLesson(c, lessonLines(c, workspace, working, up), working)).toBe('echo-twice');
  const record = { attempts: 1, passes: 1, hintsUsed: 0, solutionViewed: false, passedAt: 'x' };
  const donePrevious = progress({ current: 'echo', exercises: { echo: record } });
  expect(resumeLesson(c, lessonLines(c, workspace, donePrevious, up), donePrevious)).toBe('echo-twice');
});
