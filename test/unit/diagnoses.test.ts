/**
 * A named mistake must be named on evidence of its own, never on a symptom it shares with other
 * mistakes. For every exercise whose detectors live in checks/diagnoses.ts, this runs every detector
 * over the files of every mistake fixture (laid over the reference solution, as `dev verify` does)
 * and over the solution itself, with each symptom test/diagnoses/<id>.ts says the check can observe,
 * and asserts that only the fixture's own mistake (or nothing) is named. A detector loosened to a
 * shared symptom (a status code, a TypeError in the log) fires on another fixture or on the
 * solution, and this test fails.
 * Log-evidenced detectors get the logs a shared symptom leaves; their own NestJS line is proved by
 * `dev verify`, which runs the fixtures for real.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { detect, sceneOf, withoutComments, type Detector } from '../../src/harness/diagnose';
import type { Observations } from '../diagnoses/observations';

const root = path.resolve(__dirname, '../..');

/** Every exercise whose named mistakes live in checks/diagnoses.ts, with what its check can observe. */
const exercises = readdirSync(path.join(root, 'exercises'))
  .filter((id) => existsSync(path.join(root, 'exercises', id, 'checks', 'diagnoses.ts')))
  .sort();

async function load(id: string): Promise<{ detectors: Detector<unknown>[] } & Observations<unknown>> {
  const { detectors } = (await import(`../../exercises/${id}/checks/diagnoses`)) as { detectors: Detector<unknown>[] };
  const file = path.join(root, 'test', 'diagnoses', `${id}.ts`);
  if (!existsSync(file)) throw new Error(`exercises/${id}/checks/diagnoses.ts has no test/diagnoses/${id}.ts listing the symptoms its check can observe`);
  const { observations } = (await import(`../diagnoses/${id}`)) as { observations: Observations<unknown> };
  return { detectors, ...observations };
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The solution with a fixture's files laid over it, in a folder of its own. */
function materialise(id: string, mistake?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `lnm-diag-${id}-`));
  made.push(dir);
  cpSync(path.join(root, 'solutions', id), dir, { recursive: true });
  if (mistake) cpSync(path.join(root, 'exercises', id, 'mistakes', mistake), dir, { recursive: true, filter: (src) => path.basename(src) !== 'fixture.json' });
  return dir;
}

for (const id of exercises) {
  describe(`${id}: each named mistake only on its own evidence`, () => {
    const fixtures = readdirSync(path.join(root, 'exercises', id, 'mistakes')).sort();

    test('the reference solution is given no name, whatever the symptom', async () => {
      const { detectors, symptoms, sharedLogs } = await load(id);
      const dir = materialise(id);
      for (const wire of symptoms) expect(detect(detectors, sceneOf(dir, wire, sharedLogs)).map((f) => f.mistake), JSON.stringify(wire)).toEqual([]);
    });

    for (const fixture of fixtures) {
      test(`mistakes/${fixture}: no other mistake is named for any symptom`, async () => {
        const { detectors, symptoms, sharedLogs } = await load(id);
        const expected = (JSON.parse(readFileSync(path.join(root, 'exercises', id, 'mistakes', fixture, 'fixture.json'), 'utf8')) as { expect: string }).expect;
        const dir = materialise(id, fixture);
        const named = new Set<string>();
        for (const wire of symptoms) {
          const found = detect(detectors, sceneOf(dir, wire, sharedLogs)).map((f) => f.mistake);
          expect(found.filter((m) => m !== expected), `${fixture} named wrongly for ${JSON.stringify(wire)}`).toEqual([]);
          found.forEach((m) => named.add(m));
        }
        // A detector whose evidence is in the source must find its own fixture (log-evidenced ones are proved by dev verify).
        const own = detectors.find((d) => d.mistake === expected);
        if (own && !own.logsOf) expect([...named], `${fixture} should be named ${expected} for one of the symptoms`).toContain(expected);
      });
    }
  });
}

describe('every named mistake of the course goes through the diagnosis layer', () => {
  const all = readdirSync(path.join(root, 'exercises')).filter((id) => existsSync(path.join(root, 'exercises', id, 'exercise.json'))).sort();

  test('no hidden suite names a mistake itself: it asks its detectors (checks/diagnoses.ts)', () => {
    const direct: string[] = [];
    for (const id of all) {
      const dir = path.join(root, 'exercises', id, 'checks');
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.check.ts'))) {
        const code = withoutComments(readFileSync(path.join(dir, file), 'utf8'));
        code.split('\n').forEach((line, i) => {
          if (/(^|[^\w.])mistake\s*\(/.test(line)) direct.push(`exercises/${id}/checks/${file}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(direct).toEqual([]);
  });

  test("every fixture's mistake has a detector, or an exercise.json diagnosis for a service that never gets going", async () => {
    const orphans: string[] = [];
    for (const id of all) {
      const manifest = JSON.parse(readFileSync(path.join(root, 'exercises', id, 'exercise.json'), 'utf8')) as { diagnoses?: { mistake: string }[] };
      const named = existsSync(path.join(root, 'exercises', id, 'checks', 'diagnoses.ts'))
        ? ((await import(`../../exercises/${id}/checks/diagnoses`)) as { detectors: Detector<unknown>[] }).detectors.map((d) => d.mistake)
        : [];
      const mistakesDir = path.join(root, 'exercises', id, 'mistakes');
      for (const fixture of existsSync(mistakesDir) ? readdirSync(mistakesDir).sort() : []) {
        const { expect: expected } = JSON.parse(readFileSync(path.join(mistakesDir, fixture, 'fixture.json'), 'utf8')) as { expect: string };
        const inManifest = (manifest.diagnoses ?? []).some((d) => d.mistake === expected);
        const inDetectors = named.includes(expected);
        if (!inManifest && !inDetectors) orphans.push(`${id}/mistakes/${fixture} (expects ${expected})`);
      }
    }
    expect(orphans).toEqual([]);
  });
});
