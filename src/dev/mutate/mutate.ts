/**
 * `dev mutate`: measures an exercise's hidden suite by running it on mutants of the reference
 * solution (one small change each, see operators.ts). A mutant the check fails is killed; one it
 * passes survived, which means the suite cannot tell that change from a correct solution, unless the
 * change cannot alter behaviour (an equivalent mutant, recorded with its reason in the exercise's
 * mutants.json). Mutants TypeScript rejects are counted apart: the type check, not the suite, stops them.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import type { Exercise } from '../../catalog/catalog';
import { firstFailure, type CheckResult } from '../../grading/check-result';
import { runCheck } from '../../grading/run-check';
import { t } from '../../i18n/messages';
import { listFiles } from '../../workspace/scaffold';
import { Workspace } from '../../workspace/workspace';
import { applyEdits, mutationsOf, type Mutation } from './operators';

export type MutantStatus = 'killed' | 'survived' | 'equivalent' | 'type-error' | 'timeout';

export interface MutantOutcome {
  operator: string;
  file: string;
  line: number;
  description: string;
  diff: string;
  status: MutantStatus;
  /** The first failing check's name, and the named mistake it reported (killed mutants). */
  failure?: string;
  mistake?: string;
  /** Why an equivalent mutant cannot change behaviour (from mutants.json). */
  reason?: string;
  durationMs: number;
}

const equivalentsSchema = z.strictObject({
  equivalent: z
    .array(
      z.strictObject({
        operator: z.string().min(1),
        file: z.string().min(1),
        line: z.number().int().positive(),
        /** Part of the mutant's description, when one line has several mutants of the operator. */
        match: z.string().optional(),
        reason: z.string().min(10),
      }),
    )
    .default([]),
});
export type Equivalents = z.infer<typeof equivalentsSchema>['equivalent'];

/** The exercise's recorded equivalent mutants (exercises/<id>/mutants.json), validated. */
export function loadEquivalents(exercise: Exercise): Equivalents {
  const file = path.join(exercise.dir, 'mutants.json');
  if (!existsSync(file)) return [];
  const parsed = equivalentsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.equivalent;
}

export interface PlannedMutant extends Mutation {
  file: string;
  original: string;
  mutated: string;
}

/** Every mutant of the exercise's reference solution (its TypeScript files), in file order. */
export function planMutants(exercise: Exercise, only?: string[]): PlannedMutant[] {
  const planned: PlannedMutant[] = [];
  for (const file of listFiles(exercise.solutionDir).filter((f) => f.endsWith('.ts'))) {
    const original = readFileSync(path.join(exercise.solutionDir, file), 'utf8');
    for (const m of mutationsOf(file, original, only)) planned.push({ ...m, file, original, mutated: applyEdits(original, m.edits) });
  }
  return planned;
}

export interface MutateOptions {
  only?: string[];
  /** Checks run at once (each starts the exercise's services). */
  jobs?: number;
  onStart?: (total: number) => void;
  onMutant?: (outcome: MutantOutcome, done: number, total: number) => void;
}

export interface MutationReport {
  exercise: string;
  outcomes: MutantOutcome[];
  killed: number;
  survived: number;
  equivalent: number;
  typeErrors: number;
  checks: number;
  durationMs: number;
}

export async function mutateExercise(exercise: Exercise, options: MutateOptions = {}): Promise<MutationReport> {
  const started = Date.now();
  const equivalents = loadEquivalents(exercise);
  const planned = planMutants(exercise, options.only);
  options.onStart?.(planned.length);
  const root = mkdtempSync(path.join(os.tmpdir(), `lnm-mutate-${exercise.id}-`));
  const workspace = new Workspace(root);
  workspace.ensure();
  const outcomes: MutantOutcome[] = new Array(planned.length);
  let next = 0;
  let done = 0;
  try {
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= planned.length) return;
        const mutant = planned[i];
        const dir = path.join(root, `mutant-${i}`);
        cpSync(exercise.solutionDir, dir, { recursive: true });
        writeFileSync(path.join(dir, mutant.file), mutant.mutated);
        const result = await runCheck({ workspace, exercise, exerciseDir: dir });
        rmSync(dir, { recursive: true, force: true });
        outcomes[i] = judge(mutant, result, equivalents);
        options.onMutant?.(outcomes[i], ++done, planned.length);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.jobs ?? 2) }, worker));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const count = (status: MutantStatus) => outcomes.filter((o) => o.status === status).length;
  return {
    exercise: exercise.id,
    outcomes,
    killed: count('killed') + count('timeout'),
    survived: count('survived'),
    equivalent: count('equivalent'),
    typeErrors: count('type-error'),
    checks: planned.length,
    durationMs: Date.now() - started,
  };
}

const TYPESCRIPT_CHECK = () => t('check.name.typescript');

function judge(mutant: PlannedMutant, result: CheckResult, equivalents: Equivalents): MutantOutcome {
  const base = {
    operator: mutant.operator,
    file: mutant.file,
    line: mutant.line,
    description: mutant.description,
    diff: createTwoFilesPatch(mutant.file, mutant.file, mutant.original, mutant.mutated, '', '', { context: 1 }).split('\n').slice(2).join('\n').trim(),
    durationMs: result.durationMs,
  };
  if (result.status === 'pass') {
    const known = equivalents.find((e) => e.operator === mutant.operator && e.file === mutant.file && e.line === mutant.line && (!e.match || mutant.description.includes(e.match)));
    return known ? { ...base, status: 'equivalent', reason: known.reason } : { ...base, status: 'survived' };
  }
  if (result.timedOut) return { ...base, status: 'timeout' };
  const failed = result.tests.filter((x) => x.status === 'fail');
  // TypeScript rejects it: a learner would be told of the type error, not of behaviour.
  if (failed.some((x) => x.name === TYPESCRIPT_CHECK())) return { ...base, status: 'type-error', failure: failed[0]?.message?.split('\n')[1]?.trim() };
  const first = firstFailure(result);
  return { ...base, status: 'killed', failure: first?.name, mistake: first?.mistake };
}

/** K/N: killed of killed and survived; equivalents and type errors are counted apart. */
export function score(report: Pick<MutationReport, 'killed' | 'survived'>): string {
  const total = report.killed + report.survived;
  return total === 0 ? '—' : `${Math.round((100 * report.killed) / total)}%`;
}
