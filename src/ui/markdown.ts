import type { ChalkInstance } from 'chalk';
import type { HLJSApi, LanguageFn } from 'highlight.js';
import type { Token, Tokens } from 'marked';
import { makeStyle } from './style';
import { wrapAnsi } from './wrap';

/** Only the languages lessons use: loading all of highlight.js's would cost start-up time. */
const LANGUAGES = ['bash', 'diff', 'javascript', 'json', 'protobuf', 'shell', 'typescript', 'xml', 'yaml'] as const;

let engines: { lex: (markdown: string) => Token[]; hljs: HLJSApi } | undefined;

/** marked and highlight.js, loaded on the first render: most commands never render Markdown. */
function markdownEngines(): { lex: (markdown: string) => Token[]; hljs: HLJSApi } {
  if (engines) return engines;
  const { marked } = require('marked') as typeof import('marked');
  const hljs = require('highlight.js/lib/core') as HLJSApi;
  for (const name of LANGUAGES) hljs.registerLanguage(name, require(`highlight.js/lib/languages/${name}`) as LanguageFn);
  hljs.registerAliases(['sh', 'console'], { languageName: 'bash' });
  hljs.registerAliases(['proto'], { languageName: 'protobuf' });
  engines = { lex: (markdown) => marked.lexer(markdown), hljs };
  return engines;
}

export interface MarkdownOptions {
  /** Columns to wrap paragraphs, lists and tables to. */
  width?: number;
  /** ANSI colours and highlighting; without them the result is plain text. */
  color?: boolean;
}

/** A rendered inline run split into words that never carry a style across a line break. */
type Word = { text: string; width: number } | 'break';

const ANSI = /\u001b\[[0-9;]*m|\u001b\]8;[^\u0007]*\u0007/g;

/** Columns a string takes in the terminal, ignoring colour codes and hyperlinks. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/**
 * Renders a lesson's Markdown for the terminal: headings, paragraphs wrapped to the width, lists,
 * tables drawn with box characters, block quotes, and code blocks indented (so they copy cleanly)
 * and highlighted when colours are on.
 */
export function renderMarkdown(markdown: string, options: MarkdownOptions = {}): string {
  const width = Math.max(30, options.width ?? 80);
  const style = makeStyle(options.color ?? false);
  const renderer = new TerminalRenderer(style, options.color ?? false);
  return renderer.blocks(markdownEngines().lex(markdown), width).join('\n\n').replace(/\n{3,}/g, '\n\n') + '\n';
}

class TerminalRenderer {
  constructor(
    private readonly style: ChalkInstance,
    private readonly color: boolean,
  ) {}

  blocks(tokens: Token[], width: number): string[] {
    return tokens.map((token) => this.block(token, width)).filter((b): b is string => b !== undefined);
  }

  private block(token: Token, width: number): string | undefined {
    const s = this.style;
    switch (token.type) {
      case 'heading': {
        const t = token as Tokens.Heading;
        const [colour, rule] = t.depth === 1 ? [s.bold.magenta, '═'] : t.depth === 2 ? [s.bold.cyan, '─'] : [s.bold, ''];
        const lines = this.wrap(this.inline(t.tokens, (x) => colour(x)), width);
        const ruleWidth = Math.min(width, Math.max(...lines.map(visibleWidth)));
        return rule ? `${lines.join('\n')}\n${colour(rule.repeat(ruleWidth))}` : lines.join('\n');
      }
      case 'paragraph':
        return this.wrap(this.inline((token as Tokens.Paragraph).tokens, (x) => x), width).join('\n');
      case 'text': {
        const t = token as Tokens.Text;
        return this.wrap(t.tokens ? this.inline(t.tokens, (x) => x) : this.words(decodeEntities(t.text), (x) => x), width).join('\n');
      }
      case 'code':
        return this.code(token as Tokens.Code);
      case 'list':
        return this.list(token as Tokens.List, width);
      case 'table':
        return this.table(token as Tokens.Table, width);
      case 'blockquote': {
        const inner = this.blocks((token as Tokens.Blockquote).tokens, width - 2).join('\n\n');
        return inner
          .split('\n')
          .map((line) => s.dim('│ ') + s.italic(line))
          .join('\n');
      }
      case 'hr':
        return s.dim('─'.repeat(width));
      case 'html': {
        // Comments are for authors (e.g. the frames the snippet check compiles a part of a file in).
        const html = (token as Tokens.HTML).text.trim();
        return html.startsWith('<!--') && html.endsWith('-->') ? undefined : s.dim(html);
      }
      case 'space':
        return undefined;
      default:
        return 'text' in token && typeof token.text === 'string' ? token.text : undefined;
    }
  }

  private code(token: Tokens.Code): string {
    const lang = (token.lang ?? '').split(/\s/)[0].toLowerCase();
    return this.highlight(token.text, lang)
      .split('\n')
      .map((line) => (line ? '    ' + line : ''))
      .join('\n');
  }

  private highlight(code: string, lang: string): string {
    const { hljs } = markdownEngines();
    if (!this.color || !lang || !hljs.getLanguage(lang)) return code;
    try {
      return htmlToAnsi(hljs.highlight(code, { language: lang, ignoreIllegals: true }).value, this.style);
    } catch {
      return code;
    }
  }

