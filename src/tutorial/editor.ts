import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface Editor {
  /** What the learner sees in the menu. */
  label: string;
  /** A terminal editor takes over this terminal until it exits; a window opens beside it. */
  inTerminal: boolean;
  command: string;
}

/** Whether a program is on PATH. */
export function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** $VISUAL or $EDITOR, and VS Code when its `code` command is installed. */
export function availableEditors(): Editor[] {
  const editors: Editor[] = [];
  const own = process.env.VISUAL || process.env.EDITOR;
  if (own) editors.push({ label: own, inTerminal: true, command: own });
  if (onPath('code') && own !== 'code') editors.push({ label: 'VS Code', inTerminal: false, command: 'code' });
  return editors;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Opens the exercise: a terminal editor on its files (waiting for it), VS Code on its folder. */
export function openInEditor(editor: Editor, dir: string, files: string[]): void {
  if (editor.inTerminal) {
    spawnSync(`${editor.command} ${files.map((f) => quote(path.join(dir, f))).join(' ')}`, { shell: true, stdio: 'inherit' });
    return;
  }
  spawn(editor.command, [dir, ...files.slice(0, 1).map((f) => path.join(dir, f))], { detached: true, stdio: 'ignore' }).unref();
}
