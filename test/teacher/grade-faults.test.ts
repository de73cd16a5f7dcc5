import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { cli, tempDir } from '../support/cli';
import { processesMatching } from '../support/wait';
import { makeClass } from './class-fixture';

// Faults of `grade` from the probe of issue 15.

test('after Ctrl-C, grade starts no new check: the students after the interrupted one are never started', async () => {
  const { students } = makeClass();
  const tmp = tempDir('lnm-tmp-');
  // Each check of a student's exercise begins with a copy in the grading's scratch folder: list them.
  const copies = () => {
    try {
      return readdirSync(tmp)
        .filter((n) => n.startsWith('lnm-grade-'))
        .flatMap((scratch) => readdirSync(path.join(tmp, scratch)).filter((n) => n.startsWith('echo-')));
    } catch {
      return [];
    }
  };
  // One job at a time: the hanging student first, three more queued behind.
  const child = cli(['grade', students.hangs, students.solved, students.halfDone, students.broken, '--jobs', '1', '--timeout', '120'], { content: 'fixture', env: { TMPDIR: tmp }, detached: true });
  const services = () => processesMatching(`${tmp}/lnm-grade-`).then((ps) => ps.filter((p) => p.includes('ts-register')));
  const deadline = Date.now() + 120_000;
  while ((await services()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const before = copies();
  expect(before).toHaveLength(1);
  process.kill(child.pid!, 'SIGINT');
  const seen = new Set<string>();
  while (child.exitCode === null) {
    for (const name of copies()) if (!before.includes(name)) seen.add(name);
    await new Promise((r) => setTimeout(r, 5));
  }
  const r = await child;
  expect(r.exitCode).toBe(130);
  expect([...seen]).toEqual([]);
}, 300_000);

test('a grading killed with kill -9 leaves a scratch folder that the next grade removes', async () => {
  const tmp = tempDir('lnm-tmp-');
  // What a killed grade leaves: its scratch folder, owned by a process that no longer exists.
  const abandoned = path.join(tmp, 'lnm-grade-abandoned');
  mkdirSync(path.join(abandoned, 'echo-x'), { recursive: true });
  writeFileSync(path.join(abandoned, '.owner-pid'), '999999999');
  // One that belongs to a grading still running is left alone.
  const running = path.join(tmp, 'lnm-grade-running');
  mkdirSync(running);
  writeFileSync(path.join(running, '.owner-pid'), String(process.pid));
  const { students } = makeClass();
  const r = await cli(['grade', students.untouched, '--timeout', '60'], { content: 'fixture', env: { TMPDIR: tmp } });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(existsSync(abandoned)).toBe(false);
  expect(existsSync(running)).toBe(true);
}, 300_000);
