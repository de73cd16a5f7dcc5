/**
 * Lessons embed a recorded trace of the reference solution as a picture of what should happen: the
 * terminal diagram, without colour, in a code block between two marker comments. The trace itself is
 * a real recording (`check <id> --trace` on the solution) stored next to the lesson as trace.json;
 * scripts/lesson-traces.js re-draws the blocks from it, and a unit test fails when a block is stale.
 *
 *   <!-- trace: trace.json test=2 width=76 -->
 *   ```text
 *   (the diagram)
 *   ```
 *   <!-- /trace -->
 *
 * `test` picks one test's messages (its number, or a word of its name); `width` defaults to 76, so that the
 * block, indented by four columns when a lesson is shown, still fits an 80-column terminal.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Chalk } from 'chalk';
import { language, setLanguage, type Language } from '../i18n/messages';
import type { Trace } from './model';
import { renderSequence } from './render-terminal';

const BLOCK = /<!-- trace: (\S+)((?: \w+=\S+)*) -->\n[\s\S]*?<!-- \/trace -->/g;

export interface TraceBlock {
  /** The trace file, relative to the lesson's folder. */
  file: string;
  test?: string;
  width: number;
}

/** The trace blocks of a lesson's text, in order. */
export function traceBlocks(markdown: string): TraceBlock[] {
  return [...markdown.matchAll(BLOCK)].map((m) => parseMarker(m[1], m[2]));
}

function parseMarker(file: string, options: string): TraceBlock {
  const values = Object.fromEntries(options.trim().split(/\s+/).filter(Boolean).map((o) => o.split('=') as [string, string]));
  return { file, test: values.test, width: values.width ? Number(values.width) : 76 };
}

/** The diagram a block shows: the trace drawn without colour, in the lesson's language. */
export function drawBlock(block: TraceBlock, trace: Trace, lang: Language): string {
  const before = language();
  setLanguage(lang);
  try {
    return renderSequence(trace, { width: block.width, style: new Chalk({ level: 0 }), test: block.test });
  } finally {
    setLanguage(before);
  }
}

/** The lesson's text with each trace block drawn again from its trace file. */
export function redrawTraceBlocks(markdown: string, lessonDir: string, lang: Language): string {
  return markdown.replace(BLOCK, (whole, file: string, options: string) => {
    const block = parseMarker(file, options);
    const trace = JSON.parse(readFileSync(path.join(lessonDir, block.file), 'utf8')) as Trace;
    const marker = whole.slice(0, whole.indexOf('\n'));
    return `${marker}\n\`\`\`text\n${drawBlock(block, trace, lang)}\n\`\`\`\n<!-- /trace -->`;
  });
}
