import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { cli, fixtureContent, repoRoot, tempDir } from '../support/cli';
import { processesMatching } from '../support/wait';

/**
 * Hostile submissions (test/fixtures/hostile), one per attack class, graded by `grade` with the
 * sandbox beside two honest students. Everything they attack is in this test's temporary folders:
 * a copy of the fixture course (its hidden suite and reference solution), a stand-in teacher's home,
 * the other students' folders and the gradebook's folder.
 */
const hostile = path.join(repoRoot, 'test', 'fixtures', 'hostile');
const ATTACKS = ['read-secrets', 'write-material', 'outlive', 'kill-grade', 'exhaust'] as const;

interface Reports {
  [attack: string]: Record<string, unknown>;
}

/** A loopback listener collecting what the attacks report. */
async function reportListener(): Promise<{ port: number; reports: Reports; close: () => Promise<void> }> {
  const reports: Reports = {};
  const server = net.createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      for (const line of text.split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as { attack: string };
        reports[r.attack] = r;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, reports, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function makeCourse() {
  const root = tempDir('lnm-hostile-');
  const content = path.join(root, 'course');
  cpSync(fixtureContent, content, { recursive: true });
  const home = path.join(root, 'home');
  mkdirSync(home);
  writeFileSync(path.join(home, 'secret.txt'), 'the teacher’s private notes\n');
  const out = path.join(root, 'out');
  mkdirSync(out);
  const suite = path.join(content, 'exercises', 'echo', 'checks', 'echo.check.ts');
  const solution = readFileSync(path.join(content, 'solutions', 'echo', 'main.ts'), 'utf8');
  const students = path.join(root, 'students');
  const student = (name: string, source: string, extra: Record<string, string> = {}) => {
    const dir = path.join(students, name, 'echo');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'main.ts'), source);
    for (const [file, text] of Object.entries(extra)) writeFileSync(path.join(dir, file), text);
    return path.join(students, name);
  };
  const starter = readFileSync(path.join(content, 'exercises', 'echo', 'starter', 'main.ts'), 'utf8');
  const honestSolved = student('honest-solved', solution);
  const honestStarter = student('honest-starter', starter);
  return { root, content, home, out, suite, solution, starter, student, honestSolved, honestStarter, secretFile: path.join(home, 'secret.txt') };
}

