/**
 * Runs a learner's service inside a bubblewrap sandbox (Linux): a new PID, IPC and UTS namespace, an
 * empty root with only what node needs bound read-only, the student's exercise copy and a private
 * compile cache the only places it may write, a private /tmp and /proc, and a scrubbed environment.
 * The network is shared, so the brokers and the hidden suite's ports on loopback stay reachable.
 * See docs/SANDBOX.md for the threat model and what stays reachable.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { contentDirs, packageRoot } from '../paths';

export interface SandboxLimits {
  /** RLIMIT_DATA of each process: its heap and other private writable memory. */
  memoryBytes: number;
  /** RLIMIT_FSIZE: the largest file a service may write. */
  fileBytes: number;
  /** Processes (and threads) at once inside one service's sandbox; more ends the sandbox. */
  processes: number;
  /** Size of the sandbox's private /tmp. */
  tmpBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: 1024 * 1024 * 1024,
  fileBytes: 64 * 1024 * 1024,
  processes: 96,
  tmpBytes: 64 * 1024 * 1024,
};

export interface SandboxSpec {
  /** The student's exercise copy: bound writable. */
  exerciseDir: string;
  /** The workspace around it: its tsconfig.json, package.json and node_modules links are bound read-only. */
  workspaceRoot: string;
  /** The services' private compile cache: bound writable. */
  cacheDir: string;
  /** The whole environment the service sees (nothing else is passed through). */
  env: Record<string, string>;
  limits?: SandboxLimits;
}

