import { statSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { spawnChild, type SpawnedChild } from './spawn-child';
import { MARKER_VAR, newMarker } from '../sandbox/contain';
import { diesWithParent, registerGroup, killGroup, unregisterGroup } from './process-registry';

/** What makes two warm processes interchangeable: the same folder, tsconfig, compile cache and colours. */
export interface WarmKey {
  exerciseDir: string;
  tsconfig: string;
  cacheDir: string;
  color: boolean;
}

export interface WarmProcess extends SpawnedChild {
  pid: number;
  /** Its environment's marker (MARKER_VAR), given at spawn: /proc/<pid>/environ is fixed then. */
  marker: string;
  exited: boolean;
}

/** The tsconfig's settings are read when a warm process starts: one started before an edit of it does not match. */
const keyText = (k: WarmKey) => JSON.stringify([k.exerciseDir, k.tsconfig, tsconfigStamp(k.tsconfig), k.cacheDir, k.color]);

function tsconfigStamp(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Node processes started ahead of time for the learner's services, for a command that checks again
 * and again (watch): while the learner edits, each one loads Nest's libraries; on the next check a
 * service starts in one of them instead of from nothing (warm-start.ts). Each process serves one
 * service once. The process registry kills them with the command, like every other child.
 */
export class WarmPool {
  private readonly idle = new Map<string, WarmProcess[]>();

  /** Keeps `count` warm processes for this key, and none for any other. */
  fill(key: WarmKey, count: number): void {
    const wanted = keyText(key);
    for (const [k, list] of this.idle) {
      if (k === wanted) continue;
      for (const p of list) killGroup(p.pid);
      this.idle.delete(k);
    }
    const list = (this.idle.get(wanted) ?? []).filter((p) => !p.exited);
    this.idle.set(wanted, list);
    while (list.length < count) {
      const spawned = this.spawn(key);
      if (!spawned) break;
      list.push(spawned);
    }
  }

  /** A warm process for this key, if one is ready to take (it is no longer the pool's: it keeps the command alive again). */
  take(key: WarmKey): WarmProcess | undefined {
    const list = this.idle.get(keyText(key)) ?? [];
    while (list.length > 0) {
      const p = list.shift()!;
      if (p.exited) continue;
      p.child.ref();
      for (const stream of [p.child.stdout, p.child.stderr] as (Socket | null)[]) stream?.ref();
      return p;
    }
    return undefined;
  }

  dispose(): void {
    for (const list of this.idle.values()) for (const p of list) killGroup(p.pid);
    this.idle.clear();
  }

  private spawn(key: WarmKey): WarmProcess | undefined {
    // What the supervisor gives every service at spawn and cannot change later; the rest of the
    // service's environment comes with its activation (warm-start.ts).
    const marker = newMarker();
    const env = {
      LNM_TS_CACHE: key.cacheDir,
      LNM_TSCONFIG: key.tsconfig,
      LNM_PARENT_PID: String(process.pid),
      [MARKER_VAR]: marker,
      ...(key.color ? { FORCE_COLOR: '1' } : { NO_COLOR: '1', FORCE_COLOR: '0' }),
    };
    // The folder in the command line: `ps` tells whose service this is, as it does for a plain start.
    const preload = ['-r', path.join(__dirname, 'ts-register.js'), path.join(__dirname, 'warm-start.js'), key.exerciseDir];
    const command = diesWithParent(process.execPath, preload) ?? { command: process.execPath, args: ['-r', path.join(__dirname, 'child-guard.js'), ...preload] };
    const spawned = spawnChild(command.command, command.args, { cwd: key.exerciseDir, env: { ...process.env, ...env }, ipc: true });
    const child = spawned.child;
    if (child.pid === undefined) return undefined;
    const pid = child.pid;
    registerGroup(pid);
    const warm: WarmProcess = { ...spawned, pid, marker, exited: false };
    void spawned.exit.then(() => {
      warm.exited = true;
      unregisterGroup(pid);
    });
    // Idle, it must not keep the command alive.
    child.unref();
    child.channel?.unref();
    for (const stream of [child.stdout, child.stderr] as (Socket | null)[]) stream?.unref();
    return warm;
  }
}
