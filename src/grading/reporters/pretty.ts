import type { ChalkInstance } from 'chalk';
import { t } from '../../i18n/messages';
import { wrapText } from '../../ui/wrap';
import { firstFailure, type CheckResult } from '../check-result';

const LOG_TAIL = 40;

/** The human report: the first failure in full, then the rest in a line each, then the services' logs. */
export function renderPretty(result: CheckResult, style: ChalkInstance, width?: number): string {
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
  const first = firstFailure(result);
  if (first) {
    out.push(style.bold(`${t('check.firstFailure')}: ${first.name}`));
    const [title, ...rest] = (first.message ?? '').split('\n');
    out.push(style.red(wrapText(title, width)));
    for (const line of rest) out.push(wrapText(colorEvidence(line, style), width));
    const others = failed.filter((x) => x !== first);
    if (others.length > 0) {
      out.push('', style.bold(`${t('check.otherFailures')}:`));
      for (const o of others) out.push(`  - ${o.name}: ${(o.message ?? '').split('\n')[0]}`);
    }
  }
  const logs = Object.entries(result.logs);
  if (logs.length > 0) {
    out.push('');
    for (const [service, log] of logs) {
      out.push(style.bold(`${t('check.logsOf', { service })}:`));
      const lines = log ? log.split('\n') : [];
      const shown = lines.slice(-LOG_TAIL);
      if (lines.length > shown.length) out.push(style.dim(`  [${service}] … ${lines.length - shown.length} earlier lines`));
      out.push(...(shown.length ? shown.map((l) => style.dim(`  [${service}] `) + l) : [style.dim(`  ${t('check.noLogs')}`)]));
    }
  }
  const notRun = result.tests.length - graded.length;
  // Counted over every check of the exercise, those not run included: "1 of 9 failed, 5 not run after it".
  const verdict = notRun > 0 ? t('check.failedNotRun', { id: result.exercise, failed: failed.length, total: result.tests.length, notRun, seconds }) : t('check.failed', { id: result.exercise, failed: failed.length, total: graded.length, seconds });
  out.push('', style.bold.red(verdict));
  out.push(t('check.next', { id: result.exercise }));
  return out.join('\n');
}

function colorEvidence(line: string, style: ChalkInstance): string {
  // The labels the harness writes, in every language of the course.
  if (/^(Fix|Як виправити):/.test(line)) return style.green(line);
  if (/^(sent|received|надіслано|отримано):/.test(line)) return style.cyan(line);
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
