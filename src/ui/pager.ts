import { spawnSync } from 'node:child_process';
import { t } from '../i18n/messages';
import { nextKey } from './keys';
import { makeStyle } from './style';

/** Columns to render prose to: the terminal's width up to a comfortable reading width, else 80. */
export function readingWidth(stream: NodeJS.WriteStream = process.stdout): number {
  return stream.isTTY ? Math.min(stream.columns || 80, 100) : 80;
}

/**
 * Shows text one screen at a time when it is longer than the terminal: through $PAGER, else
 * `less -R`, else a small built-in pager. Not a terminal, or short enough: printed as it is.
 */
export async function showPaged(text: string, out: NodeJS.WriteStream = process.stdout, input: NodeJS.ReadStream = process.stdin): Promise<void> {
  const lines = text.replace(/\n$/, '').split('\n');
  const rows = out.rows || 24;
  if (!out.isTTY || !input.isTTY || lines.length < rows) {
    out.write(text.endsWith('\n') ? text : text + '\n');
    return;
  }
  const pager = process.env.PAGER?.trim();
  if (pager === '' || pager === 'cat') {
    out.write(text);
    return;
  }
  if (pager !== 'builtin') {
    // spawnSync keeps our own stdin unread while the pager owns the terminal.
    const result = spawnSync(pager ?? 'less -R', {
      shell: true,
      input: text,
      stdio: ['pipe', 'inherit', 'inherit'],
      // As git does: quit when it fits, keep colours, leave the text on screen; and quit on Ctrl-C.
      env: { ...process.env, LESS: process.env.LESS ?? 'FRXK' },
    });
    if (!result.error && result.status !== 127) return;
  }
  await builtinPager(lines, rows, out, input);
}

async function builtinPager(lines: string[], rows: number, out: NodeJS.WriteStream, input: NodeJS.ReadStream): Promise<void> {
  const style = makeStyle();
  let shown = 0;
  let step = rows - 1;
  while (shown < lines.length) {
    out.write(lines.slice(shown, shown + step).join('\n') + '\n');
    shown += step;
    if (shown >= lines.length) return;
    out.write(style.inverse(t('pager.more', { percent: Math.round((100 * shown) / lines.length) })));
    const key = await nextKey(input);
    out.write('\r\u001b[K');
    if (key === 'q' || key === 'Q' || key === '\u001b') return;
    step = key === '\r' || key === '\n' || key === 'j' || key === '\u001b[B' ? 1 : rows - 1;
  }
}