/** Where bwrap is, or undefined. */
export function findBwrap(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const fromEnv = process.env.LNM_BWRAP;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter).concat(['/usr/bin', '/usr/local/bin'])) {
    const candidate = path.join(dir, 'bwrap');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export type SandboxProbe = { ok: true; bwrap: string } | { ok: false; reason: 'platform' | 'missing' | 'refused'; detail?: string };

let probed: SandboxProbe | undefined;

/** Whether a sandbox can be made here: bwrap present and allowed to create its namespaces. */
export function probeSandbox(): SandboxProbe {
  if (probed) return probed;
  if (process.platform !== 'linux') return (probed = { ok: false, reason: 'platform' });
  const bwrap = findBwrap();
  if (!bwrap) return (probed = { ok: false, reason: 'missing' });
  const r = spawnSync(bwrap, ['--ro-bind', '/', '/', '--unshare-pid', '--unshare-ipc', '--proc', '/proc', '--dev', '/dev', '--die-with-parent', '--', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return (probed = { ok: false, reason: 'refused', detail: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0] });
  return (probed = { ok: true, bwrap });
}

const sizeSupport = new Map<string, boolean>();
function supportsSize(bwrap: string): boolean {
  let known = sizeSupport.get(bwrap);
  if (known === undefined) {
    const m = /(\d+)\.(\d+)/.exec(spawnSync(bwrap, ['--version'], { encoding: 'utf8' }).stdout ?? '');
    known = Boolean(m && (Number(m[1]) > 0 || Number(m[2]) >= 8));
    sizeSupport.set(bwrap, known);
  }
  return known;
}

/** The command line that runs `command args` inside the sandbox. */
export function sandboxed(bwrap: string, command: string, args: string[], spec: SandboxSpec): { command: string; args: string[] } {
  const limits = spec.limits ?? DEFAULT_LIMITS;
  const a: string[] = ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--hostname', 'sandbox', '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
  // First: binds below /tmp (the student's copy) are made after it, not hidden by it.
  // --size came with bubblewrap 0.8 (Ubuntu 22.04 has 0.6): older ones get an unbounded private /tmp.
  a.push('--proc', '/proc', '--dev', '/dev', ...(supportsSize(bwrap) ? ['--size', String(limits.tmpBytes)] : []), '--tmpfs', '/tmp');
  const bound = new Set<string>();
  const roBind = (p: string) => {
    if (!existsSync(p) || bound.has(p)) return;
    bound.add(p);
    a.push('--ro-bind', p, p);
  };
  // The system: programs and libraries; on merged-/usr systems /bin, /lib… are symlinks into /usr.
  for (const top of ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/opt/nodejs']) {
    const st = lstatOrUndefined(top);
    if (!st) continue;
    if (st.isSymbolicLink()) a.push('--symlink', readlinkSync(top), top);
    else roBind(top);
  }
  // /etc: only what name resolution, TLS and time zones read; no shadow, no host keys, no teacher's config.
  for (const file of ['hosts', 'resolv.conf', 'nsswitch.conf', 'host.conf', 'gai.conf', 'localtime', 'passwd', 'group', 'ssl', 'ca-certificates', 'ca-certificates.conf', 'alternatives', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d']) {
    const p = path.join('/etc', file);
    if (existsSync(p)) a.push('--ro-bind', p, p);
  }
  // Node itself, wherever it was installed (nvm puts it in a home folder).
  const node = realpathSync(process.execPath);
  if (!node.startsWith('/usr/')) roBind(path.dirname(path.dirname(node)));
  // The tool (its dist/runner preloads) and the folders its dependencies were installed into.
  for (const dir of packageTrees()) roBind(dir);
  // Hidden from the services: the reference solutions and the exercises (hidden suites, mistake fixtures).
  for (const root of new Set([packageRoot, path.dirname(contentDirs.exercises)])) {
    for (const hidden of ['solutions', 'exercises']) {
      const p = path.join(root, hidden);
      if (existsSync(p) && [...bound].some((b) => isInside(p, b))) a.push('--tmpfs', p, '--remount-ro', p);
    }
  }
  // The workspace: read-only config and package links, the exercise copy and the cache writable.
  for (const file of ['tsconfig.json', 'package.json', 'node_modules']) {
    const p = path.join(spec.workspaceRoot, file);
    if (existsSync(p)) a.push('--ro-bind', p, p);
  }
  a.push('--bind', spec.exerciseDir, spec.exerciseDir, '--bind', spec.cacheDir, spec.cacheDir);
  a.push('--chdir', spec.exerciseDir);
  a.push('--clearenv');
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', TMPDIR: '/tmp', LANG: 'C.UTF-8', ...spec.env };
  for (const [name, value] of Object.entries(env)) a.push('--setenv', name, value);
  // Memory and file size through rlimits (inherited by everything the service starts).
  const prlimit = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));
  const inner = prlimit ? [prlimit, `--data=${limits.memoryBytes}`, `--fsize=${limits.fileBytes}`, '--core=0', '--nofile=4096', '--', command, ...args] : [command, ...args];
  return { command: bwrap, args: [...a, '--', ...inner] };
}

/** node_modules trees the tool's code and the workspace links resolve into, and the tool itself. */
function packageTrees(): string[] {
  const trees = [packageRoot];
  let dir = packageRoot;
  for (;;) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
    if (existsSync(path.join(dir, 'node_modules'))) trees.push(path.join(dir, 'node_modules'));
  }
  return trees.filter((t) => !trees.some((other) => other !== t && isInside(t, other)));
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Counts the processes and threads under `pid` (the sandbox's outer bwrap), from /proc. */
export function descendantTasks(pid: number): number {
  let count = 0;
  const queue = [pid];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    count += tasks.length;
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (children) for (const c of children.split(/\s+/)) queue.push(Number(c));
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return count;
}


/**
 * Ends a sandbox whose processes and threads exceed the limit (a fork bomb): checked every 200 ms,
 * and the PID namespace dies with its first process, so nothing it started survives.
 */
export function watchProcessCount(pid: number, limit: number, onExceeded: (count: number) => void): () => void {
  const timer = setInterval(() => {
    const count = descendantTasks(pid);
    if (count > limit) {
      clearInterval(timer);
      onExceeded(count);
    }
  }, 200);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The host pid of the service's node process inside a sandbox started as `outer` (bwrap → its init →
 * node): what signals from the hidden suite (SIGSTOP, SIGKILL of one service) must reach.
 */
export function sandboxedNodePid(outer: number): number | undefined {
  const queue = [outer];
  const node = realpathSync(process.execPath);
  while (queue.length > 0) {
    const p = queue.shift()!;
    try {
      if (p !== outer && realpathSync(`/proc/${p}/exe`) === node) return p;
    } catch {
      // Gone or unreadable: look further down.
    }
    try {
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (children) queue.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}