  private list(token: Tokens.List, width: number): string {
    const start = typeof token.start === 'number' ? token.start : 1;
    const markers = token.items.map((item, i) => (item.task ? (item.checked ? '[x]' : '[ ]') : token.ordered ? `${start + i}.` : this.color ? '•' : '-'));
    const markerWidth = Math.max(...markers.map((m) => m.length)) + 1;
    const items = token.items.map((item, i) => {
      const body = this.blocks(item.tokens, width - markerWidth).join(item.loose ? '\n\n' : '\n');
      const marker = this.style.cyan(markers[i].padEnd(markerWidth));
      return body
        .split('\n')
        .map((line, n) => (n === 0 ? marker + line : line ? ' '.repeat(markerWidth) + line : line))
        .join('\n');
    });
    return items.join(token.loose ? '\n\n' : '\n');
  }

  /** True while a table's cells are laid out: code spans there may break at their spaces. */
  private inTable = false;

  private table(token: Tokens.Table, width: number): string {
    const s = this.style;
    this.inTable = true;
    const cells = [token.header, ...token.rows].map((row) => row.map((cell) => this.inline(cell.tokens, (x) => x)));
    this.inTable = false;
    const columns = token.header.length;
    // Each column as wide as its longest line, then the widest shrunk until the table fits.
    const natural = Array.from({ length: columns }, (_, c) => Math.max(3, ...cells.map((row) => naturalWidth(row[c] ?? []))));
    // A column keeps room for its longest word while another column can still give some up.
    const longestWord = Array.from({ length: columns }, (_, c) => Math.max(3, ...cells.flatMap((row) => (row[c] ?? []).map((w) => (w === 'break' ? 0 : w.width)))));
    const widths = [...natural];
    const available = width - (3 * columns + 1);
    while (widths.reduce((a, b) => a + b, 0) > available) {
      const shrinkable = widths.map((w, c) => (w > longestWord[c] ? w : 0));
      const pool = Math.max(...shrinkable) > 0 ? shrinkable : widths;
      const widest = pool.indexOf(Math.max(...pool));
      if (widths[widest] <= 3) break;
      widths[widest] -= 1;
    }
    const border = (left: string, mid: string, right: string) => s.dim(left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right);
    const renderRow = (row: Word[][], header: boolean) => {
      const wrapped = widths.map((w, c) => this.wrap(row[c] ?? [], w, true));
      const height = Math.max(...wrapped.map((lines) => lines.length));
      const lines: string[] = [];
      for (let n = 0; n < height; n++) {
        const parts = wrapped.map((cellLines, c) => {
          const text = cellLines[n] ?? '';
          const padded = align(text, widths[c], token.align[c]);
          return header ? s.bold(padded) : padded;
        });
        lines.push(s.dim('│ ') + parts.join(s.dim(' │ ')) + s.dim(' │'));
      }
      return lines.join('\n');
    };
    const [header, ...rows] = cells;
    return [border('┌', '┬', '┐'), renderRow(header, true), border('├', '┼', '┤'), ...rows.map((r) => renderRow(r, false)), border('└', '┴', '┘')].join('\n');
  }

  /** Inline tokens as words, each styled on its own so that wrapping never splits a style. */
  private inline(tokens: Token[] | undefined, wrapStyle: (text: string) => string): Word[] {
    const s = this.style;
    const words: Word[] = [];
    let pending: { text: string; width: number } | undefined;
    const flush = () => {
      if (pending) words.push(pending);
      pending = undefined;
    };
    const push = (items: Word[], joinFirst: boolean) => {
      items.forEach((item, i) => {
        if (item === 'break' || !('text' in item)) {
          flush();
          if (item === 'break') words.push('break');
          return;
        }
        if (item.width === 0) {
          // An empty word marks a space: the next piece starts a new word.
          flush();
          return;
        }
        if (i === 0 && joinFirst && pending) pending = { text: pending.text + item.text, width: pending.width + item.width };
        else {
          flush();
          pending = { ...item };
        }
      });
    };
    for (const token of tokens ?? []) {
      switch (token.type) {
        case 'strong':
          push(this.inline((token as Tokens.Strong).tokens, (x) => wrapStyle(s.bold(x))), true);
          break;
        case 'em':
          push(this.inline((token as Tokens.Em).tokens, (x) => wrapStyle(s.italic(x))), true);
          break;
        case 'del':
          push(this.inline((token as Tokens.Del).tokens, (x) => wrapStyle(s.strikethrough(x))), true);
          break;
        case 'codespan': {
          const text = decodeEntities((token as Tokens.Codespan).text);
          const shown = this.color ? text : `\`${text}\``;
          if (!this.inTable) {
            // A code span in prose stays on one line, so it can be copied as it is.
            push([{ text: wrapStyle(s.cyan(shown)), width: [...shown].length }], true);
            break;
          }
          // In a table cell it may break at its spaces: a table must fit the screen (or 80 columns piped).
          const pieces = shown.split(' ');
          push(
            pieces.flatMap((piece, n) => [...(n > 0 ? [{ text: '', width: 0 }] : []), { text: wrapStyle(s.cyan(piece)), width: [...piece].length }]),
            true,
          );
          break;
        }
        case 'link': {
          const link = token as Tokens.Link;
          push(this.inline(link.tokens, (x) => wrapStyle(s.underline.blue(x))), true);
          if (link.href && link.href !== link.text && !link.href.startsWith('#')) push(this.words(` (${link.href})`, (x) => wrapStyle(s.dim(x))), true);
          break;
        }
        case 'image':
          push(this.words(`[${(token as Tokens.Image).text}]`, (x) => wrapStyle(s.dim(x))), true);
          break;
        case 'br':
          push(['break'], false);
          break;
        case 'text': {
          const t = token as Tokens.Text;
          push(t.tokens ? this.inline(t.tokens, wrapStyle) : this.words(decodeEntities(t.text), wrapStyle), true);
          break;
        }
        case 'escape':
        case 'html':
        default:
          push(this.words('text' in token && typeof token.text === 'string' ? token.text : '', wrapStyle), true);
      }
    }
    flush();
    return words;
  }

