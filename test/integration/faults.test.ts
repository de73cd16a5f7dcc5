import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { expect, test } from 'vitest';
import { cli, fixtureContent, repoRoot, tempDir } from '../support/cli';

// Faults from the probe of issue 15 that this round fixed, each reproduced as a teacher or learner meets it.

test('--timeout beyond an hour is a usage error before any work, not a timer that overflows and fires at once', async () => {
  for (const value of ['2200000', '0', '-5', 'soon']) {
    const r = await cli(['check', 'tcp-basics', '--dir', tempDir(), '--timeout', value]);
    expect(r.exitCode, value).toBe(2);
    expect(r.stderr, value).toContain(`--timeout takes a number of seconds from 1 to 3600, not "${value}".`);
  }
});

test('an assignment due on a day the calendar does not have is refused, naming the field', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'week.json');
  writeFileSync(file, JSON.stringify({ version: 1, exercises: [{ id: 'tcp-basics', points: 1 }], due: '2025-02-30' }));
  const r = await cli(['start', '--assignment', file, '--dir', path.join(dir, 'ws')]);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toMatch(/Invalid assignment .*week\.json: due: a date like 2025-06-30/);
});

test('start --assignment follows a file saved with a byte order mark; its points add up without float noise; its language is taken', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'week.json');
  const assignment = { version: 1, title: 'Week 1', exercises: [{ id: 'tcp-basics', points: 0.1 }, { id: 'send-vs-emit', points: 0.2 }], language: 'uk' };
  writeFileSync(file, `\uFEFF${JSON.stringify(assignment)}`);
  const ws = path.join(dir, 'ws');
  const r = await cli(['start', '--assignment', file, '--dir', ws]);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toContain('«Week 1»');
  expect(JSON.parse(readFileSync(path.join(ws, 'learn-nest-micro.json'), 'utf8'))).toMatchObject({ assignment: 'assignment.json', language: 'uk' });
  expect((await cli(['report', '--points', '--dir', ws])).stdout.trim()).toBe('0/0.3');
  expect((await cli(['list', '--dir', ws])).stdout).toContain('Основи TCP');
});

