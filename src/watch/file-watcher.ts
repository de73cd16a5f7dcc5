import { EventEmitter } from 'node:events';
import { readdirSync, statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { t } from '../i18n/messages';

/** Editor droppings and folders that are never the learner's code. */
const IGNORED = /(^|[\\/])(node_modules|\.git|\.learn-nest-micro)([\\/]|$)|~$|\.sw[a-z]$|(^|[\\/])4913$|(^|[\\/])\.#|\.DS_Store$/;

export function isIgnored(relativePath: string): boolean {
  return IGNORED.test(relativePath);
}

/** Each file under `dir` (relative path) with its modification time and size. */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(path.join(dir, sub), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const rel = path.join(sub, entry.name);
      if (isIgnored(rel)) continue;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) {
        try {
          const s = statSync(path.join(dir, rel));
          files.set(rel, `${s.mtimeMs}:${s.size}`);
        } catch {
          // Deleted between listing and stat: the next scan sees it gone.
        }
      }
    }
  };
  walk('');
  return files;
}

/** The paths that were added, removed or changed between two snapshots. */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const [file, stamp] of after) if (before.get(file) !== stamp) changed.add(file);
  for (const file of before.keys()) if (!after.has(file)) changed.add(file);
  return [...changed].sort();
}

export interface FileWatcherOptions {
  dir: string;
  /** Quiet time after the last event before `change` fires; editors often write a file in several steps. */
  debounceMs?: number;
  /** How often the folder is scanned: to confirm that file events arrive, and to replace them when not. */
  pollMs?: number;
  /** Scan only, never rely on file events. */
  poll?: boolean;
  /** For tests: a stand-in for fs.watch. */
  watch?: typeof fsWatch;
}

/**
 * Watches one exercise folder. Emits `touched` at the first sign of a save, `change` (with the
 * files) once saves settle, and `polling` (with the reason) when it falls back to scanning.
 *
 * File events are fast but do not arrive in some places (containers with bind mounts, network
 * folders), so a periodic scan runs beside them: when the scan sees a change that no event
 * announced, even a scan later, events are deemed unreliable and the scan takes over.
 */
export class FileWatcher extends EventEmitter {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private files = new Map<string, string>();
  private pending = new Set<string>();
  private lastEventAt = 0;
  private lastScanAt = 0;
  /** Files the scan saw change that no event has announced yet. */
  private unconfirmed?: { since: number; files: string[] };
  mode: 'events' | 'polling' = 'events';

  constructor(private readonly options: FileWatcherOptions) {
    super();
  }

  get pollMs(): number {
    return this.options.pollMs ?? 500;
  }

  start(): void {
    this.files = snapshot(this.options.dir);
    this.lastScanAt = Date.now();
    if (this.options.poll) this.mode = 'polling';
    else {
      try {
        this.watcher = (this.options.watch ?? fsWatch)(this.options.dir, { recursive: true }, (_event, filename) => this.onEvent(filename ? String(filename) : undefined));
        this.watcher.on('error', (error) => this.fallBack(String((error as Error).message)));
      } catch (error) {
        this.fallBack((error as Error).message);
      }
    }
    this.timer = setInterval(() => this.scan(), this.pollMs);
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
  }

  private onEvent(filename: string | undefined): void {
    if (filename && isIgnored(filename)) return;
    this.lastEventAt = Date.now();
    this.unconfirmed = undefined;
    this.saved(filename ? [filename] : []);
  }

  private saved(files: string[]): void {
    if (this.pending.size === 0 && !this.debounce) this.emit('touched', files);
    for (const f of files) this.pending.add(f);
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      const changed = [...this.pending].sort();
      this.pending.clear();
      this.emit('change', changed);
    }, this.options.debounceMs ?? 100);
  }

  private scan(): void {
    const previousScanAt = this.lastScanAt;
    const files = snapshot(this.options.dir);
    this.lastScanAt = Date.now();
    const changed = changedFiles(this.files, files);
    this.files = files;
    if (this.mode === 'polling') {
      if (changed.length > 0) this.saved(changed);
      return;
    }
    if (this.unconfirmed && this.lastEventAt < this.unconfirmed.since) {
      // A scan later (the event loop has read any pending event since) and still none: events do not arrive here.
      const files = [...new Set([...this.unconfirmed.files, ...changed])];
      this.unconfirmed = undefined;
      this.fallBack(t('watch.noEvents'));
      this.saved(files);
      return;
    }
    if (changed.length > 0 && this.lastEventAt < previousScanAt) this.unconfirmed = { since: previousScanAt, files: changed };
  }

  private fallBack(reason: string): void {
    if (this.mode === 'polling') return;
    this.mode = 'polling';
    this.watcher?.close();
    this.watcher = undefined;
    this.emit('polling', reason);
  }
}
