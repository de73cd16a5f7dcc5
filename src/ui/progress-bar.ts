import type { ChalkInstance } from 'chalk';

/** `[██████░░░░░░] 2/5`: filled in proportion, blocks in colour, `#` and `-` in plain text. */
export function progressBar(done: number, total: number, style: ChalkInstance, width = 24, unit = ''): string {
  const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : 0;
  const fancy = style.level > 0;
  const bar = style.green((fancy ? '█' : '#').repeat(filled)) + style.dim((fancy ? '░' : '-').repeat(width - filled));
  return `[${bar}] ${done}/${total}${unit ? ` ${unit}` : ''}`;
}
