import { cpSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { lessonTexts, measureOverlap, normaliseLine } from '../../src/dev/overlap';
import { cli, fixtureContent, tempDir } from '../support/cli';

const solution = `import { Controller } from '@nestjs/common';
import {
  MessagePattern,
} from '@nestjs/microservices';

@Controller()
export class MathController {
  @MessagePattern({ cmd: 'sum' })
  sum(@Payload() numbers: number[]): number {
    const total = numbers.reduce((acc, n) => acc + n, 0); // add them up
    this.logger.log(\`sum of [\${numbers.join(', ')}] = \${total}\`);
    return total;
  }
}
`;

function content(lesson: string, starter = '') {
  const root = tempDir('lnm-overlap-');
  mkdirSync(path.join(root, 'solution', 'math'), { recursive: true });
  mkdirSync(path.join(root, 'starter', 'math'), { recursive: true });
  mkdirSync(path.join(root, 'lesson', 'en'), { recursive: true });
  writeFileSync(path.join(root, 'solution', 'math', 'math.controller.ts'), solution);
  writeFileSync(path.join(root, 'starter', 'math', 'math.controller.ts'), starter);
  writeFileSync(path.join(root, 'lesson', 'en', 'lesson.md'), lesson);
  return { solutionDir: path.join(root, 'solution'), starterDir: path.join(root, 'starter'), lessonDir: path.join(root, 'lesson') };
}

test('imports, braces, short lines and comments are not counted; whitespace and quotes do not matter', () => {
  expect(normaliseLine("import { Controller } from '@nestjs/common';")).toBeUndefined();
  expect(normaliseLine("} from '@nestjs/microservices';")).toBeUndefined();
  expect(normaliseLine('    });')).toBeUndefined();
  expect(normaliseLine('  return total;')).toBeUndefined();
  expect(normaliseLine('    const total   =  numbers.reduce((acc, n) => acc + n, 0); // sum')).toBe(normaliseLine('const total = numbers.reduce((acc, n) => acc + n, 0)'));
  expect(normaliseLine('@MessagePattern({ cmd: "sum" })')).toBe(normaliseLine("@MessagePattern({ cmd: 'sum' })"));
});

test('a lesson that copies the solution fails, naming each copied line', () => {
  const dirs = content(`# Lesson\n\n\`\`\`ts\n${solution}\`\`\`\n`);
  const report = measureOverlap(dirs.solutionDir, lessonTexts(dirs.lessonDir), dirs.starterDir);
  expect(report.ok).toBe(false);
  expect(report.solutionLines).toBe(5);
  expect(report.shared.map((s) => s.solution)).toEqual(['math/math.controller.ts:7', 'math/math.controller.ts:8', 'math/math.controller.ts:9', 'math/math.controller.ts:10', 'math/math.controller.ts:11']);
});

test('a lesson that teaches the same API with another domain passes', () => {
  const lesson = "```ts\n@MessagePattern({ cmd: 'price' })\nprice(@Payload() sku: string): number {\n  return this.prices.lookup(sku);\n}\n```\n";
  const report = measureOverlap(content(lesson).solutionDir, lessonTexts(content(lesson).lessonDir));
  expect(report).toMatchObject({ ok: true, shared: [] });
});

test('every language of the lesson counts, and lines the starter already gives do not', () => {
  const dirs = content('nothing here', "  @MessagePattern({ cmd: 'sum' })\n  sum(@Payload() numbers: number[]): number {\n");
  mkdirSync(path.join(dirs.lessonDir, 'uk'));
  writeFileSync(path.join(dirs.lessonDir, 'uk', 'lesson.md'), solution);
  const report = measureOverlap(dirs.solutionDir, lessonTexts(dirs.lessonDir), dirs.starterDir);
  expect(report.shared.map((s) => s.line)).toEqual(['export class MathController', normaliseLine('const total = numbers.reduce((acc, n) => acc + n, 0)'), normaliseLine("this.logger.log(`sum of [${numbers.join(', ')}] = ${total}`)")]);
  expect(report.shared[0].lesson).toContain(path.join('uk', 'lesson.md'));
});

test('dev verify --content fails on a lesson that pastes its solution, and names the lines', async () => {
  const root = tempDir('lnm-overlap-content-');
  cpSync(fixtureContent, root, { recursive: true });
  // A starter that gives nothing away, so every line of the solution is the learner's to write.
  writeFileSync(path.join(root, 'exercises', 'echo', 'starter', 'main.ts'), '// TODO: an echo microservice\n');
  const lesson = path.join(root, 'lessons', 'echo', 'en', 'lesson.md');
  appendFileSync(lesson, `\n\`\`\`ts\n${readFileSync(path.join(root, 'solutions', 'echo', 'main.ts'), 'utf8')}\`\`\`\n`);
  const copied = await cli(['dev', 'verify', 'echo', '--content'], { env: { LNM_CONTENT_ROOT: root } });
  expect(copied.exitCode, copied.stdout).toBe(1);
  expect(copied.stdout).toMatch(/✗ the lesson does not hand over the solution's lines/);
  expect(copied.stdout).toMatch(/lessons\/echo\/en\/lesson\.md:\d+ {2}= {2}solutions\/echo\/main\.ts:\d+/);

  const honest = await cli(['dev', 'verify', 'echo', '--content'], { content: 'fixture' });
  expect(honest.stdout).toMatch(/✓ the lesson does not hand over the solution's lines/);
  expect(honest.exitCode, honest.stdout).toBe(0);
});
