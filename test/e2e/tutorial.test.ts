import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import { listFiles } from '../../src/workspace/scaffold';
import { cli, fixtureContent, tempDir } from '../support/cli';
import { Terminal } from '../support/terminal';
import { processesMatching, waitFor } from '../support/wait';

const terminals: Terminal[] = [];
afterAll(() => {
  for (const t of terminals) t.close();
});

function terminal(...args: ConstructorParameters<typeof Terminal>): Terminal {
  const t = new Terminal(...args);
  terminals.push(t);
  return t;
}

/** A closed loopback port: a broker URL that nothing answers. */
const unreachable = 'amqp://guest:guest@127.0.0.1:1';

describe('start, in a terminal', () => {
  test('the menu lists the five lessons; Enter opens a lesson and its text shows; scaffolding from the menu writes the files; Ctrl-C leaves', async () => {
    const catalog = new Catalog();
    const five = ['tcp-basics', 'send-vs-emit', 'hybrid-app', 'rmq-ack', 'grpc-streams'];
    const ws = tempDir();
    const term = terminal(['start'], { cwd: ws, env: { RABBITMQ_URL: unreachable } });

    const menu = await term.waitFor('Pick a lesson');
    for (const id of five) expect(menu, id).toContain(catalog.lesson(id).title);
    expect(menu).toMatch(/RabbitMQ: acknowledge after the work.*needs RabbitMQ: not reachable/);

    // The cursor starts on the first lesson: Enter opens it in the pager.
    const first = catalog.lesson('tcp-basics');
    const heading = /^# (.+)$/m.exec(first.text())![1].replace(/[`*_]/g, '');
    term.press('Enter');
    await term.waitFor(heading);
    term.press('q');
    await term.waitFor('what next?');

    // The first action of a lesson not yet started is to get its exercise.
    term.press('Enter');
    await term.waitFor(/Files to edit:[\s\S]*what next\?/);
    const exercise = catalog.exercise('tcp-basics');
    // Outside a workspace the course gets a folder of its own, never the current folder's project.
    expect(listFiles(path.join(ws, 'learn-nest-micro', 'tcp-basics'))).toEqual(listFiles(exercise.starterDir));

    term.press('C-c');
    expect(await term.exitCode()).toBe(130);
    await term.noProcessLeft();
  });
});

describe('start and watch together, in a terminal', () => {
  test('q in watch returns to the lesson you are on: after n moved on to the next lesson, its menu, not the first one', async () => {
    const ws = tempDir();
    expect((await cli(['scaffold', 'echo', '--dir', ws], { content: 'fixture' })).exitCode).toBe(0);
    writeFileSync(path.join(ws, 'echo', 'main.ts'), readFileSync(path.join(fixtureContent, 'solutions', 'echo', 'main.ts'), 'utf8'));
    const term = terminal(['start', '--dir', ws], { cwd: ws, content: 'fixture' });
    await term.waitFor('Pick a lesson');
    term.press('Enter');
    // The exercise is there, so the first action offered is to watch it.
    await term.waitFor(/Echo .*what next\?/);
    term.press('Enter');
    await term.waitFor(/PASS echo/, 240_000);
    term.press('n');
    await term.waitFor('Press y to write its starter');
    term.press('y');
    await term.waitFor('Edit the files of echo-twice');
    term.press('q');
    const back = await term.waitFor(/what next\?/);
    expect(back).toMatch(/Echo twice .*what next\?/);
    term.press('C-c');
    expect(await term.exitCode()).toBe(130);
    await term.noProcessLeft();
  }, 600_000);
});

