import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { renderMarkdown, visibleWidth } from '../../src/ui/markdown';
import { showPaged } from '../../src/ui/pager';

const ANSI = /\u001b\[[0-9;]*m/g;
const plain = (md: string, width = 60) => renderMarkdown(md, { width, color: false });
const colored = (md: string, width = 60) => renderMarkdown(md, { width, color: true });
const strip = (s: string) => s.replace(ANSI, '');

describe('plain text (not a terminal)', () => {
  test('has no colour codes', () => {
    expect(plain('# Title\n\nSome **bold** and `code`.\n\n```ts\nconst a = 1;\n```\n')).not.toMatch(ANSI);
  });

  test("HTML comments (the authors' snippet frames) are not shown", () => {
    const out = plain('Before.\n\n<!-- snippet-frame\nclass Hidden {\n@@snippet@@\n}\n-->\n\n```ts\nconst shown = 1;\n```\n');
    expect(out).toContain('Before.');
    expect(out).toContain('const shown = 1;');
    expect(out).not.toMatch(/Hidden|snippet|<!--/);
  });

  test('headings keep their text and are underlined', () => {
    const out = plain('# TCP basics\n\n## Transports\n\n### Small\n');
    expect(out).toContain('TCP basics\n══════════');
    expect(out).toContain('Transports\n──────────');
    expect(out).toContain('Small');
    expect(out).not.toContain('#');
  });

  test('paragraphs are wrapped to the width, soft line breaks joined', () => {
    const out = plain('one two three four five six seven eight nine ten\neleven twelve thirteen fourteen fifteen sixteen', 30);
    for (const line of out.trimEnd().split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(30);
    expect(out.replace(/\s+/g, ' ').trim()).toBe('one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen');
  });

  test('code spans keep their backticks and are never split across lines', () => {
    const out = plain('call `client.send({ cmd: "sum" }, [1, 2])` to ask', 20);
    expect(out).toContain('`client.send({ cmd: "sum" }, [1, 2])`');
  });

  test('entities are decoded', () => {
    expect(plain('a &amp; b &lt;c&gt;')).toContain('a & b <c>');
  });

  test('code blocks are indented and otherwise verbatim', () => {
    const code = "import { Module } from '@nestjs/common';\n\n@Module({})\nexport class AppModule {}";
    const out = plain('Before:\n\n```ts\n' + code + '\n```\n\nAfter.');
    expect(out).toContain(code.split('\n').map((l) => (l ? '    ' + l : '')).join('\n'));
  });

  test('lists have markers and hanging indents; nested lists are indented further', () => {
    const out = plain('- first item that is long enough to wrap around the width\n- second\n  1. nested one\n  2. nested two\n', 30);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^- first item/);
    expect(lines[1]).toMatch(/^ {2}\S/);
    expect(out).toContain('- second\n  1. nested one\n  2. nested two');
  });

  test('tables are drawn with aligned columns', () => {
    const out = plain('| transport | broker |\n|---|---|\n| `TCP` | no |\n| `RMQ` | RabbitMQ |\n');
    expect(out).toContain('┌');
    expect(out).toMatch(/│ transport │ broker\s+│/);
    expect(out).toMatch(/│ `TCP`\s+│ no\s+│/);
    const widths = new Set(out.trimEnd().split('\n').map(visibleWidth));
    expect(widths.size).toBe(1);
  });

  test('a table wider than the screen wraps inside its cells', () => {
    const long = 'words '.repeat(20).trim();
    const out = plain(`| a | b |\n|---|---|\n| ${long} | ${long} |\n`, 50);
    for (const line of out.trimEnd().split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(50);
    expect(out.match(/words/g)?.length).toBe(40);
  });

  test('a table of long code spans still fits: they break at their spaces, and a word longer than its column is cut', () => {
    const md = '| shape | rpc | decorator |\n|---|---|---|\n| client streaming | `(stream Reading) returns (UploadSummary)` | `@GrpcStreamMethod` |\n| x | `AVeryLongIdentifierWithoutAnySpaceInItAtAll` | y |\n';
    for (const width of [80, 50, 36]) {
      for (const render of [plain, colored]) {
        const out = render(md, width);
        for (const line of out.trimEnd().split('\n')) expect(visibleWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width);
      }
    }
    const out = plain(md, 50);
    for (const word of ['(UploadSummary)', '`@GrpcStream', 'returns']) expect(out).toContain(word);
  });

  test('block quotes are marked', () => {
    expect(plain('> Careful: this matters.')).toContain('│ Careful: this matters.');
  });
});

describe('in a terminal', () => {
  test('headings are bold and coloured', () => {
    expect(colored('# Title')).toMatch(/\u001b\[1m/);
  });

  test('code blocks are highlighted, with the same text underneath', () => {
    const code = "const client = await tcpClient('MATH_PORT'); // a comment";
    const out = colored('```ts\n' + code + '\n```');
    expect(out).toMatch(ANSI);
    expect(out).toMatch(/\u001b\[35mconst\u001b\[39m/);
    expect(strip(out).trimEnd()).toBe('    ' + code);
  });

  test('an unknown language is shown without highlighting', () => {
    expect(colored('```cobol\nDISPLAY "HI".\n```')).toBe('    DISPLAY "HI".\n');
  });

  test('wrapping counts visible columns, not colour codes', () => {
    const out = colored('**bold** *em* `code` '.repeat(10), 40);
    for (const line of out.trimEnd().split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(40);
  });

  test('bullets are drawn as dots', () => {
    expect(strip(colored('- one\n- two'))).toBe('• one\n• two\n');
  });
});

describe('paging', () => {
  test('not a terminal: the text is printed as it is', async () => {
    const out = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    const chunks: string[] = [];
    (out as unknown as PassThrough).on('data', (c: Buffer) => chunks.push(c.toString()));
    const text = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n') + '\n';
    await showPaged(text, out, process.stdin);
    expect(chunks.join('')).toBe(text);
  });
});
