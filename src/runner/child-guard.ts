/**
 * Preloaded into every learner service (`node -r child-guard`). A watcher thread, which a busy or
 * stuck main thread cannot block, kills the service as soon as the command that started it is gone,
 * even when that command was killed with SIGKILL and had no chance to clean up.
 */
import { isMainThread, Worker } from 'node:worker_threads';

// Preloads run again in every worker thread a process starts (and `execArgv` is inherited by
// default): only the main thread starts the watcher, and the watcher itself preloads nothing.
// Without both, each watcher would start another one, a chain that keeps a core busy.
if (isMainThread) startWatcher();

function startWatcher(): void {
  // The runner passes its pid: if it died before this preload ran, process.ppid would already be the reaper's.
  const parentPid = Number(process.env.LNM_PARENT_PID) || process.ppid;
  const watcher = new Worker(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => {
       let alive = process.ppid === workerData.parentPid;
       if (alive) { try { process.kill(workerData.parentPid, 0); } catch { alive = false; } }
       if (!alive) process.kill(workerData.pid, 'SIGKILL');
     }, 250);`,
    { eval: true, execArgv: [], workerData: { parentPid, pid: process.pid } },
  );
  watcher.unref();
}
