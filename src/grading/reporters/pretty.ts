import type { ChalkInstance } from 'chalk';
import { t } from '../../i18n/messages';
import { wrapText } from '../../ui/wrap';
import { firstFailure, type CheckResult } from '../check-result';
import { foldFrameworkFrames } from './trim';

/** Log lines shown per service: all of them with --verbose, else the last few, framework frames folded. */
const LOG_TAIL_BRIEF = 8;

export interface PrettyOptions {
  /** Every log line and every stack frame (`check --verbose`); otherwise framework frames are folded. */
  verbose?: boolean;
}

/**
 * The human report, laid out for a 40-row terminal read from the bottom up: the checks, the services'
 * last log lines, the other failures in a line each, then the first failure with what was sent and
 * what came back, and last its cause and its fix, right above the verdict.
 */
export function renderPretty(result: CheckResult, style: ChalkInstance, width?: number, options: PrettyOptions = {}): string {
  const out: string[] = [];
  const seconds = (result.durationMs / 1000).toFixed(1);
  const graded = result.tests.filter((x) => x.status !== 'skip');
  const failed = graded.filter((x) => x.status === 'fail');
  for (const test of result.tests) {
    const mark = test.status === 'pass' ? style.green('✓') : test.status === 'fail' ? style.red('✗') : style.dim('-');
    out.push(`  ${mark} ${test.status === 'fail' ? style.red(test.name) : test.name}`);
  }
  out.push('');
  if (result.status === 'pass') {
    out.push(style.bold.green(t('check.passed', { id: result.exercise, passed: graded.length, total: graded.length, seconds })));
    return out.join('\n');
  }
  const fold = (count: number) => style.dim(`  ${t('check.framesFolded', { count })}`);
  const logs = Object.entries(result.logs);
  if (logs.length > 0) {
    for (const [service, log] of logs) {
      out.push(style.bold(`${t('check.logsOf', { service })}:`));
      const all = log ? log.split('\n') : [];
      const lines = options.verbose ? all : foldFrameworkFrames(all, fold);
      const shown = options.verbose ? lines : lines.slice(-LOG_TAIL_BRIEF);
      if (lines.length > shown.length) out.push(style.dim(`  [${service}] ${t('check.earlierLines', { count: lines.length - shown.length })}`));
      out.push(...(shown.length ? shown.map((l) => style.dim(`  [${service}] `) + l) : [style.dim(`  ${t('check.noLogs')}`)]));
    }
    out.push('');
  }
  const first = firstFailure(result);
  if (first) {
    const others = failed.filter((x) => x !== first);
    if (others.length > 0) {
      out.push(style.bold(`${t('check.otherFailures')}:`));
      for (const o of others) out.push(`  - ${o.name}: ${(o.message ?? '').split('\n')[0]}`);
      out.push('');
    }
    out.push(style.bold(`${t('check.firstFailure')}: ${first.name}`));
    const message = (first.message ?? '').split('\n');
    const lines = options.verbose ? message : foldFrameworkFrames(message, fold);
    const { before, cause, fix } = forReading(lines, first.mistake !== undefined);
    for (const line of before) out.push(wrapText(colorEvidence(line, style), width));
    if (cause.length > 0) out.push(style.red(wrapText(cause[0], width)));
    for (const line of cause.slice(1)) out.push(wrapText(colorEvidence(line, style), width));
    for (const line of fix) out.push(wrapText(colorEvidence(line, style), width));
  }
  const notRun = result.tests.length - graded.length;
  // Counted over every check of the exercise, those not run included: "1 of 9 failed, 5 not run after it".
  const verdict = notRun > 0 ? t('check.failedNotRun', { id: result.exercise, failed: failed.length, total: result.tests.length, notRun, seconds }) : t('check.failed', { id: result.exercise, failed: failed.length, total: graded.length, seconds });
  out.push('', style.bold.red(verdict));
  out.push(t('check.next', { id: result.exercise }));
  return out.join('\n');
}

const FIX = /^(Fix|Як виправити):/;
const MEANS = /^(This can mean|Це може означати):/;

/**
 * A failure's lines in reading order. A named mistake is written title, explanation, fix, then the
 * evidence (and what happened to the services); shown, the evidence comes first and the cause and the
 * fix last. A plain failure keeps its order (what was expected, then the evidence), with what the
 * symptom can mean moved last.
 */
function forReading(lines: string[], named: boolean): { before: string[]; cause: string[]; fix: string[] } {
  const fixAt = lines.findIndex((l) => FIX.test(l));
  if (named && fixAt > 0) return { before: lines.slice(fixAt + 1), cause: lines.slice(0, fixAt), fix: [lines[fixAt]] };
  return { before: [], cause: lines.filter((l) => !MEANS.test(l)), fix: lines.filter((l) => MEANS.test(l)) };
}

function colorEvidence(line: string, style: ChalkInstance): string {
  // The labels the harness writes, in every language of the course.
  if (/^(Fix|Як виправити):/.test(line)) return style.green(line);
  if (/^(sent|received|надіслано|отримано):/.test(line)) return style.cyan(line);
  if (MEANS.test(line)) return style.yellow(line);
  if (/^NestJS (said|каже):/.test(line)) return style.yellow(line);
  return line;
}

/** Where a check's time went, phase by phase on a time line (`check --timings`). */
export function renderTimings(result: CheckResult, style: ChalkInstance): string {
  const timings = result.timings ?? [];
  if (timings.length === 0) return '';
  const total = Math.max(result.durationMs, ...timings.map((p) => p.startMs + p.durationMs));
  const width = 40;
  const name = Math.max(...timings.map((p) => p.phase.length));
  const lines = [style.bold(t('check.timings', { seconds: (total / 1000).toFixed(2) }))];
  for (const p of timings) {
    const from = Math.round((p.startMs / total) * width);
    const bar = Math.max(1, Math.round((p.durationMs / total) * width));
    lines.push(`  ${p.phase.padEnd(name)}  ${String(p.startMs).padStart(6)} ms +${String(p.durationMs).padStart(6)} ms  ${' '.repeat(from)}${style.cyan('█'.repeat(bar))}`);
  }
  return lines.join('\n');
}
