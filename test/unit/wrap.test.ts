import { expect, test } from 'vitest';
import { wrapText } from '../../src/ui/wrap';

test('long hints and messages wrap at word boundaries, keeping each line’s indentation', () => {
  const text = 'Every handler in users.controller.ts needs the RmqContext and must settle its message exactly once after the work.\n  sent:     { pattern: "user_create", data: { name: "Ada Lovelace", email: "ada@example.com" } }';
  const wrapped = wrapText(text, 40);
  const lines = wrapped.split('\n');
  for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(40);
  // No word is cut: joining the lines again gives the words back.
  expect(wrapped.replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
  const firstParagraph = wrapText(text.split('\n')[0], 40).split('\n').length;
  expect(lines.slice(firstParagraph).every((l) => l.startsWith('  ')), wrapped).toBe(true);
});

test('without a width (piped output) nothing changes', () => {
  expect(wrapText('a '.repeat(100), undefined)).toBe('a '.repeat(100));
});
