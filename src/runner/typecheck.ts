import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { listFiles } from '../workspace/scaffold';
import { writeFileAtomic } from '../workspace/atomic-write';
import { registerGroup, unregisterGroup } from './process-registry';

export interface TypeDiagnostic {
  file?: string;
  line?: number;
  column?: number;
  code: number;
  message: string;
}

/**
 * Type-checks the exercise's TypeScript files in a low-priority child process, alongside the
 * services. Results are cached by the content of the files and the tsconfig, so an unchanged
 * exercise is never checked twice.
 */
export class TypeCheck {
  readonly result: Promise<TypeDiagnostic[]>;
  private child?: ReturnType<typeof execa>;

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
    const child = execa(process.execPath, ['-r', path.join(__dirname, 'child-guard.js'), path.join(__dirname, 'typecheck-worker.js'), options.tsconfig, ...files], {
      reject: false,
      detached: true,
      stdin: 'ignore',
      env: { LNM_PARENT_PID: String(process.pid) },
    });
    this.child = child;
    if (child.pid) {
      registerGroup(child.pid);
      try {
        os.setPriority(child.pid, 10);
      } catch {
        // Not permitted everywhere; it only makes the services start a little slower.
      }
    }
    this.result = child.then((r) => {
      if (child.pid) unregisterGroup(child.pid);
      if (r.exitCode !== 0) {
        const how = r.signal ? `was stopped by ${r.signal}` : `exited with code ${r.exitCode}`;
        throw new Error(`The type checker ${how}${r.stderr || r.stdout ? `: ${r.stderr || r.stdout}` : ' without output'}`);
      }
      const diagnostics = JSON.parse(String(r.stdout)) as TypeDiagnostic[];
      mkdirSync(options.cacheDir, { recursive: true });
      writeFileAtomic(cacheFile, JSON.stringify(diagnostics));
      return diagnostics;
    });
  }

  cancel(): void {
    // Whoever cancels no longer wants the result: its rejection must not go unhandled.
    this.result.catch(() => undefined);
    this.child?.kill('SIGKILL');
  }
}
