import { describe, expect, test } from 'vitest';
import { cli, tempDir } from '../support/cli';

// stdin is not a terminal here (support/cli ignores it) and stdout is a pipe: nothing may wait for input.
const ANSI = /\u001b\[/;

describe('piped or in CI', () => {
  test('start prints the plain overview and exits', async () => {
    const r = await cli(['start', '--dir', tempDir()], { env: { NO_COLOR: '' } });
    expect(r.exitCode).toBe(0);
    for (const id of ['tcp-basics', 'send-vs-emit', 'hybrid-app', 'rmq-ack', 'grpc-streams']) expect(r.stdout).toContain(id);
    expect(r.stdout).toContain('Begin with: `learn-nest-micro lesson tcp-basics`');
    expect(r.stdout).not.toMatch(ANSI);
  });

  test('lesson prints plain text, without a pager', async () => {
    const r = await cli(['lesson', 'echo'], { content: 'fixture', env: { NO_COLOR: '' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Echo\n════');
    expect(r.stdout).toContain('answer `{ cmd: "echo" }` with the payload');
    expect(r.stdout).not.toMatch(ANSI);
  });

  test('quiz prints the questions and exits without waiting', async () => {
    const r = await cli(['quiz', 'echo'], { content: 'fixture' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('1. What does echo return?');
    expect(r.stdout).toMatch(/[ab]\) Its payload/);
  });

  test('doctor --json reports every area and exits 0 or 1', async () => {
    const r = await cli(['doctor', '--json', '--dir', tempDir()], { content: 'fixture' });
    expect([0, 1]).toContain(r.exitCode);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { area: string }) => f.area)).toEqual(expect.arrayContaining(['node', 'tool', 'content', 'workspace', 'broker', 'ports']));
    expect(r.exitCode).toBe(report.ok ? 0 : 1);
  });

  test('doctor with an unknown option is a usage error', async () => {
    expect((await cli(['doctor', '--nope'])).exitCode).toBe(2);
  });
});
