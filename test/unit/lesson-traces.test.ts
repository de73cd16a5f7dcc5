import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Chalk } from 'chalk';
import stringWidth from 'string-width';
import { afterEach, describe, expect, test } from 'vitest';
import { setLanguage, type Language } from '../../src/i18n/messages';
import type { Trace } from '../../src/trace/model';
import { redrawTraceBlocks, traceBlocks } from '../../src/trace/lesson-blocks';
import { renderSequence } from '../../src/trace/render-terminal';

// Lessons show a recorded trace of the reference solution; a diagram that no longer matches its
// trace (or the renderer) fails here: `npm run build && node scripts/lesson-traces.js` re-draws them.
const lessons = path.join(__dirname, '../../lessons');
const texts = readdirSync(lessons).flatMap((id) =>
  (['en', 'uk'] as Language[]).flatMap((lang) => {
    const file = path.join(lessons, id, lang, 'lesson.md');
    return existsSync(file) ? [{ id, lang, file, text: readFileSync(file, 'utf8') }] : [];
  }),
);
const withTraces = texts.filter((x) => traceBlocks(x.text).length > 0);

afterEach(() => {
  setLanguage('en');
});

describe('trace diagrams in lessons', () => {
  test('send-vs-emit and rmq-ack show one, in both languages', () => {
    expect(withTraces.map((x) => `${x.id}/${x.lang}`).sort()).toEqual(expect.arrayContaining(['rmq-ack/en', 'rmq-ack/uk', 'send-vs-emit/en', 'send-vs-emit/uk']));
  });

  test.each(withTraces.map((x) => [`${x.id}/${x.lang}`, x] as const))('%s: each block is its trace drawn now, without colour, and fits 80 columns once indented', (_, x) => {
    const blocks = traceBlocks(x.text);
    const bodies = [...x.text.matchAll(/<!-- trace: [^\n]* -->\n```text\n([\s\S]*?)\n```\n<!-- \/trace -->/g)].map((m) => m[1]);
    expect(bodies).toHaveLength(blocks.length);
    blocks.forEach((block, i) => {
      const trace = JSON.parse(readFileSync(path.join(lessons, x.id, block.file), 'utf8')) as Trace;
      setLanguage(x.lang);
      expect(bodies[i]).toBe(renderSequence(trace, { width: block.width, style: new Chalk({ level: 0 }), test: block.test }));
      // A lesson indents a code block by four columns.
      for (const line of bodies[i].split('\n')) expect(4 + stringWidth(line), line).toBeLessThanOrEqual(80);
      // It is a picture of what should happen: a passing check of this lesson's exercise.
      expect(trace).toMatchObject({ version: 1, source: 'check', status: 'pass', exercise: x.id });
    });
    // And the script that re-draws them has nothing to change.
    expect(redrawTraceBlocks(x.text, path.join(lessons, x.id), x.lang)).toBe(x.text);
  });
});
