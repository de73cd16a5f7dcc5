import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli, fixtureContent, tempDir } from '../support/cli';
import { processesMatching, waitFor } from '../support/wait';

const solution = path.join(fixtureContent, 'solutions', 'echo', 'main.ts');
const fixture = { content: 'fixture' as const };

function scaffolded() {
  const dir = tempDir();
  return { dir, ready: cli(['scaffold', 'echo', '--dir', dir], fixture) };
}

/** A scaffolded echo workspace whose main.ts is the reference solution with one edit. */
async function solvedWith(edit: (solution: string) => string): Promise<string> {
  const { dir, ready } = scaffolded();
  await ready;
  writeFileSync(path.join(dir, 'echo', 'main.ts'), edit(readFileSync(solution, 'utf8')));
  return dir;
}

describe('help and usage', () => {
  test('every command has --help with an example', async () => {
    for (const command of ['list', 'lesson', 'scaffold', 'check', 'hint', 'solution', 'reset', 'run', 'start']) {
      const r = await cli([command, '--help']);
      expect(r.exitCode, command).toBe(0);
      expect(r.stdout, command).toMatch(/Example:\n\s+\$ (npx )?learn-nest-micro/);
    }
    const verify = await cli(['dev', 'verify', '--help']);
    expect(verify.stdout).toMatch(/Example:/);
  });

  test('an unknown id is a usage error naming the closest valid id', async () => {
    const r = await cli(['lesson', 'ecoh'], fixture);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('There is no lesson "ecoh". Did you mean "echo"?');
    const c = await cli(['check', 'ech', '--dir', tempDir()], fixture);
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toContain('Did you mean "echo"?');
  });

  test('an unknown option or reporter exits 2', async () => {
    expect((await cli(['list', '--nope'])).exitCode).toBe(2);
    const { dir } = scaffolded();
    await cli(['scaffold', 'echo', '--dir', dir], fixture);
    const r = await cli(['check', 'echo', '--dir', dir, '--reporter', 'tap'], fixture);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Unknown reporter "tap"');
  });

  test('no colours when not a terminal', async () => {
    const r = await cli(['list'], { ...fixture, env: { NO_COLOR: '' } });
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('list', () => {
  test('--json gives lessons with exercise status', async () => {
    const { dir, ready } = scaffolded();
    await ready;
    const r = await cli(['list', '--json', '--dir', dir], fixture);
    expect(r.exitCode).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.lessons[0]).toMatchObject({ id: 'echo', exercises: [{ id: 'echo', status: 'in-progress' }] });
  });
});

describe('scaffold and reset', () => {
  test('creates a workspace whose editor setup resolves @nestjs types', async () => {
    const { dir, ready } = scaffolded();
    const r = await ready;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(path.join(dir, 'echo', 'main.ts'));
    for (const f of ['package.json', 'tsconfig.json', '.gitignore', '.vscode/settings.json', 'learn-nest-micro.json']) expect(existsSync(path.join(dir, f)), f).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules', '@nestjs', 'microservices', 'package.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules', '@types', 'node', 'package.json'))).toBe(true);
  });

  test('never overwrites learner work without --force, and keeps a backup with it', async () => {
    const { dir, ready } = scaffolded();
    await ready;
    const file = path.join(dir, 'echo', 'main.ts');
    writeFileSync(file, '// my precious work\n');
    const again = await cli(['scaffold', 'echo', '--dir', dir], fixture);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already holds your work');
    expect(readFileSync(file, 'utf8')).toBe('// my precious work\n');

    const forced = await cli(['scaffold', 'echo', '--dir', dir, '--force'], fixture);
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('TODO');
    const backups = readdirSync(path.join(dir, '.learn-nest-micro', 'backups', 'echo'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(dir, '.learn-nest-micro', 'backups', 'echo', backups[0], 'main.ts'), 'utf8')).toBe('// my precious work\n');
  });

  test('reset restores the starter and keeps a backup', async () => {
    const { dir, ready } = scaffolded();
    await ready;
    writeFileSync(path.join(dir, 'echo', 'main.ts'), '// attempt 1\n');
    const r = await cli(['reset', 'echo', '--dir', dir], fixture);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/backed up in .*backups/);
    expect(readFileSync(path.join(dir, 'echo', 'main.ts'), 'utf8')).toContain('TODO');
  });
});

describe('hint and solution', () => {
  test('hints come one layer at a time and are counted', async () => {
    const { dir, ready } = scaffolded();
    await ready;
    const first = await cli(['hint', 'echo', '--dir', dir], fixture);
    expect(first.stdout).toContain('Hint 1 of 3');
    expect(first.stdout).toContain('Look at the handler.');
    const second = await cli(['hint', 'echo', '--dir', dir], fixture);
    expect(second.stdout).toContain('Hint 2 of 3');
    const list = JSON.parse((await cli(['list', '--json', '--dir', dir], fixture)).stdout);
    expect(list.lessons[0].exercises[0].hintsUsed).toBe(2);
  });

  test('the solution is withheld before a pass, shown as a diff with --yes', async () => {
    const { dir, ready } = scaffolded();
    await ready;
    const locked = await cli(['solution', 'echo', '--dir', dir], fixture);
    expect(locked.exitCode).toBe(1);
    expect(locked.stderr).toContain('after you pass');
    const shown = await cli(['solution', 'echo', '--dir', dir, '--yes'], fixture);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain('+    return data;');
    expect(shown.stdout).toContain('-    return undefined;');
  });
});

describe('check', () => {
  test('the starter fails with exit 1, the known mistake named and the logs shown', async () => {
    const { dir, ready } = scaffolded();
    await ready;
    const r = await cli(['check', 'echo', '--dir', dir], fixture);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('First failure: echo answers with its payload');
    expect(r.stdout).toContain('The handler returns nothing');
    expect(r.stdout).toContain('received: EmptyError: no elements in sequence');
    expect(r.stdout).toMatch(/\[echo\] .*Nest microservice successfully started/);
  });

  test('the solution passes with exit 0 and progress records the pass; json and junit reporters', async () => {
    const { dir, ready } = scaffolded();
    await ready;
    cpSync(solution, path.join(dir, 'echo', 'main.ts'));
    const json = await cli(['check', 'echo', '--dir', dir, '--reporter', 'json'], fixture);
    expect(json.exitCode).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.status).toBe('pass');
    expect(parsed.tests.map((t: { name: string }) => t.name)).toEqual(['services start', 'echo answers with its payload', 'TypeScript compiles']);
    const progress = JSON.parse(readFileSync(path.join(dir, '.learn-nest-micro', 'progress.json'), 'utf8'));
    expect(progress.exercises.echo).toMatchObject({ attempts: 1, passes: 1, lastStatus: 'pass' });
    const junit = await cli(['check', '--dir', dir, '--reporter', 'junit'], { ...fixture, cwd: path.join(dir, 'echo') });
    expect(junit.exitCode).toBe(0);
    expect(junit.stdout).toContain('<testsuite name="echo" tests="3" failures="0"');
  });

  test('a TypeScript error is reported with file:line', async () => {
    const dir = await solvedWith((s) => s.replace('return data;', 'const n: number = "not a number"; return data;'));
    const r = await cli(['check', 'echo', '--dir', dir], { ...fixture, cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('First failure: TypeScript compiles');
    expect(r.stdout).toMatch(/echo\/main\.ts:\d+:\d+ TS2322: Type 'string' is not assignable to type 'number'/);
  });

  test('a service that crashes at start fails with its output', async () => {
    const dir = await solvedWith((s) => s + "\nthrow new Error('boom at start');\n");
    const r = await cli(['check', 'echo', '--dir', dir], fixture);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('The echo service exited with code 1 before it was ready.');
    expect(r.stdout).toContain('NestJS said: Error: boom at start');
  });

  test('a hard-coded port is diagnosed from the manifest', async () => {
    const dir = await solvedWith((s) => s.replace('port: Number(process.env.ECHO_PORT)', 'port: 0'));
    const r = await cli(['check', 'echo', '--dir', dir, '--reporter', 'json'], fixture);
    expect(r.exitCode).toBe(1);
    const first = JSON.parse(r.stdout).tests.find((t: { status: string }) => t.status === 'fail');
    expect(first).toMatchObject({ name: 'services start', mistake: 'hard-coded-port' });
  });

  test('an endless loop in a handler fails the request it blocks and leaves no process behind', async () => {
    const dir = await solvedWith((s) => s.replace('return data;', 'for (;;) {}'));
    // Long enough for the service to start on a busy machine.
    const r = await cli(['check', 'echo', '--dir', dir, '--timeout', '30'], fixture);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('received: no reply within 5s');
    expect(await processesUnder(dir)).toEqual([]);
  });

  test('an endless loop at start-up ends at the time limit and leaves no process behind', async () => {
    const dir = await solvedWith((s) => s.replace('await app.listen();', 'for (;;) {}'));
    // A limit shorter than the wait for readiness: the hard limit, not the readiness wait, ends this check.
    const r = await cli(['check', 'echo', '--dir', dir, '--timeout', '3'], fixture);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('Timed out after 3s');
    // The time limit is the cause, not the kill that followed it.
    expect(r.stdout).toMatch(/First failure: time limit/);
    expect(r.stdout).not.toContain('exited with code SIGKILL');
    expect(await processesUnder(dir)).toEqual([]);
  });

  test('a check on an exercise that is not scaffolded says how to scaffold it', async () => {
    const r = await cli(['check', 'echo', '--dir', tempDir()], fixture);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('learn-nest-micro scaffold echo');
  });
});

describe('no child process outlives the command', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    test(`${signal} during a check stops every service`, async () => {
      const dir = await solvedWith((s) => s.replace('return data;', 'for (;;) {}'));
      const child = cli(['check', 'echo', '--dir', dir, '--timeout', '60'], { ...fixture, detached: true });
      await waitFor(async () => (await processesUnder(dir)).length > 0);
      process.kill(child.pid!, signal);
      const r = await child;
      expect(r.exitCode ?? r.signal).toBe(signal === 'SIGKILL' ? 'SIGKILL' : signal === 'SIGINT' ? 130 : 143);
      await waitFor(async () => (await processesUnder(dir)).length === 0, 3000);
      expect(await processesUnder(dir)).toEqual([]);
    });
  }
});

/** Processes whose command line names a file in the workspace: the learner's services (their entry files), the type checker. */
function processesUnder(dir: string): Promise<string[]> {
  return processesMatching(`${dir}/`);
}