/** A student whose echo service is correct but first imports the attack. */
function attacker(course: ReturnType<typeof makeCourse>, attack: string, targets: object, base = course.solution) {
  const fill = (file: string) => readFileSync(path.join(hostile, file), 'utf8').replace("'__TARGETS__'", `'${JSON.stringify(targets).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
  return course.student(attack, `import './${attack}';\n${base}`, { [`${attack}.ts`]: fill(`${attack}.ts`), 'report.ts': fill('report.ts') });
}

interface Book {
  warning?: string;
  sandbox?: string;
  students: { workspace: string; results: { status: string; points: number; message: string }[]; points: number }[];
}

describe.skipIf(process.platform !== 'linux')('grade with the sandbox, against hostile submissions', () => {
  let listener: Awaited<ReturnType<typeof reportListener>>;
  beforeAll(async () => {
    listener = await reportListener();
  });
  afterAll(async () => {
    await listener.close();
  });

  test('every attack class fails, and the honest students in the same run are graded correctly', async () => {
    const course = makeCourse();
    const marker = `lnm-hostile-${randomUUID()}`;
    const secret = `secret-${randomUUID()}`;
    const gradebook = path.join(course.out, 'gradebook.json');
    const targets = {
      reportPort: listener.port,
      suite: course.suite,
      solution: path.join(course.content, 'solutions', 'echo', 'main.ts'),
      home: course.secretFile,
      otherStudent: path.join(course.honestSolved, 'echo', 'main.ts'),
      gradebook,
      secret,
      marker,
    };
    const attackers = ATTACKS.map((attack) => attacker(course, attack, targets));
    const suiteBefore = readFileSync(course.suite, 'utf8');
    const otherBefore = readFileSync(targets.otherStudent, 'utf8');
    const tmp = tempDir('lnm-tmp-');
    const child = cli(['grade', course.honestSolved, ...attackers, course.honestStarter, '--out', gradebook, '--jobs', '2', '--timeout', '40', '--no-retry'], {
      env: { LNM_CONTENT_ROOT: course.content, HOME: course.home, TMPDIR: tmp, LNM_TEACHER_SECRET: secret, LNM_HOSTILE_MARKER: marker },
    });
    onTestFinished(() => {
      child.kill('SIGTERM');
    });
    const r = await child;
    // kill-grade did not end the grading: it finished and wrote its gradebook.
    expect(r.exitCode, r.stderr).toBe(0);
    const book = JSON.parse(readFileSync(gradebook, 'utf8')) as Book;
    // Sandboxed, the gradebook has its documented shape; only an unsandboxed one carries a warning.
    expect(book.sandbox).toBeUndefined();
    expect(book.warning).toBeUndefined();
    const byName = Object.fromEntries(book.students.map((s) => [path.basename(s.workspace), s]));
    // The honest students: as their code deserves.
    expect(byName['honest-solved'].results[0].status, byName['honest-solved'].results[0].message).toBe('pass');
    expect(byName['honest-starter'].results[0].status).toBe('fail');
    // Failed attacks leave a correct echo with its points; exhausting the sandbox ends the student's own service.
    for (const name of ['read-secrets', 'write-material', 'outlive', 'kill-grade']) expect(byName[name].results[0].status, `${name}: ${byName[name].results[0].message}`).toBe('pass');
    expect(byName.exhaust.results[0].status).not.toBe('pass');

    const reports = listener.reports;
    // Reading: nothing of the grading material, the teacher or the other students is there to read.
    const read = reports['read-secrets'];
    expect(read, JSON.stringify(reports)).toBeDefined();
    for (const what of ['suite', 'solution', 'home', 'otherStudent']) expect(read[what], what).toMatch(/^denied: ENOENT/);
    expect(read.secretInEnv).toBe(false);
    expect(read.seesGrade).toBe(false);
    expect(read.processes).toBeLessThanOrEqual(3);
    expect(String(read.env).split(',')).not.toContain('LNM_TEACHER_SECRET');
    // Writing: the suite, the other student's files and the gradebook's folder are out of reach.
    const write = reports['write-material'];
    for (const what of ['suite', 'otherStudent', 'gradebook']) expect(write[what], what).toMatch(/^denied: (ENOENT|EROFS|EACCES)/);
    expect(readFileSync(course.suite, 'utf8')).toBe(suiteBefore);
    expect(readFileSync(targets.otherStudent, 'utf8')).toBe(otherBefore);
    // Killing the grading: nothing outside its own sandbox could be seen, so nothing was killed; its
    // parent is the sandbox's init, which ignores a SIGKILL from inside (the service lived on).
    expect(reports['kill-grade'].killed).toEqual([]);
    expect(reports['kill-grade'].parent).toBe(1);
    // Exhausting: the allocation was refused and the flood of processes ended the sandbox.
    expect(reports.exhaust.memory).toMatch(/^denied/);
    // Outliving the check: the detached process is gone with its sandbox, its port closed, the gradebook left alone.
    expect(reports.outlive).toBeDefined();
    const port = reports['outlive-listening']?.port as number | undefined;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await processesMatching(marker)).toEqual([]);
    if (port) expect(await connects(port)).toBe(false);
    expect(JSON.parse(readFileSync(gradebook, 'utf8'))).toEqual(book);
  }, 240_000);

  test('without bubblewrap grade refuses and names the install command; with --trust-students it grades, says so, and a rewritten hidden suite stops it with exit 2 naming the file', async () => {
    const course = makeCourse();
    const gradebook = path.join(course.out, 'gradebook.json');
    const targets = { reportPort: listener.port, suite: course.suite, otherStudent: path.join(course.honestSolved, 'echo', 'main.ts'), gradebook: path.join(course.out, 'planted.json') };
    const env = { LNM_CONTENT_ROOT: course.content, HOME: course.home, TMPDIR: tempDir('lnm-tmp-'), LNM_BWRAP: path.join(course.root, 'no-bwrap-here') };
    const refused = await cli(['grade', course.honestSolved, '--out', gradebook], { env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('bubblewrap (bwrap) is not installed');
    expect(refused.stderr).toContain('apt-get install bubblewrap');
    expect(existsSync(gradebook)).toBe(false);

    // Trusted, an honest class is graded, with the warning on the terminal and in the gradebook.
    const trusted = await cli(['grade', course.honestSolved, course.honestStarter, '--out', gradebook, '--trust-students', '--timeout', '40'], { env });
    expect(trusted.exitCode, trusted.stderr).toBe(0);
    expect(trusted.stderr).toContain('WITHOUT a sandbox');
    const book = JSON.parse(readFileSync(gradebook, 'utf8')) as Book;
    expect(book.sandbox).toBe('none');
    expect(book.warning).toContain('WITHOUT a sandbox');
    expect(book.students.map((s) => s.results[0].status)).toEqual(['pass', 'fail']);

    // Unsandboxed, the attack on the hidden suite succeeds, and the integrity check catches it after that student.
    const tamperer = attacker(course, 'write-material', targets, course.starter);
    const out2 = path.join(course.out, 'second.json');
    const caught = await cli(['grade', tamperer, course.honestStarter, '--out', out2, '--trust-students', '--jobs', '1', '--timeout', '40'], { env });
    expect(caught.exitCode, caught.stderr).toBe(2);
    expect(caught.stderr).toContain(`changed while ${tamperer} was graded: ${course.suite}`);
    expect(existsSync(out2)).toBe(false);
  }, 240_000);
});

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

