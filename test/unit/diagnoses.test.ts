/**
 * A named mistake must be named on evidence of its own, never on a symptom it shares with other
 * mistakes. For every exercise whose detectors live in checks/diagnoses.ts, this runs every detector
 * over the files of every mistake fixture (laid over the reference solution, as `dev verify` does)
 * and over the solution itself, with each symptom the check can observe, and asserts that only the
 * fixture's own mistake (or nothing) is named. A detector loosened to a shared symptom (a status code,
 * a TypeError in the log) fires on another fixture or on the solution, and this test fails.
 * Log-evidenced detectors get the logs a shared symptom leaves; their own NestJS line is proved by
 * `dev verify`, which runs the fixtures for real.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { detect, sceneOf, type Detector } from '../../src/harness/diagnose';

const root = path.resolve(__dirname, '../..');

interface Case<W> {
  detectors: Detector<W>[];
  /** Every observation the check can report, each shared by several mistakes. */
  symptoms: W[];
  /** Logs a crash leaves whatever the cause (shared symptoms, never one mistake's own line). */
  sharedLogs: Record<string, string>;
}

const cases: Record<string, () => Promise<Case<unknown>>> = {
  'grpc-streams': async () => {
    const { detectors } = await import('../../exercises/grpc-streams/checks/diagnoses');
    const UNKNOWN = 2, INTERNAL = 13, UNIMPLEMENTED = 12, UNAVAILABLE = 14;
    const symptoms = [
      ...(['Sum', 'Squares', 'RunningSum'] as const).flatMap((rpc) => [
        { kind: 'call-error', rpc, code: UNAVAILABLE, details: 'No connection established', request: 'values' },
        { kind: 'call-error', rpc, code: UNIMPLEMENTED, details: 'The server does not implement the method', request: 'values' },
        { kind: 'call-error', rpc, code: UNKNOWN, details: 'Internal server error', request: 'empty' },
        { kind: 'call-error', rpc, code: UNKNOWN, details: 'Internal server error', request: 'negative' },
        { kind: 'call-error', rpc, code: INTERNAL, details: 'Error serializing response: .math.Value#value is not an integer', request: 'values' },
      ]),
      { kind: 'sum-reply', reply: { running_total: 0 } },
      { kind: 'sum-reply', reply: {} },
      { kind: 'after-cancel', settled: 3, later: 40, total: 40 },
      { kind: 'after-cancel', settled: 10, later: 17, total: 40 },
    ];
    const sharedLogs = {
      math: [
        "ERROR [RpcExceptionsHandler] Cannot read properties of undefined (reading 'find')",
        "TypeError: Cannot read properties of undefined (reading 'reduce')",
        'TypeError: Reduce of empty array with no initial value',
        // What NestJS writes for a proto with a syntax error: the same words as a wrong path, with no path.
        'ERROR [Server] illegal token \'}\' (math.proto, line 9)',
        'The invalid .proto definition (file at "undefined" not found)',
      ].join('\n'),
    };
    return { detectors: detectors as Detector<unknown>[], symptoms, sharedLogs };
  },
};

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

for (const [id, load] of Object.entries(cases)) {
  describe(`${id}: each named mistake only on its own evidence`, () => {
    const fixtures = readdirSync(path.join(root, 'exercises', id, 'mistakes')).sort();

    test('the reference solution is given no name, whatever the symptom', async () => {
      const { detectors, symptoms, sharedLogs } = await load();
      const dir = materialise(id);
      for (const wire of symptoms) expect(detect(detectors, sceneOf(dir, wire, sharedLogs)).map((f) => f.mistake), JSON.stringify(wire)).toEqual([]);
    });

    for (const fixture of fixtures) {
      test(`mistakes/${fixture}: no other mistake is named for any symptom`, async () => {
        const { detectors, symptoms, sharedLogs } = await load();
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
