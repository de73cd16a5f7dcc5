#!/usr/bin/env node
// Re-draws the trace diagrams lessons embed (between `<!-- trace: … -->` and `<!-- /trace -->`) from
// the recorded trace.json next to each lesson, in each language. See src/trace/lesson-blocks.ts.
// Usage: npm run build && node scripts/lesson-traces.js [--check]   (--check: exit 1 if a block is stale)
'use strict';
const { readdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { redrawTraceBlocks } = require(path.join(root, 'dist', 'trace', 'lesson-blocks.js'));
const check = process.argv.includes('--check');
const lessons = path.join(root, 'lessons');

let stale = 0;
for (const id of readdirSync(lessons)) {
  for (const lang of ['en', 'uk']) {
    const file = path.join(lessons, id, lang, 'lesson.md');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const drawn = redrawTraceBlocks(text, path.join(lessons, id), lang);
    if (drawn === text) continue;
    stale += 1;
    if (check) console.log(`stale trace diagram: ${path.relative(root, file)}`);
    else {
      writeFileSync(file, drawn);
      console.log(`re-drew the trace diagrams of ${path.relative(root, file)}`);
    }
  }
}
if (check && stale > 0) process.exitCode = 1;
