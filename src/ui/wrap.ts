/**
 * Text wrapped at word boundaries for a terminal of `width` columns (colours kept), so that hints and
 * check messages never break in the middle of a word. Lines already short are left as they are.
 */
// wrap-ansi is an ES module; Node 20.19+ loads it with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const wrapAnsi = (require('wrap-ansi') as { default: typeof import('wrap-ansi').default }).default;

export function wrapText(text: string, width: number | undefined): string {
  if (!width) return text;
  return text
    .split('\n')
    .map((line) => {
      // A continuation keeps the line's own indentation, so evidence and lists stay readable.
      const indent = /^\s*/.exec(line)![0];
      const wrapped = wrapAnsi(line.slice(indent.length), Math.max(20, width - indent.length), { hard: true, trim: true });
      return wrapped
        .split('\n')
        .map((part) => indent + part)
        .join('\n');
    })
    .join('\n');
}
