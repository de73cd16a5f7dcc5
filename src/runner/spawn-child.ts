import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnedChild {
  child: ChildProcess;
  /** Settles once the process has exited and its output is read to the end; never rejects. */
  exit: Promise<{ code: number | null; signal?: string }>;
}

/**
 * A learner's service (or a warm process for one) in a process group of its own, its output piped.
 * Node's own spawn: execa, which did this before, cost every command a fifth of a CPU-second to load.
 */
export function spawnChild(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; ipc?: boolean }): SpawnedChild {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? ['ipc' as const] : [])] });
  const exit = new Promise<{ code: number | null; signal?: string }>((resolve) => {
    // 'close' follows 'exit' once stdout and stderr have ended: the last lines are in the log by then.
    child.once('close', (code, signal) => resolve({ code, signal: signal ?? undefined }));
    // Not started at all (no such file, no permission): there will be no 'close'.
    child.once('error', () => {
      if (child.pid === undefined) resolve({ code: null });
    });
  });
  return { child, exit };
}
