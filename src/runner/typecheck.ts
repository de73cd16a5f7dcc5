import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { findPackageDir } from '../paths';
import { listFiles } from '../workspace/scaffold';
import { writeFileAtomic } from '../workspace/atomic-write';
import { diesWithParent, killGroup, registerGroup, unregisterGroup } from './process-registry';

export interface TypeDiagnostic {
  file?: string;
  line?: number;
  column?: number;
  code: number;
  message: string;
}

type Reply = { id: number; diagnostics?: TypeDiagnostic[]; error?: string };

/**
 * The type checker process this command shares between its checks (typecheck-worker). It keeps the
 * parsed declaration files of @nestjs and @types/node, so that every check after the first is quick.
 * It does not keep the command alive when idle, and dies with it (process registry and child-guard).
 */
class TypeCheckServer {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (d: TypeDiagnostic[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stderr = '';
  exited = false;

  constructor() {
    this.child = fork(path.join(__dirname, 'typecheck-worker.js'), [], {
      execArgv: ['-r', path.join(__dirname, 'child-guard.js')],
      env: { ...process.env, LNM_PARENT_PID: String(process.pid) },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const pid = this.child.pid;
    if (pid) {
      registerGroup(pid);
      try {
        os.setPriority(pid, 10);
      } catch {
        // Not permitted everywhere; it only makes the services start a little slower.
      }
    }
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.child.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error) waiting.reject(new Error(`The type checker failed: ${reply.error}`));
      else waiting.resolve(reply.diagnostics ?? []);
      this.idle();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      if (pid) unregisterGroup(pid);
      const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
      const error = new Error(`The type checker ${how}${this.stderr ? `: ${this.stderr.trim()}` : ' without output'}`);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    });
    this.child.on('error', () => undefined);
  }

  check(tsconfig: string, files: string[]): { id: number; result: Promise<TypeDiagnostic[]> } {
    const id = this.nextId++;
    const result = new Promise<TypeDiagnostic[]>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.busy();
    this.child.send({ id, tsconfig, files }, (error) => {
      // The checker died between two checks: this one fails plainly instead of waiting forever.
      if (error && this.pending.has(id)) {
        this.pending.get(id)!.reject(new Error(`The type checker is gone: ${error.message}`));
        this.pending.delete(id);
      }
    });
    return { id, result };
  }

  isPending(id: number): boolean {
    return this.pending.has(id);
  }

  kill(): void {
    if (this.child.pid) killGroup(this.child.pid);
  }

  private busy(): void {
    this.child.ref();
    this.child.channel?.ref();
    (this.child.stderr as Socket | null)?.ref();
  }

  private idle(): void {
    if (this.pending.size > 0) return;
    this.child.unref();
    this.child.channel?.unref();
    (this.child.stderr as Socket | null)?.unref();
  }
}

/**
 * The native TypeScript compiler (TypeScript 7, a Go binary shipped per platform in the npm package),
 * when this platform has it: it type-checks an exercise with NestJS's declarations in about 0.3-0.7 s
 * where the JavaScript compiler takes 3-4 s in a fresh process, so a check after an edit no longer waits
 * for it. Undefined where the binary is missing; the JavaScript checker is used then.
 */
let nativeFound: { exe?: string } | undefined;

export function nativeCompiler(): string | undefined {
  // Looked up once per command: the check path asks for it twice per check.
  nativeFound ??= { exe: findNativeCompiler() };
  return nativeFound.exe;
}

function findNativeCompiler(): string | undefined {
  if (process.env.LNM_TYPECHECK === 'js') return undefined;
  const main = findPackageDir('typescript-7');
  if (!main) return undefined;
  const platformPackage = `@typescript/typescript-${process.platform}-${process.arch}`;
  const dir = findPackageDir(platformPackage, main) ?? findPackageDir(platformPackage);
  const exe = dir && path.join(dir, 'lib', process.platform === 'win32' ? 'tsc.exe' : 'tsc');
  return exe && existsSync(exe) ? exe : undefined;
}

/** `file(line,col): error TS1234: message`, with indented lines that continue the message. */
export function parseCompilerOutput(output: string, cwd: string): TypeDiagnostic[] {
  const diagnostics: TypeDiagnostic[] = [];
  for (const line of output.split(/\r?\n/)) {
    const located = /^(.+)\((\d+),(\d+)\): error TS(\d+): (.*)$/.exec(line);
    const global = /^error TS(\d+): (.*)$/.exec(line);
    if (located) diagnostics.push({ file: path.resolve(cwd, located[1]), line: Number(located[2]), column: Number(located[3]), code: Number(located[4]), message: located[5] });
    else if (global) diagnostics.push({ code: Number(global[1]), message: global[2] });
    else if (line.trim() && diagnostics.length > 0) diagnostics[diagnostics.length - 1].message += `\n${line.replace(/^ {2}/, '')}`;
  }
  return diagnostics;
}

/**
 * One run of the native compiler over the exercise's files, with the workspace's tsconfig and the
 * module settings TypeScript 7 kept (node10 resolution is gone; nodenext reads this CommonJS workspace
 * the same way). Resolves undefined when the compiler cannot take the configuration, so that the
 * JavaScript checker decides instead.
 */
export function runNative(exe: string, options: { tsconfig: string; files: string[]; key: string }, started: (child: ChildProcess) => void = () => undefined): Promise<TypeDiagnostic[] | undefined> {
  // In the system's temporary folder, so that a read-only workspace is still type-checked.
  const project = path.join(os.tmpdir(), `lnm-tsconfig-${options.key}-${process.pid}-${Date.now()}.json`);
  const slashes = (file: string) => file.split(path.sep).join('/');
  writeFileSync(
    project,
    JSON.stringify({
      extends: slashes(options.tsconfig),
      // typeRoots would otherwise be looked for beside this file, not in the workspace.
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, incremental: false, composite: false, typeRoots: [slashes(path.join(path.dirname(options.tsconfig), 'node_modules', '@types'))] },
      files: options.files.map(slashes),
      include: [],
    }),
  );
  const cwd = path.dirname(options.tsconfig);
  return new Promise((resolve, reject) => {
    // A Go binary carries no child-guard: on Linux, setpriv gives it a parent-death signal, so that it ends
    // with this command even after a kill -9 (elsewhere it ends on its own within a second or two).
    const args = ['-p', project, '--pretty', 'false'];
    const wrapped = diesWithParent(exe, args) ?? { command: exe, args };
    const child = spawn(wrapped.command, wrapped.args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    started(child);
    if (child.pid) {
      registerGroup(child.pid);
      try {
        os.setPriority(child.pid, 10);
      } catch {
        // Not permitted everywhere.
      }
    }
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (child.pid) unregisterGroup(child.pid);
      rmSync(project, { force: true });
      if (signal) return reject(new Error(`The type checker was stopped by ${signal}`));
      const diagnostics = parseCompilerOutput(output, cwd);
      // A configuration the native compiler rejects (an option TypeScript 7 removed) is not the learner's type error.
      if (code !== 0 && (diagnostics.length === 0 || diagnostics.some((d) => d.code >= 5000 && d.code < 7000))) return resolve(undefined);
      resolve(diagnostics);
    });
  });
}

