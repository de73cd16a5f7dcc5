import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ProgressStore } from '../../src/workspace/progress-store';
import { Workspace } from '../../src/workspace/workspace';
import { tempDir } from '../support/cli';

function store() {
  const workspace = new Workspace(tempDir());
  const warnings: string[] = [];
  return { workspace, warnings, store: new ProgressStore(workspace, (m) => warnings.push(m)) };
}

describe('ProgressStore', () => {
  test('records attempts and the current exercise', () => {
    const { store: s } = store();
    s.update('tcp-basics', (p) => (p.attempts += 1));
    s.update('tcp-basics', (p) => (p.attempts += 1));
    expect(s.read().exercises['tcp-basics'].attempts).toBe(2);
    expect(s.read().current).toBe('tcp-basics');
  });

  test('a progress file beyond the cap is set aside unread, and progress starts afresh', () => {
    const { store: s, warnings, workspace } = store();
    s.update('tcp-basics', (p) => (p.attempts = 1));
    // Valid JSON, padded past the cap: reading 100 MB took 25 s on every command.
    writeFileSync(s.file, JSON.stringify({ version: 1, exercises: {}, padding: 'x'.repeat(6 * 1024 * 1024) }));
    expect(s.read().exercises).toEqual({});
    expect(warnings[0]).toMatch(/it is 6 MB, beyond the 5 MB a progress file may take/);
    expect(readdirSync(workspace.stateDir).filter((f) => f.startsWith('progress.json.corrupt-'))).toHaveLength(1);
    s.update('tcp-basics', (p) => (p.attempts = 2));
    expect(s.read().exercises['tcp-basics'].attempts).toBe(2);
  });

  test('a corrupt progress file is set aside and reported, never a crash', () => {
    const { store: s, warnings, workspace } = store();
    s.update('tcp-basics', (p) => (p.attempts = 3));
    writeFileSync(s.file, '{ "version": 1, "exercises": { "tcp-basics": { "attempts": ');
    expect(s.read().exercises).toEqual({});
    expect(warnings[0]).toMatch(/could not be read/);
    const kept = readdirSync(workspace.stateDir).filter((f) => f.startsWith('progress.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(path.join(workspace.stateDir, kept[0]), 'utf8')).toContain('"attempts": ');
  });

  test('a hand-edited file with wrong types is recovered', () => {
    const { store: s, warnings } = store();
    s.update('x', () => undefined);
    writeFileSync(s.file, JSON.stringify({ version: 1, exercises: { x: { attempts: 'many' } } }));
    expect(s.exercise('x').attempts).toBe(0);
    expect(warnings[0]).toMatch(/exercises\.x\.attempts/);
    s.update('x', (p) => (p.attempts += 1));
    expect(JSON.parse(readFileSync(s.file, 'utf8')).exercises.x.attempts).toBe(1);
  });

  test('writes leave no temporary files behind', () => {
    const { store: s, workspace } = store();
    for (let i = 0; i < 5; i++) s.update('x', (p) => (p.attempts += 1));
    expect(readdirSync(workspace.stateDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(s.file)).toBe(true);
  });
});
