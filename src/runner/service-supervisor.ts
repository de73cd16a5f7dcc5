import { EventEmitter } from 'node:events';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { ServiceSpec } from '../catalog/schema';
import { requirePackageDir } from '../paths';
import { portAccepts } from './ports';
import { t } from '../i18n/messages';
import { diesWithParent, killGroup, registerGroup, unregisterGroup } from './process-registry';
import { DEFAULT_LIMITS, sandboxed, sandboxedNodePid, watchProcessCount, type SandboxLimits } from '../sandbox/bwrap';
import { killMarked, MARKER_VAR, newMarker } from '../sandbox/contain';
import type { WarmKey, WarmPool } from './warm-pool';
import { spawnChild } from './spawn-child';
import type { Activation } from './warm-start';

export type StartFailure =
  | { kind: 'crashed'; service: string; code: number | null; signal?: string }
  | { kind: 'notReady'; service: string; seconds: number; ready: string };

export class ServiceStartError extends Error {
  constructor(readonly failure: StartFailure) {
    super(failure.kind === 'crashed' ? `${failure.service} exited with code ${failure.code}` : `${failure.service} was not ready`);
  }
}

export interface LogLine {
  service: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

interface RunningService {
  spec: ServiceSpec;
  process: ChildProcess;
  pid: number;
  exit: Promise<{ code: number | null; signal?: string }>;
  exited?: { code: number | null; signal?: string };
  stoppedOnPurpose: boolean;
  /** In the environment of the service and of whatever it starts: ends its detached descendants too. */
  marker: string;
}

/** Writes the host pid of the node process inside a sandbox for its host-pid preload, as soon as it exists. */
function tellHostPid(outer: number, file: string): void {
  const deadline = Date.now() + 5000;
  const poll = () => {
    const inner = sandboxedNodePid(outer);
    try {
      if (inner !== undefined) {
        writeFileSync(`${file}.tmp`, String(inner));
        renameSync(`${file}.tmp`, file);
      } else if (Date.now() < deadline) setTimeout(poll, 5).unref();
    } catch {
      // The cache folder is gone (the check is over): the preload gives up after its own deadline.
    }
  };
  poll();
}

const NEST_STARTED = /Nest (microservice|application) successfully started/;

/** What is kept of a service's output: its first lines (start-up), its last ones (the failure), each line cut short. */
const LOG_HEAD_LINES = 300;
const LOG_TAIL_LINES = 1500;
const LOG_LINE_CHARS = 2000;

/** A service's output, bounded in memory however much it prints; says how much it dropped. */
class BoundedLog {
  readonly head: string[] = [];
  tail: string[] = [];
  dropped = 0;

  push(line: string): void {
    const text = line.length > LOG_LINE_CHARS ? `${line.slice(0, LOG_LINE_CHARS)}… (${line.length - LOG_LINE_CHARS} more characters)` : line;
    if (this.head.length < LOG_HEAD_LINES) this.head.push(text);
    else {
      this.tail.push(text);
      // Trim in batches: one splice per thousand lines, not one per line.
      if (this.tail.length > LOG_TAIL_LINES + 1000) {
        this.dropped += this.tail.length - LOG_TAIL_LINES;
        this.tail = this.tail.slice(-LOG_TAIL_LINES);
      }
    }
  }

  lines(): string[] {
    const excess = Math.max(0, this.tail.length - LOG_TAIL_LINES);
    const dropped = this.dropped + excess;
    const tail = excess ? this.tail.slice(excess) : this.tail;
    return dropped ? [...this.head, t('check.logDropped', { count: dropped }), ...tail] : [...this.head, ...tail];
  }
}

/**
 * Starts the learner's services as child processes (plain node with ts-register: swc, cached by
 * content; each in its own process group),
 * detects readiness, keeps their output per service, and kills whole process trees on stop.
 * It never formats output for people: it emits `log` and `exit` events and throws ServiceStartError.
 */
export class ServiceSupervisor extends EventEmitter {
  private readonly running = new Map<string, RunningService>();
  private readonly output = new Map<string, BoundedLog>();
  private readonly guard = path.join(__dirname, 'child-guard.js');
  private readonly register = path.join(__dirname, 'ts-register.js');

  constructor(
    private readonly options: {
      exerciseDir: string;
      tsconfig: string;
      /** Where compiled files are kept (default: the workspace's .learn-nest-micro/cache/js). */
      cacheDir?: string;
      env: Record<string, string>;
      /** Per service name: env values that differ from `env` (a traced check gives each service its own addresses). */
      serviceEnv?: Record<string, Record<string, string>>;
      services: ServiceSpec[];
      readyTimeoutMs: number;
      color?: boolean;
      /** Start services in processes made ahead of time (watch), and make the next ones after stopAll. */
      warm?: WarmPool;
      /** Run each service inside a bubblewrap sandbox (grade, check --sandbox); see src/sandbox/bwrap.ts. */
      sandbox?: { bwrap: string; workspaceRoot: string; limits?: SandboxLimits };
    },
  ) {
    super();
  }