  /** Plain text as words; whitespace (including soft line breaks) separates them. */
  private words(text: string, styleWord: (text: string) => string): Word[] {
    const out: Word[] = [];
    for (const part of text.split(/(\s+)/)) {
      if (part === '') continue;
      if (/^\s+$/.test(part)) out.push({ text: '', width: 0 });
      else out.push({ text: styleWord(part), width: [...part].length });
    }
    return out;
  }

  /** Greedy word wrap; a word longer than the width gets a line of its own. */
  /** Words to lines of `width`; `cut` (table cells) cuts a word longer than a whole line, prose never does. */
  private wrap(words: Word[], width: number, cut = false): string[] {
    const lines: string[] = [];
    let line = '';
    let used = 0;
    for (const word of words) {
      if (word === 'break') {
        lines.push(line);
        line = '';
        used = 0;
        continue;
      }
      if (used > 0 && used + 1 + word.width > width) {
        lines.push(line);
        line = '';
        used = 0;
      }
      if (cut && word.width > width) {
        // Longer than the whole line (a narrow table column): cut it, colours kept.
        const parts = wrapAnsi(word.text, width, { hard: true, trim: false }).split('\n');
        lines.push(...parts.slice(0, -1));
        line = parts.at(-1) ?? '';
        used = visibleWidth(line);
        continue;
      }
      line += (used > 0 ? ' ' : '') + word.text;
      used += (used > 0 ? 1 : 0) + word.width;
    }
    if (line || lines.length === 0) lines.push(line);
    return lines;
  }
}

function naturalWidth(words: Word[]): number {
  let width = 0;
  let line = 0;
  for (const w of words) {
    if (w === 'break') {
      width = Math.max(width, line);
      line = 0;
    } else line += (line > 0 ? 1 : 0) + w.width;
  }
  return Math.max(width, line);
}

function align(text: string, width: number, how: 'left' | 'right' | 'center' | null): string {
  const gap = Math.max(0, width - visibleWidth(text));
  if (how === 'right') return ' '.repeat(gap) + text;
  if (how === 'center') return ' '.repeat(Math.floor(gap / 2)) + text + ' '.repeat(Math.ceil(gap / 2));
  return text + ' '.repeat(gap);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** highlight.js token classes to terminal colours. */
function colourFor(style: ChalkInstance, scope: string): ((text: string) => string) | undefined {
  switch (scope) {
    case 'keyword':
    case 'built_in':
    case 'literal':
    case 'selector-tag':
      return style.magenta;
    case 'string':
    case 'regexp':
    case 'addition':
    case 'template-tag':
      return style.green;
    case 'number':
    case 'meta':
    case 'symbol':
      return style.yellow;
    case 'comment':
    case 'quote':
      return style.dim;
    case 'title':
    case 'type':
    case 'class':
      return style.cyan;
    case 'attr':
    case 'property':
    case 'variable':
    case 'params':
      return style.blue;
    case 'deletion':
      return style.red;
    default:
      return undefined;
  }
}

/** Turns highlight.js's HTML (nested `<span class="hljs-…">`) into ANSI colours, line by line. */
export function htmlToAnsi(html: string, style: ChalkInstance): string {
  const stack: (((text: string) => string) | undefined)[] = [];
  let out = '';
  const pattern = /<span class="([^"]*)">|<\/span>|([^<]+)/g;
  for (let m = pattern.exec(html); m; m = pattern.exec(html)) {
    if (m[1] !== undefined) {
      const scope = m[1].split(/\s+/)[0].replace(/^hljs-/, '');
      stack.push(colourFor(style, scope) ?? stack[stack.length - 1]);
    } else if (m[0] === '</span>') {
      stack.pop();
    } else {
      const text = decodeEntities(m[2]);
      const colour = stack[stack.length - 1];
      // Colour each line on its own so that indenting the lines later keeps the colours intact.
      out += colour ? text.split('\n').map((line) => (line ? colour(line) : line)).join('\n') : text;
    }
  }
  return out;
}