let server: TypeCheckServer | undefined;

/**
 * Type-checks the exercise's TypeScript files in the low-priority checker process, alongside the
 * services. Results are cached by the content of the files and the tsconfig, so an unchanged
 * exercise is never checked twice.
 */
export class TypeCheck {
  readonly result: Promise<TypeDiagnostic[]>;
  private request?: { server: TypeCheckServer; id: number };
  private native?: ChildProcess;

  constructor(options: { exerciseDir: string; tsconfig: string; cacheDir: string }) {
    const files = listFiles(options.exerciseDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(options.exerciseDir, f));
    const hash = createHash('sha256');
    // Which checker, and how it is run, is part of the key: a result of one is no answer for another.
    hash.update(`checker ${nativeCompiler() ?? 'js'} 2\0`);
    hash.update(readFileSync(options.tsconfig));
    for (const file of files) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
    const key = hash.digest('hex').slice(0, 24);
    const cacheFile = path.join(options.cacheDir, `typecheck-${key}.json`);
    if (existsSync(cacheFile)) {
      this.result = Promise.resolve(JSON.parse(readFileSync(cacheFile, 'utf8')) as TypeDiagnostic[]);
      return;
    }
    const javascriptChecker = (): Promise<TypeDiagnostic[]> => {
      if (!server || server.exited) server = new TypeCheckServer();
      const { id, result } = server.check(options.tsconfig, files);
      this.request = { server, id };
      return result;
    };
    const exe = nativeCompiler();
    const result = exe ? runNative(exe, { ...options, files, key }, (child) => (this.native = child)).then((d) => d ?? javascriptChecker()) : javascriptChecker();
    this.result = result.then((diagnostics) => {
      try {
        mkdirSync(options.cacheDir, { recursive: true });
        writeFileAtomic(cacheFile, JSON.stringify(diagnostics));
      } catch {
        // Not cached (a read-only or full workspace): checked again next time.
      }
      return diagnostics;
    });
  }

  cancel(): void {
    // Whoever cancels no longer wants the result: its rejection must not go unhandled.
    this.result.catch(() => undefined);
    // A check still running may be a learner's pathological type: start afresh next time.
    if (this.request && this.request.server.isPending(this.request.id)) this.request.server.kill();
    if (this.native?.pid && this.native.exitCode === null) killGroup(this.native.pid);
  }
}
