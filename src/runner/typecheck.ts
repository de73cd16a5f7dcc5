import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { listFiles } from '../workspace/scaffold';
import { writeFileAtomic } from '../workspace/atomic-write';
import { killGroup, registerGroup, unregisterGroup } from './process-registry';

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

let server: TypeCheckServer | undefined;

/**
 * Type-checks the exercise's TypeScript files in the low-priority checker process, alongside the
 * services. Results are cached by the content of the files and the tsconfig, so an unchanged
 * exercise is never checked twice.
 */
export class TypeCheck {
  readonly result: Promise<TypeDiagnostic[]>;
  private request?: { server: TypeCheckServer; id: number };

  constructor(options: { exerciseDir: string; tsconfig: string; cacheDir: string }) {
    const files = listFiles(options.exerciseDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(options.exerciseDir, f));
    const hash = createHash('sha256');
    hash.update(readFileSync(options.tsconfig));
    for (const file of files) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
    const cacheFile = path.join(options.cacheDir, `typecheck-${hash.digest('hex').slice(0, 24)}.json`);
    if (existsSync(cacheFile)) {
      this.result = Promise.resolve(JSON.parse(readFileSync(cacheFile, 'utf8')) as TypeDiagnostic[]);
      return;
    }
    if (!server || server.exited) server = new TypeCheckServer();
    const { id, result } = server.check(options.tsconfig, files);
    this.request = { server, id };
    this.result = result.then((diagnostics) => {
      mkdirSync(options.cacheDir, { recursive: true });
      writeFileAtomic(cacheFile, JSON.stringify(diagnostics));
      return diagnostics;
    });
  }

  cancel(): void {
    // Whoever cancels no longer wants the result: its rejection must not go unhandled.
    this.result.catch(() => undefined);
    // A check still running may be a learner's pathological type: start afresh next time.
    if (this.request && this.request.server.isPending(this.request.id)) this.request.server.kill();
  }
}
