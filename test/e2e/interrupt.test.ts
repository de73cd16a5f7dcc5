import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { cli, fixtureContent, tempDir } from '../support/cli';
import { Terminal } from '../support/terminal';

let term: Terminal | undefined;
afterEach(() => term?.close());

// ora used to put the terminal in raw mode to swallow keys: Ctrl-C then reached vitest's exit handler
// as a fake signal and ended the command with a RangeError stack instead of the interrupted message.
test('Ctrl-C while the spinner of a check runs stops it cleanly: the message, exit 130, no stack, no process left', async () => {
  const ws = tempDir();
  expect((await cli(['scaffold', 'echo', '--dir', ws], { content: 'fixture' })).exitCode).toBe(0);
  // A handler that never answers keeps the hidden suite running, the moment a learner presses Ctrl-C.
  const solution = readFileSync(path.join(fixtureContent, 'solutions', 'echo', 'main.ts'), 'utf8');
  writeFileSync(path.join(ws, 'echo', 'main.ts'), solution.replace('return data;', 'return new Promise(() => undefined);'));
  term = new Terminal(['check', 'echo', '--dir', ws], { cwd: ws, content: 'fixture' });
  await term.waitFor('Checking echo');
  // Wait until the learner's service runs under the check, so there is something to stop.
  const deadline = Date.now() + 120_000;
  while (!term.processesLeft().some((p) => p.includes('ts-register'))) {
    if (Date.now() > deadline) throw new Error(`no service started; the terminal shows:\n${term.screen()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Then give the suite time to start asking the service.
  await new Promise((r) => setTimeout(r, 4000));
  term.press('C-c');
  expect(await term.exitCode()).toBe(130);
  const screen = term.screen();
  expect(screen).toContain('Interrupted: every service was stopped.');
  expect(screen).not.toMatch(/RangeError|ERR_OUT_OF_RANGE|\n\s+at /);
  await term.noProcessLeft();
}, 300_000);

// The lesson's pager (less) and the course get Ctrl-C together; the course used to end while its
// prompt had hidden the cursor, leaving the learner's shell without one.
test('Ctrl-C inside the lesson pager of start ends the course with the cursor visible', async () => {
  const ws = tempDir();
  // A terminal shorter than the lesson, so that the lesson opens in the pager.
  term = new Terminal(['start', '--dir', ws], { cwd: ws, content: 'fixture', rows: 12 });
  await term.waitFor('navigate');
  term.press('Enter');
  // less shows its prompt (:) on the last line once the first screen of the lesson is up.
  await term.waitFor(/\n:\s*$/);
  await new Promise((r) => setTimeout(r, 500));
  term.press('C-c');
  expect(await term.exitCode()).toBe(130);
  expect(term.cursorVisible(), term.screen()).toBe(true);
  await term.noProcessLeft();
}, 120_000);