describe('watch, in a terminal', () => {
  test('a save re-checks the exercise and shows the pass; q leaves with no process behind', async () => {
    const ws = tempDir();
    expect((await cli(['scaffold', 'echo', '--dir', ws], { content: 'fixture' })).exitCode).toBe(0);
    // Run from another folder: --dir alone must find the workspace (and its types for the type check).
    const term = terminal(['watch', 'echo', '--dir', ws, '--timeout', '120'], { cwd: tempDir(), content: 'fixture' });

    // The starter is checked first and fails; then the solution is saved over it.
    await term.waitFor(/FAIL echo/, 240_000);
    expect(term.screen()).toMatch(/h hint · n next lesson · r reset/);
    const solution = readFileSync(path.join(fixtureContent, 'solutions', 'echo', 'main.ts'), 'utf8');
    let passed = '';
    // A machine loaded enough to miss a service's start-up limit gets another save (each one a real change).
    for (let save = 1; save <= 3 && !/PASS echo/.test(passed); save++) {
      writeFileSync(path.join(ws, 'echo', 'main.ts'), `${solution}// save ${save}\n`);
      await term.waitFor(/Checking echo/, 60_000);
      passed = await term.waitFor(/(PASS|FAIL) echo/, 240_000);
    }
    expect(passed).toMatch(/PASS echo/);
    expect(passed).toContain('Press n to go on to the next lesson: echo-twice');
    expect(passed).toMatch(/Course \[[█░]+\] 1\/\d+ exercises/);
    // While the learner reads, the next check is prepared: a warm process for the service, which q must end too.
    const warm = async () => (await processesMatching('warm-start.js')).filter((line) => line.includes(path.join(ws, 'echo')));
    await waitFor(async () => (await warm()).length === 1, 30_000);
    expect(await warm()).toHaveLength(1);

    term.press('q');
    expect(await term.exitCode()).toBe(0);
    await term.noProcessLeft();
    expect(await warm()).toEqual([]);
    const progress = JSON.parse(readFileSync(path.join(ws, '.learn-nest-micro', 'progress.json'), 'utf8'));
    expect(progress.exercises.echo.passedAt).toBeTruthy();
  }, 600_000);

  test('r asks before resetting and says where the backup went, saves are still heard after it; n shows the next lesson, asks, and checks nothing at once', async () => {
    const ws = tempDir();
    expect((await cli(['scaffold', 'echo', '--dir', ws], { content: 'fixture' })).exitCode).toBe(0);
    const solution = readFileSync(path.join(fixtureContent, 'solutions', 'echo', 'main.ts'), 'utf8');
    const mine = `${solution}// my work\n`;
    writeFileSync(path.join(ws, 'echo', 'main.ts'), mine);
    const term = terminal(['watch', 'echo', '--dir', ws, '--timeout', '120'], { cwd: ws, content: 'fixture' });
    await term.waitFor(/PASS echo/, 240_000);

    // r, then any other key: nothing happens to the learner's files.
    term.press('r');
    await term.waitFor('Reset echo to its starter?');
    term.press('x');
    await term.waitFor('Kept your files of echo');
    expect(readFileSync(path.join(ws, 'echo', 'main.ts'), 'utf8')).toBe(mine);

    // r, then y: the starter is back, the screen names the backup, which holds the work byte for byte.
    term.press('r');
    await term.waitFor('Reset echo to its starter?');
    term.press('y');
    const reset = await term.waitFor('backed up in');
    const backups = path.join(ws, '.learn-nest-micro', 'backups', 'echo');
    expect(readdirSync(backups)).toHaveLength(1);
    const backup = path.join(backups, readdirSync(backups)[0]);
    // The path may be wrapped across lines on screen.
    expect(reset.replace(/\n/g, '')).toContain(backup);
    expect(readFileSync(path.join(backup, 'main.ts'), 'utf8')).toBe(mine);
    expect(term.screen()).toContain('Edit the files of echo');
    // The folder is a new one after a reset: the watcher follows it, and file events (not polling) announce the save.
    writeFileSync(path.join(ws, 'echo', 'main.ts'), `${solution}// again\n`);
    await term.waitFor(/PASS echo/, 240_000);
    expect(term.screen()).not.toContain('File events do not arrive');

    // n: the next lesson's text first, then a question; nothing is written before y, nothing checked after it.
    term.press('n');
    const shown = await term.waitFor('Press y to write its starter');
    expect(shown).toContain('Echo twice');
    expect(existsSync(path.join(ws, 'echo-twice'))).toBe(false);
    term.press('y');
    await term.waitFor('Edit the files of echo-twice');
    expect(readdirSync(path.join(ws, 'echo-twice'))).toContain('main.ts');
    await new Promise((r) => setTimeout(r, 3000));
    expect(term.screen()).not.toMatch(/Checking echo-twice|FAIL echo-twice/);

    term.press('q');
    expect(await term.exitCode()).toBe(0);
    await term.noProcessLeft();
  }, 600_000);

  test('Ctrl-C while a check has services running leaves no process behind', async () => {
    const ws = tempDir();
    expect((await cli(['scaffold', 'echo', '--dir', ws], { content: 'fixture' })).exitCode).toBe(0);
    const term = terminal(['watch', 'echo'], { cwd: ws, content: 'fixture' });
    await term.waitFor('Checking echo');
    // Wait until the learner's service is running under the check.
    const deadline = Date.now() + 120_000;
    while (!term.processesLeft().some((p) => p.includes('ts-register'))) {
      if (Date.now() > deadline) throw new Error(`no service started; the terminal shows:\n${term.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    term.press('C-c');
    expect(await term.exitCode()).toBe(130);
    await term.noProcessLeft();
  }, 300_000);
});
