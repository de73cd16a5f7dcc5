/**
 * Containing a service's descendants without a sandbox (check, run, watch): a process the service
 * starts detached (a session and process group of its own, out of reach of a kill of the service's
 * group) still carries the service's environment, and with it a marker unique to that start. When the
 * service is stopped, every process carrying its marker is ended too (Linux: /proc/<pid>/environ).
 * A process that scrubs its own environment escapes this; the sandbox (grade, check --sandbox) does
 * not depend on it: its PID namespace ends everything inside with the sandbox.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const MARKER_VAR = 'LNM_SERVICE_MARKER';

/** Markers handed out by this command: whatever still carries one when it exits (Ctrl-C) is ended. */
const live = new Set<string>();
let hooked = false;

export function newMarker(): string {
  const marker = `lnm-${process.pid}-${randomBytes(6).toString('hex')}`;
  live.add(marker);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const m of live) killMarked(m);
    });
  }
  return marker;
}

/** The pids of the processes whose environment carries `marker` (none off Linux). */
export function markedProcesses(marker: string): number[] {
  if (process.platform !== 'linux') return [];
  const needle = `${MARKER_VAR}=${marker}\0`;
  const found: number[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  for (const p of pids) {
    const pid = Number(p);
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/environ`, 'latin1').includes(needle)) found.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** SIGKILLs every process carrying `marker`, twice over (one may start another while the first scan runs). */
export function killMarked(marker: string): number {
  live.delete(marker);
  let killed = 0;
  for (let round = 0; round < 3; round++) {
    const pids = markedProcesses(marker);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // Already gone.
      }
    }
  }
  return killed;
}
