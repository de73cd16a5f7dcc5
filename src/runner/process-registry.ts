import { existsSync } from 'node:fs';
/**
 * Every process group this command started, so that none outlives it: groups are killed on normal
 * exit, on SIGINT/SIGTERM/SIGHUP, and on an uncaught error. (SIGKILL of the command itself is
 * covered by a parent-death signal on Linux, see diesWithParent, and by child-guard elsewhere.)
 */
const groups = new Set<number>();
let installed = false;
const interruptHandlers = new Set<(signal: NodeJS.Signals) => void | Promise<void>>();

const setpriv = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) : undefined;

/**
 * The command and arguments that start `command` so that the kernel kills it when this process dies,
 * however it dies (SIGKILL included): `setpriv --pdeathsig SIGKILL` on Linux (util-linux, present on
 * every distribution). Undefined elsewhere: there child-guard (a watcher thread in the child) does it.
 */
export function diesWithParent(command: string, args: string[]): { command: string; args: string[] } | undefined {
  return setpriv ? { command: setpriv, args: ['--pdeathsig', 'SIGKILL', '--', command, ...args] } : undefined;
}

export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export function registerGroup(pid: number): void {
  install();
  groups.add(pid);
}

export function unregisterGroup(pid: number): void {
  groups.delete(pid);
}

export function killAllGroups(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
}

/** Runs before the command exits on a signal, e.g. to print "interrupted" or delete broker queues. */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void | Promise<void>): () => void {
  install();
  interruptHandlers.add(handler);
  return () => interruptHandlers.delete(handler);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllGroups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllGroups();
      const pending = [...interruptHandlers].map((h) => Promise.resolve().then(() => h(signal)).catch(() => undefined));
      const code = 128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[signal];
      // Handlers get a moment to finish; then the command ends whatever they are doing.
      Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 2000).unref())]).finally(() => process.exit(code));
    });
  }
}
