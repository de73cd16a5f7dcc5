/**
 * How many terminal columns a piece of text takes: what a fixed-width diagram must measure instead of
 * `.length` (a Ukrainian letter is one column but may be two code units once decomposed, a CJK
 * character or an emoji is two, a combining accent is none). ANSI colour codes take none.
 */
import { stripVTControlCharacters } from 'node:util';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// East Asian Wide and Fullwidth blocks, and pictographs shown as emoji: two columns in a terminal.
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{1FA70}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;

/** The columns of one grapheme (a user-perceived character). */
export function graphemeWidth(grapheme: string): number {
  if (ZERO.test(grapheme)) return 0;
  if (WIDE.test(grapheme) || grapheme.includes('\uFE0F')) return 2;
  return 1;
}

export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** The columns `text` takes in a terminal, colour codes ignored. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const g of graphemes(stripVTControlCharacters(text))) width += graphemeWidth(g);
  return width;
}

/** `text` cut to at most `width` columns, ending in … when something was cut (plain text only). */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const w = graphemeWidth(g);
    if (used + w > width - 1) break;
    out += g;
    used += w;
  }
  return `${out}…`;
}
