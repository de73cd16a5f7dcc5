import { EventEmitter, once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { changedFiles, FileWatcher, isIgnored } from '../../src/watch/file-watcher';
import { tempDir } from '../support/cli';

const watchers: FileWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.stop();
});

function watcher(options: Partial<ConstructorParameters<typeof FileWatcher>[0]> = {}) {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'main.ts'), 'starter\n');
  const w = new FileWatcher({ dir, debounceMs: 50, pollMs: 100, ...options });
  watchers.push(w);
  w.start();
  return { dir, w };
}

/** fs.watch where file events never arrive, as on some network folders and container mounts. */
const silentWatch = (() => Object.assign(new EventEmitter(), { close: () => undefined })) as unknown as typeof import('node:fs').watch;

describe('which files count', () => {
  test('editor swap files, backups and node_modules are ignored', () => {
    for (const f of ['.main.ts.swp', 'main.ts~', '4913', 'node_modules/x/index.js', '.#main.ts']) expect(isIgnored(f), f).toBe(true);
    for (const f of ['main.ts', 'gateway/app.module.ts', 'proto/math.proto']) expect(isIgnored(f), f).toBe(false);
  });

  test('added, changed and removed files are all changes', () => {
    const before = new Map([['a.ts', '1:10'], ['b.ts', '1:10']]);
    const after = new Map([['a.ts', '2:11'], ['c.ts', '1:1']]);
    expect(changedFiles(before, after)).toEqual(['a.ts', 'b.ts', 'c.ts']);
  });
});

describe('saves', () => {
  test('a save is announced at once, then as a change once saves settle', async () => {
    const { dir, w } = watcher();
    const touched = once(w, 'touched');
    const changed = once(w, 'change');
    writeFileSync(path.join(dir, 'main.ts'), 'solved at last\n');
    await touched;
    const [files] = (await changed) as [string[]];
    expect(files).toContain('main.ts');
    expect(w.mode).toBe('events');
  });

  test('files in subfolders count', async () => {
    const { dir, w } = watcher({ poll: true });
    mkdirSync(path.join(dir, 'gateway'));
    const changed = once(w, 'change');
    writeFileSync(path.join(dir, 'gateway', 'main.ts'), 'x\n');
    const [files] = (await changed) as [string[]];
    expect(files).toEqual([path.join('gateway', 'main.ts')]);
  });

  test('with --poll the folder is scanned', async () => {
    const { dir, w } = watcher({ poll: true });
    expect(w.mode).toBe('polling');
    const changed = once(w, 'change');
    writeFileSync(path.join(dir, 'main.ts'), 'changed by polling\n');
    expect(((await changed) as [string[]])[0]).toEqual(['main.ts']);
  });
});

describe('when file events do not arrive', () => {
  test('the watcher notices, says so, falls back to scanning, and still reports the save', async () => {
    const { dir, w } = watcher({ watch: silentWatch });
    const polling = once(w, 'polling');
    const changed = once(w, 'change');
    writeFileSync(path.join(dir, 'main.ts'), 'saved where events never come\n');
    const [reason] = (await polling) as [string];
    expect(reason).toMatch(/no file events/);
    expect(w.mode).toBe('polling');
    expect(((await changed) as [string[]])[0]).toEqual(['main.ts']);

    const again = once(w, 'change');
    writeFileSync(path.join(dir, 'main.ts'), 'and saved again, a little longer\n');
    expect(((await again) as [string[]])[0]).toEqual(['main.ts']);
  });

  test('an fs.watch that fails to start means scanning from the start', async () => {
    const failing = (() => {
      throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    }) as unknown as typeof import('node:fs').watch;
    const dir = tempDir();
    const w = new FileWatcher({ dir, pollMs: 100, watch: failing });
    watchers.push(w);
    const polling = once(w, 'polling');
    w.start();
    expect(((await polling) as [string])[0]).toContain('ENOSPC');
  });
});

