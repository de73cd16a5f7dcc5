import type { ChalkInstance } from 'chalk';
import { t } from '../i18n/messages';
import type { Trace } from './model';
import { renderSequence } from './render-terminal';
import { findTest, numberedTests } from './render-common';

export interface ShowOptions {
  style: ChalkInstance;
  width: number;
  /** One test: its number or (part of) its name. */
  test?: string;
  /** Every message, not only those of the failing test. */
  all?: boolean;
}

/**
 * A trace as the terminal shows it after a check or by `trace`: the messages of the failing test when
 * there is one (that is where to look), else of the whole check; then how to see more.
 */
export function showTrace(trace: Trace, options: ShowOptions): string {
  const { style: s, width } = options;
  const lines: string[] = [];
  let test = options.test;
  if (test !== undefined) {
    const found = findTest(trace, test);
    if (found) lines.push(s.bold(t('trace.ofTest', { name: found.test.name })));
  } else if (!options.all) {
    const failing = numberedTests(trace).find((x) => x.test.status === 'fail');
    if (failing) {
      test = String(failing.number);
      lines.push(s.bold(t('trace.failingTest', { name: failing.test.name })));
    }
  }
  if (lines.length === 0) lines.push(s.bold(t('trace.wholeCheck')));
  lines.push(renderSequence(trace, { width, style: s, ...(test !== undefined ? { test } : {}), ...(options.all ? { maxRows: Infinity } : {}) }));
  lines.push('', s.dim(t('trace.htmlHint')));
  if ((trace.tests?.length ?? 0) > 0) lines.push(s.dim(t('trace.otherTests')));
  return lines.join('\n');
}