  spec(name: string): ServiceSpec {
    const spec = this.options.services.find((s) => s.name === name);
    if (!spec) throw new Error(`No service named ${name}; this exercise has ${this.options.services.map((s) => s.name).join(', ')}`);
    return spec;
  }

  /** Starts every service at once and resolves when all are ready; rejects with the first ServiceStartError. */
  async startAll(): Promise<void> {
    await Promise.all(this.options.services.map((s) => this.start(s.name)));
  }

  async start(name: string): Promise<void> {
    const spec = this.spec(name);
    if (this.running.get(name) && !this.running.get(name)!.exited) return;
    // LNM_TS_RUNTIME=ts-node runs services the old way, through ts-node --swc (0.4 s more per start).
    const args =
      process.env.LNM_TS_RUNTIME === 'ts-node'
        ? ['-r', this.guard, path.join(requirePackageDir('ts-node'), 'dist', 'bin.js'), '--swc', '--project', this.options.tsconfig, spec.entry]
        : // The absolute entry names the workspace in the command line, so `ps` tells whose service it is.
          ['-r', this.guard, '-r', this.register, path.join(this.options.exerciseDir, spec.entry)];
    // Where the kernel can end the service with this command, child-guard's watcher thread (0.05 CPU-s a start) is not needed.
    const plain = diesWithParent(process.execPath, args.slice(2));
    const env = {
      ...this.options.env,
      ...this.options.serviceEnv?.[name],
      // Which process this is: the service's name, or `<name>-<n>` for one of several instances.
      INSTANCE_ID: name,
      LNM_TS_CACHE: this.cacheDir(),
      LNM_TSCONFIG: this.options.tsconfig,
      LNM_PARENT_PID: String(process.pid),
      [MARKER_VAR]: newMarker(),
      ...(this.options.color ? { FORCE_COLOR: '1' } : { NO_COLOR: '1', FORCE_COLOR: '0' }),
    };
    const box = this.options.sandbox;
    const warm = box || process.env.LNM_TS_RUNTIME === 'ts-node' ? undefined : this.options.warm?.take(this.warmKey());
    if (warm) env[MARKER_VAR] = warm.marker;
    // In the sandbox, --die-with-parent and the PID namespace replace child-guard (whose parent pid is outside).
    const hostPidFile = box ? path.join(env.LNM_TS_CACHE, `pid-${env[MARKER_VAR]}`) : '';
    const command = box
      ? sandboxed(box.bwrap, process.execPath, ['-r', path.join(__dirname, '..', 'sandbox', 'host-pid.js'), ...args.slice(2)], { exerciseDir: this.options.exerciseDir, workspaceRoot: box.workspaceRoot, cacheDir: env.LNM_TS_CACHE, env: { ...env, LNM_PARENT_PID: '', LNM_HOST_PID_FILE: hostPidFile }, limits: box.limits })
      : (plain ?? { command: process.execPath, args });
    const spawned = warm ?? spawnChild(command.command, command.args, { cwd: this.options.exerciseDir, env: box ? env : { ...process.env, ...env } });
    const child = spawned.child;
    // The warm process becomes this service: its code is loaded now, with this environment.
    if (warm) child.send({ entry: path.join(this.options.exerciseDir, spec.entry), env, cwd: this.options.exerciseDir } satisfies Activation);
    const pid = child.pid;
    if (pid === undefined) throw new ServiceStartError({ kind: 'crashed', service: name, code: null });
    registerGroup(pid);
    if (box) tellHostPid(pid, hostPidFile);
    const stopWatch = box ? watchProcessCount(pid, (box.limits ?? DEFAULT_LIMITS).processes, (count) => {
      this.record({ service: name, stream: 'stderr', text: t('sandbox.tooManyProcesses', { count, limit: (box.limits ?? DEFAULT_LIMITS).processes }) });
      killGroup(pid, 'SIGKILL');
    }) : () => undefined;
    const service: RunningService = {
      spec,
      process: child,
      pid,
      stoppedOnPurpose: false,
      marker: env[MARKER_VAR],
      exit: spawned.exit.then((exited) => {
        stopWatch();
        if (hostPidFile) rmSync(hostPidFile, { force: true });
        unregisterGroup(pid);
        service.exited = exited;
        this.emit('exit', { service: name, ...exited, onPurpose: service.stoppedOnPurpose });
        return exited;
      }),
    };
    this.running.set(name, service);
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream]!.setEncoding('utf8');
      child[stream]!.on('data', (chunk: string) => {
        const lines = (partial + chunk).split(/\r?\n/);
        partial = lines.pop() ?? '';
        for (const text of lines) this.record({ service: name, stream, text });
      });
      child[stream]!.on('end', () => {
        if (partial) this.record({ service: name, stream, text: partial });
        partial = '';
      });
    }
    await this.waitReady(service);
  }

  private record(line: LogLine): void {
    let log = this.output.get(line.service);
    if (!log) this.output.set(line.service, (log = new BoundedLog()));
    log.push(line.text);
    this.emit('log', line);
  }

  private lines(name: string): string[] {
    return this.output.get(name)?.lines() ?? [];
  }

  private async waitReady(service: RunningService): Promise<void> {
    const { spec } = service;
    const deadline = Date.now() + this.options.readyTimeoutMs;
    const readyDescription = 'port' in spec.ready ? `listening on ${spec.ready.port}=${this.options.env[spec.ready.port]}` : `a log line matching /${spec.ready.log}/`;
    const logPattern = 'log' in spec.ready ? new RegExp(spec.ready.log) : undefined;
    const port = 'port' in spec.ready ? Number(this.options.env[spec.ready.port]) : undefined;
    let nestStartedAt: number | undefined;
    // What this start printed: a readiness line, or Nest's own "started" (the stored log is bounded and trimmed).
    let readyLine = false;
    let nestStarted = false;
    const onLog = (line: LogLine) => {
      if (line.service !== spec.name) return;
      if (logPattern?.test(line.text)) readyLine = true;
      if (NEST_STARTED.test(line.text)) nestStarted = true;
    };
    this.on('log', onLog);
    try {
      for (;;) {
        if (service.exited) throw new ServiceStartError({ kind: 'crashed', service: spec.name, ...service.exited });
        // A service that was ready and then died (a gRPC server binds before it reads its proto) is the one to blame.
        for (const other of this.running.values()) {
          if (other !== service && other.exited && !other.stoppedOnPurpose) throw new ServiceStartError({ kind: 'crashed', service: other.spec.name, ...other.exited });
        }
        if (readyLine) return;
        if (port !== undefined && (await portAccepts(port, 'localhost', 250))) return;
        // Nest said it started but the expected port stays closed: it listens elsewhere. Say so quickly.
        if (port !== undefined && nestStartedAt === undefined && nestStarted) nestStartedAt = Date.now();
        const gaveUp = nestStartedAt !== undefined && Date.now() - nestStartedAt > 2000;
        if (gaveUp || Date.now() > deadline) {
          throw new ServiceStartError({ kind: 'notReady', service: spec.name, seconds: Math.round((Date.now() - deadline + this.options.readyTimeoutMs) / 1000), ready: readyDescription });
        }
        await Promise.race([new Promise((r) => setTimeout(r, 25)), service.exit]);
      }
    } finally {
      this.off('log', onLog);
    }
  }

  /** Which warm processes can serve this supervisor's services. */
  private warmKey(): WarmKey {
    return { exerciseDir: this.options.exerciseDir, tsconfig: this.options.tsconfig, cacheDir: this.cacheDir(), color: !!this.options.color };
  }

  private cacheDir(): string {
    return this.options.cacheDir ?? path.join(path.dirname(this.options.tsconfig), '.learn-nest-micro', 'cache', 'js');
  }

  logs(name?: string): string {
    if (name) return this.lines(name).join('\n');
    return [...this.output.keys()].flatMap((service) => this.lines(service).map((l) => `[${service}] ${l}`)).join('\n');
  }

  allLogs(): Record<string, string> {
    return Object.fromEntries(this.options.services.map((s) => [s.name, this.logs(s.name)]));
  }

  pid(name: string): number | undefined {
    const s = this.running.get(name);
    if (!s || s.exited) return undefined;
    // In a sandbox, the node process inside it (what a signal must reach), not bwrap.
    return this.options.sandbox ? (sandboxedNodePid(s.pid) ?? s.pid) : s.pid;
  }

  exitInfo(name: string): { code: number | null; signal?: string; onPurpose: boolean } | undefined {
    const s = this.running.get(name);
    return s?.exited ? { ...s.exited, onPurpose: s.stoppedOnPurpose } : undefined;
  }

  /** Kills the service's whole process group and waits until it is gone. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const s = this.running.get(name);
    if (!s) return;
    // Detached descendants (a session of their own) are not in the group: they carry its marker.
    if (s.exited) return void killMarked(s.marker);
    s.stoppedOnPurpose = true;
    killGroup(s.pid, signal);
    const forced = setTimeout(() => killGroup(s.pid, 'SIGKILL'), 3000);
    await s.exit;
    clearTimeout(forced);
    killMarked(s.marker);
  }

  async restart(name: string): Promise<void> {
    await this.kill(name);
    await this.start(name);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((n) => this.kill(n)));
    // The next check's services load Nest while the learner edits.
    this.options.warm?.fill(this.warmKey(), this.options.services.length);
  }
}