/** A server on a free port that answers like a web server, or accepts and never says a word. */
async function impostor(kind: 'http' | 'silent'): Promise<{ port: number; close: () => void }> {
  const server = kind === 'http' ? http.createServer((_, res) => res.end('hello')) : net.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

test('a web server on the Redis address is named as such (exit 2, in seconds), as is a port that never answers', async () => {
  const ws = tempDir();
  expect((await cli(['scaffold', 'hybrid-app-redis', '--dir', ws])).exitCode).toBe(0);
  for (const [kind, said] of [['http', /does not speak Redis: "HTTP\/1\.1 400/], ['silent', /did not answer as Redis within/]] as const) {
    const fake = await impostor(kind);
    try {
      const r = await cli(['check', 'hybrid-app-redis', '--dir', ws], { env: { REDIS_URL: `redis://127.0.0.1:${fake.port}` } });
      expect(r.exitCode, kind).toBe(2);
      expect(r.stderr, kind).toMatch(said);
    } finally {
      fake.close();
    }
  }
});

test('NATS and MQTT are told from what else answers on their ports; the real brokers pass', async () => {
  const { probeBroker } = await import('../../src/runner/broker-probe');
  const fake = await impostor('http');
  try {
    expect(await probeBroker('nats', `nats://127.0.0.1:${fake.port}`)).toMatchObject({ ok: false, reason: expect.stringMatching(/NATS/) });
    expect(await probeBroker('mqtt', `mqtt://127.0.0.1:${fake.port}`)).toMatchObject({ ok: false, reason: expect.stringMatching(/MQTT/) });
  } finally {
    fake.close();
  }
  // CI has the real ones (fails loudly if one is down).
  for (const [broker, url] of [['redis', 'redis://127.0.0.1:6379'], ['nats', 'nats://127.0.0.1:4222'], ['mqtt', 'mqtt://127.0.0.1:1883']] as const) {
    expect(await probeBroker(broker, url), `${broker} at ${url} must be running for this test`).toEqual({ ok: true });
  }
});

test('reset and solution --yes in a folder without the exercise say so (exit 2) and create nothing', async () => {
  const here = tempDir();
  const reset = await cli(['reset', 'tcp-basics'], { cwd: here });
  expect(reset.exitCode).toBe(2);
  expect(reset.stderr).toMatch(/tcp-basics/);
  expect(reset.stdout).not.toMatch(/Restored/);
  const solution = await cli(['solution', 'tcp-basics', '--yes'], { cwd: here });
  expect(solution.exitCode).toBe(2);
  expect(solution.stdout).not.toMatch(/already match/);
  expect(readdirSync(here)).toEqual([]);
});

test('RabbitMQ turning the user or the virtual host away is said as such, with the password masked and no advice to start a broker', async () => {
  const ws = tempDir();
  expect((await cli(['scaffold', 'rmq-ack', '--dir', ws])).exitCode).toBe(0);
  const wrongPassword = await cli(['check', 'rmq-ack', '--dir', ws], { env: { RABBITMQ_URL: 'amqp://guest:s3cret-wrong@127.0.0.1:5672' } });
  expect(wrongPassword.exitCode).toBe(2);
  expect(wrongPassword.stderr).toContain('RabbitMQ at amqp://guest:***@127.0.0.1:5672 refused the user name or password');
  const noVhost = await cli(['check', 'rmq-ack', '--dir', ws], { env: { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672/no-such-vhost' } });
  expect(noVhost.exitCode).toBe(2);
  expect(noVhost.stderr).toContain('would not open the virtual host "no-such-vhost"');
  for (const r of [wrongPassword, noVhost]) {
    expect(r.stderr).not.toMatch(/s3cret|docker run|Start one/);
    expect(r.stderr).toContain('The broker is running.');
  }
});

test('grade --out and report --out are checked before any work: a file where a folder should be, or a folder as the output', async () => {
  const dir = tempDir();
  const aFile = path.join(dir, 'notes.txt');
  writeFileSync(aFile, 'not a folder');
  const grade = await cli(['grade', dir, '--out', path.join(aFile, 'gradebook.csv')], { content: 'fixture' });
  expect(grade.exitCode).toBe(2);
  expect(grade.stderr).toContain(`Cannot write ${path.join(aFile, 'gradebook.csv')}: ${aFile} is a file, not a folder.`);
  expect(grade.stdout).toBe('');
  const report = await cli(['report', '--dir', dir, '--out', dir]);
  expect(report.exitCode).toBe(2);
  expect(report.stderr).toContain(`Cannot write ${dir}: it is a folder.`);
});

test('a write that fails leaves no temporary file behind', async () => {
  const { writeFileAtomic } = await import('../../src/workspace/atomic-write');
  const dir = tempDir();
  const target = path.join(dir, 'taken');
  mkdirSync(path.join(target, 'inside'), { recursive: true });
  expect(() => writeFileAtomic(target, 'x')).toThrow();
  expect(readdirSync(dir)).toEqual(['taken']);
});

test('a service that prints without end keeps its first lines and its latest ones, says how many it dropped, and the check still passes', async () => {
  const dir = tempDir();
  expect((await cli(['scaffold', 'echo', '--dir', dir], { content: 'fixture' })).exitCode).toBe(0);
  const solution = readFileSync(path.join(fixtureContent, 'solutions', 'echo', 'main.ts'), 'utf8');
  // About 20 MB of output before the service listens.
  writeFileSync(path.join(dir, 'echo', 'main.ts'), solution.replace('await app.listen();', "for (let i = 0; i < 200000; i++) console.log(`line ${i} ${'x'.repeat(90)}`);\n  await app.listen();"));
  const r = await cli(['check', 'echo', '--dir', dir, '--reporter', 'json', '--timeout', '120'], { content: 'fixture' });
  const report = JSON.parse(r.stdout) as { status: string; logs: Record<string, string> };
  expect(report.status, r.stdout.slice(0, 2000)).toBe('pass');
  const lines = report.logs.echo.split('\n');
  expect(lines.length).toBeLessThan(2000);
  expect(report.logs.echo).toContain('line 0 ');
  expect(report.logs.echo).toMatch(/… [\d,]+ lines of output dropped here \(the first and the last lines are kept\) …/);
  expect(r.stdout.length).toBeLessThan(1_000_000);
}, 300_000);

/** A scaffolded echo workspace holding the reference solution. */
async function solvedEcho(): Promise<string> {
  const ws = tempDir();
  expect((await cli(['scaffold', 'echo', '--dir', ws], { content: 'fixture' })).exitCode).toBe(0);
  writeFileSync(path.join(ws, 'echo', 'main.ts'), readFileSync(path.join(fixtureContent, 'solutions', 'echo', 'main.ts'), 'utf8'));
  return ws;
}

test('a file where .learn-nest-micro should be: the result is printed first, then one line naming the path, exit 2', async () => {
  const ws = await solvedEcho();
  rmSync(path.join(ws, '.learn-nest-micro'), { recursive: true, force: true });
  writeFileSync(path.join(ws, '.learn-nest-micro'), 'not a folder');
  const r = await cli(['check', 'echo', '--dir', ws], { content: 'fixture' });
  expect(r.exitCode).toBe(2);
  expect(r.stdout).toContain('PASS echo');
  expect(r.stderr.trim()).toBe(`Could not write ${path.join(ws, '.learn-nest-micro')}: a file stands where a folder is expected.`);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
});

test('a read-only workspace is still checked: the result first, then one line saying it is read-only, exit 2, no temporary file', async () => {
  const ws = await solvedEcho();
  expect((await cli(['check', 'echo', '--dir', ws], { content: 'fixture' })).exitCode).toBe(0);
  const readOnly = tempDir('lnm-ro-');
  const mount = await execa('mount', ['--bind', ws, readOnly], { reject: false });
  if (mount.exitCode !== 0) throw new Error(`this test needs a read-only bind mount (run as root): ${mount.stderr}`);
  try {
    expect((await execa('mount', ['-o', 'remount,ro,bind', readOnly], { reject: false })).exitCode).toBe(0);
    const r = await cli(['check', 'echo', '--dir', readOnly], { content: 'fixture' });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('PASS echo');
    expect(r.stderr.trim()).toBe(`Could not write ${path.join(readOnly, '.learn-nest-micro', 'progress.json')}: the file system is read-only.`);
  } finally {
    await execa('umount', [readOnly], { reject: false });
  }
  expect(readdirSync(path.join(ws, '.learn-nest-micro')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('reset keeps a byte-identical backup: nested node_modules and relative symlinks included', async () => {
  const ws = await solvedEcho();
  const dir = path.join(ws, 'echo');
  mkdirSync(path.join(dir, 'node_modules', 'left-pad'), { recursive: true });
  writeFileSync(path.join(dir, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 42;\n');
  symlinkSync('./main.ts', path.join(dir, 'entry.ts'));
  const mine = readFileSync(path.join(dir, 'main.ts'));
  const r = await cli(['reset', 'echo', '--dir', ws], { content: 'fixture' });
  expect(r.exitCode, r.stderr).toBe(0);
  const backups = path.join(ws, '.learn-nest-micro', 'backups', 'echo');
  const backup = path.join(backups, readdirSync(backups)[0]);
  expect(readFileSync(path.join(backup, 'main.ts')).equals(mine)).toBe(true);
  expect(readFileSync(path.join(backup, 'node_modules', 'left-pad', 'index.js'), 'utf8')).toBe('module.exports = 42;\n');
  expect(readlinkSync(path.join(backup, 'entry.ts'))).toBe('./main.ts');
  expect(readFileSync(path.join(backup, 'entry.ts')).equals(mine)).toBe(true);
});

test('lesson tables fit the width when piped: every lesson, both languages, no table line over 80 columns', async () => {
  const lessons = readdirSync(path.join(process.env.LNM_CONTENT_ROOT ?? repoRoot, 'lessons'));
  for (const lang of ['en', 'uk']) {
    for (const id of lessons) {
      const r = await cli(['--lang', lang, 'lesson', id]);
      expect(r.exitCode, r.stderr).toBe(0);
      const tableLines = r.stdout.split('\n').filter((line) => /^[│┌├└]/.test(line));
      const tooWide = tableLines.filter((line) => [...line].length > 80);
      expect(tooWide, `${lang} ${id}`).toEqual([]);
    }
  }
}, 120_000);
