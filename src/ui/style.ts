import { Chalk, type ChalkInstance } from 'chalk';

/** Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export function makeStyle(enabled = colorEnabled()): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

/** An OSC 8 hyperlink to a file when colours are on (terminals that support it make it clickable). */
export function fileLink(file: string, label = file, enabled = colorEnabled()): string {
  return enabled ? `\u001b]8;;file://${file}\u0007${label}\u001b]8;;\u0007` : label;
}
