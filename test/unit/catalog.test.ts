import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import { tempDir } from '../support/cli';

describe('the shipped content', () => {
  test('every lesson, exercise, hint, quiz and feedback file validates', () => {
    const catalog = new Catalog();
    catalog.validateAll();
    expect(catalog.lessons.map((l) => l.id).slice(0, 1)).toEqual(['tcp-basics']);
    for (const exercise of catalog.exercises) {
      expect(exercise.checkFiles.length, `${exercise.id} has a hidden suite`).toBeGreaterThan(0);
      expect(exercise.hints().length).toBeGreaterThanOrEqual(3);
      expect(exercise.mistakes().length, `${exercise.id} has mistake fixtures`).toBeGreaterThan(0);
    }
  });
});

describe('content validation', () => {
  function contentWith(exercise: object) {
    const root = tempDir();
    mkdirSync(path.join(root, 'lessons', 'demo'), { recursive: true });
    writeFileSync(path.join(root, 'lessons', 'demo', 'lesson.json'), JSON.stringify({ id: 'demo', order: 1, title: { en: 'Demo' }, summary: { en: 'x' }, exercises: ['demo'] }));
    mkdirSync(path.join(root, 'exercises', 'demo'), { recursive: true });
    writeFileSync(path.join(root, 'exercises', 'demo', 'exercise.json'), JSON.stringify(exercise));
    return { lessons: path.join(root, 'lessons'), exercises: path.join(root, 'exercises'), solutions: path.join(root, 'solutions'), workspaceTemplate: '' };
  }

  test('an error names the file and the field', () => {
    const roots = contentWith({ id: 'demo', lesson: 'demo', title: { en: 'Demo' }, services: [{ name: 'svc', entry: 'main.ts', ready: { port: 'NOT_DECLARED' } }] });
    expect(() => new Catalog(roots)).toThrow(/exercise\.json.*services\.0\.ready\.port: NOT_DECLARED is not declared as a port/);
  });

  test('an exercise pointing at a missing lesson is rejected', () => {
    const roots = contentWith({ id: 'demo', lesson: 'nope', title: { en: 'Demo' }, services: [{ name: 'svc', entry: 'main.ts', ready: { log: 'started' } }] });
    expect(() => new Catalog(roots)).toThrow(/lesson: no lesson "nope"/);
  });

  test('paths outside the exercise folder are rejected', () => {
    const roots = contentWith({ id: 'demo', lesson: 'demo', title: { en: 'Demo' }, services: [{ name: 'svc', entry: '../../etc/passwd', ready: { log: 'x' } }] });
    expect(() => new Catalog(roots)).toThrow(/services\.0\.entry: must be a path inside the exercise folder/);
  });
});
