import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog';
import type { CheckResult } from '../grading/check-result';
import { firstFailure } from '../grading/check-result';
import { runCheck } from '../grading/run-check';
import { t } from '../i18n/messages';
import { Workspace } from '../workspace/workspace';
import { lessonTexts, measureOverlap } from './overlap';

export interface VerifyOutcome {
  exercise: string;
  case: string;
  ok: boolean;
  expected: string;
  got: string;
  durationMs: number;
  result: CheckResult;
}

/**
 * The author's proof for one exercise: its starter fails, its reference solution passes, and each
 * mistake fixture fails with its intended mistake as the first failure.
 */
export interface VerifyOptions {
  /** The exercise's lesson folder: its text must not hand over the solution (checked for every exercise). */
  lessonDir?: string;
  /** Type-check the lesson's snippets too (once per lesson, with its first exercise). */
  snippets?: boolean;
  /** Only the content cases (overlap, snippets): no services are started. */
  contentOnly?: boolean;
}

export async function verifyExercise(exercise: Exercise, onOutcome: (o: VerifyOutcome) => void = () => undefined, options: VerifyOptions = {}): Promise<VerifyOutcome[]> {
  const { lessonDir } = options;
  const root = mkdtempSync(path.join(os.tmpdir(), `lnm-verify-${exercise.id}-`));
  const workspace = new Workspace(root);
  workspace.ensure();
  const outcomes: VerifyOutcome[] = [];
  const run = async (name: string, layers: string[], judge: (r: CheckResult) => { ok: boolean; expected: string; got: string }) => {
    const dir = path.join(root, name);
    for (const layer of layers) cpSync(layer, dir, { recursive: true, filter: (src) => path.basename(src) !== 'fixture.json' });
    const result = await runCheck({ workspace, exercise, exerciseDir: dir });
    const outcome = { exercise: exercise.id, case: name, durationMs: result.durationMs, result, ...judge(result) };
    outcomes.push(outcome);
    onOutcome(outcome);
  };
  const describe = (r: CheckResult) => {
    const f = firstFailure(r);
    return r.status === 'pass' ? 'pass' : `fail at "${f?.name}"${f?.mistake ? ` as ${f.mistake}` : ' (no known mistake)'}`;
  };
  try {
    if (lessonDir) {
      const outcome = verifyOverlap(exercise, lessonDir);
      outcomes.push(outcome);
      onOutcome(outcome);
    }
    if (lessonDir && options.snippets) {
      const outcome = await verifySnippets(exercise, lessonDir, workspace);
      outcomes.push(outcome);
      onOutcome(outcome);
    }
    if (options.contentOnly) return outcomes;
    await run('starter', [exercise.starterDir], (r) => ({ ok: r.status === 'fail', expected: 'fail', got: describe(r) }));
    await run('solution', [exercise.solutionDir], (r) => ({ ok: r.status === 'pass', expected: 'pass', got: describe(r) }));
    for (const m of exercise.mistakes()) {
      await run(`mistake-${m.id}`, [exercise.solutionDir, m.dir], (r) => ({
        ok: r.status === 'fail' && firstFailure(r)?.mistake === m.expect,
        expected: `fail as ${m.expect}`,
        got: describe(r),
      }));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return outcomes;
}

/** The lesson (every language) shows at most a few of the solution's non-trivial lines (see overlap.ts). */
export function verifyOverlap(exercise: Exercise, lessonDir: string): VerifyOutcome {
  const started = Date.now();
  const contentRoot = path.dirname(path.dirname(lessonDir));
  const report = measureOverlap(exercise.solutionDir, lessonTexts(lessonDir), exercise.starterDir);
  const durationMs = Date.now() - started;
  const name = t('verify.overlap');
  const got = t('verify.overlapGot', { shared: report.shared.length, total: report.solutionLines });
  const message = [
    t('verify.overlapFailed', { shared: report.shared.length, total: report.solutionLines, allowed: report.allowed }),
    ...report.shared.map((s) => `  ${path.relative(contentRoot, s.lesson)}  =  solutions/${exercise.id}/${s.solution}\n    ${s.line}`),
  ].join('\n');
  return {
    exercise: exercise.id,
    case: 'overlap',
    ok: report.ok,
    expected: t('verify.overlapExpected', { allowed: report.allowed }),
    got,
    durationMs,
    result: {
      exercise: exercise.id,
      status: report.ok ? 'pass' : 'fail',
      durationMs,
      tests: [report.ok ? { name, status: 'pass', durationMs } : { name, status: 'fail', durationMs, message }],
      logs: {},
      timedOut: false,
    },
  };
}

/** Every TypeScript snippet of the exercise's lesson compiles, in every language (see snippets.ts). */
async function verifySnippets(exercise: Exercise, lessonDir: string, workspace: Workspace): Promise<VerifyOutcome> {
  const started = Date.now();
  // Loaded here, not at start-up: the TypeScript compiler alone takes ~0.4 s to load, every command would pay it.
  const { checkSnippets, extractSnippets } = await import('./snippets.js');
  const problems: string[] = [];
  for (const file of lessonTexts(lessonDir)) {
    const lang = path.basename(path.dirname(file));
    const found = await checkSnippets(extractSnippets(readFileSync(file, 'utf8')), path.join(workspace.root, `snippets-${lang}`), path.join(workspace.root, 'tsconfig.json'));
    problems.push(...found.map((p) => `${file}:${p.line}: ${p.message}`));
  }
  const ok = problems.length === 0;
  const durationMs = Date.now() - started;
  const name = t('verify.snippets');
  return {
    exercise: exercise.id,
    case: 'snippets',
    ok,
    expected: 'every snippet compiles',
    got: ok ? 'every snippet compiles' : `${problems.length} error(s)`,
    durationMs,
    result: { exercise: exercise.id, status: ok ? 'pass' : 'fail', durationMs, tests: [ok ? { name, status: 'pass', durationMs } : { name, status: 'fail', durationMs, message: problems.join('\n') }], logs: {}, timedOut: false },
  };
}

export function verifyCaseLabel(o: VerifyOutcome): string {
  if (o.case === 'snippets') return t('verify.snippets');
  if (o.case === 'overlap') return t('verify.overlap');
  if (o.case === 'starter') return t('verify.starter');
  if (o.case === 'solution') return t('verify.solution');
  return t('verify.mistake', { mistake: o.case.replace(/^mistake-/, '') });
}
