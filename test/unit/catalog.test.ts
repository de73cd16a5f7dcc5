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

describe('services run as several instances', () => {
  const base = { id: 'fan', lesson: 'fan', title: { en: 'Fan' }, env: { P: { kind: 'port' } } };
  test('a service with "instances": 3 becomes name-1 … name-3, each in its group', async () => {
    const { exerciseSchema } = await import('../../src/catalog/schema');
    const manifest = exerciseSchema.parse({ ...base, services: [{ name: 'gateway', entry: 'g.ts', ready: { port: 'P' } }, { name: 'audit', entry: 'a.ts', instances: 3, ready: { log: 'up' } }] });
    expect(manifest.services.map((s) => [s.name, s.group])).toEqual([
      ['gateway', 'gateway'],
      ['audit-1', 'audit'],
      ['audit-2', 'audit'],
      ['audit-3', 'audit'],
    ]);
  });
  test('several instances cannot share a readiness port, and instance names cannot collide with services', async () => {
    const { exerciseSchema } = await import('../../src/catalog/schema');
    const byPort = exerciseSchema.safeParse({ ...base, services: [{ name: 'audit', entry: 'a.ts', instances: 2, ready: { port: 'P' } }] });
    expect(byPort.success).toBe(false);
    expect(JSON.stringify(byPort.error?.issues)).toMatch(/ready by a log line/);
    const clash = exerciseSchema.safeParse({ ...base, services: [{ name: 'audit', entry: 'a.ts', instances: 2, ready: { log: 'up' } }, { name: 'audit-2', entry: 'b.ts', ready: { log: 'up' } }] });
    expect(clash.success).toBe(false);
    expect(JSON.stringify(clash.error?.issues)).toMatch(/names must be unique/);
  });
});
