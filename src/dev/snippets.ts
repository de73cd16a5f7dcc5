import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Lexer, type Token, type Tokens } from 'marked';
import ts from 'typescript';
import { typeCheckOptions } from '../runner/compiler-options';
import { nativeCompiler, runNative, type TypeDiagnostic } from '../runner/typecheck';

/**
 * The TypeScript snippets of a lesson, made into files that can be type-checked together:
 *
 * - a block whose first line names a file (`// gateway/main.ts`) is that whole file; the whole files
 *   of a lesson form one project, so their imports of each other resolve;
 * - a part of a file is checked inside a frame the author writes in an HTML comment just before the
 *   block (not shown to the learner): `<!-- snippet-frame ... -->`, where the line `@@snippet@@`
 *   stands for the block;
 * - `<!-- snippet-expect-error -->` before a block says that TypeScript rejects it, as the text
 *   around it claims; the check proves that it does;
 * - `<!-- snippet-file math-service/math.module.ts ... -->` adds a file the lesson does not show to
 *   its project, so that a whole file shown can import it as the learner's code does.
 */
export interface Snippet {
  /** The 1-based line of the block's first code line in the markdown file. */
  line: number;
  code: string;
  /** The file a whole-file block names, relative to the lesson's project. */
  file?: string;
  frame?: string;
  expectError: boolean;
  /** A file of the project that the learner does not see (`snippet-file`). */
  hidden?: boolean;
}

export interface SnippetProblem {
  snippet: Snippet;
  /** The line in the markdown file the problem is on. */
  line: number;
  message: string;
}

const FRAME = /^<!--\s*snippet-frame\s*\n([\s\S]*?)-->$/;
const HIDDEN_FILE = /^<!--\s*snippet-file\s+([\w./-]+\.ts)\s*\n([\s\S]*?)-->$/;
const EXPECT_ERROR = /^<!--\s*snippet-expect-error\s*-->$/;
const MARKER = '@@snippet@@';
const FILE_HEADER = /^\/\/ ([\w./-]+\.ts)\s*$/;

export function extractSnippets(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  let cursor = 0;
  let pending: { frame?: string; expectError: boolean } = { expectError: false };
  const visit = (tokens: Token[]) => {
    for (const token of tokens) {
      const at = markdown.indexOf(token.raw, cursor);
      if (at >= 0) cursor = at;
      if (token.type === 'html') {
        const frame = FRAME.exec(token.raw.trim());
        const hidden = HIDDEN_FILE.exec(token.raw.trim());
        if (frame) pending = { ...pending, frame: frame[1] };
        else if (hidden) snippets.push({ line: markdown.slice(0, cursor).split('\n').length + 1, code: hidden[2], file: hidden[1], expectError: false, hidden: true });
        else if (EXPECT_ERROR.test(token.raw.trim())) pending = { ...pending, expectError: true };
        continue;
      }
      if (token.type === 'code') {
        const code = token as Tokens.Code;
        if (code.lang === 'ts' || code.lang === 'typescript') {
          const line = markdown.slice(0, cursor).split('\n').length + 1;
          const header = FILE_HEADER.exec(code.text.split('\n')[0] ?? '');
          snippets.push({ line, code: code.text, file: pending.frame ? undefined : header?.[1], frame: pending.frame, expectError: pending.expectError });
        }
        pending = { expectError: false };
        continue;
      }
      if (token.type !== 'space') pending = { expectError: false };
      if (token.type === 'blockquote') visit((token as Tokens.Blockquote).tokens);
    }
  };
  visit(new Lexer().lex(markdown));
  return snippets;
}

/**
 * Writes the lesson's snippets into `dir` (a workspace, whose tsconfig and node_modules they use)
 * and type-checks them; returns every problem, located in the markdown file.
 */
export async function checkSnippets(snippets: Snippet[], dir: string, tsconfig: string): Promise<SnippetProblem[]> {
  const files = new Map<string, { snippet: Snippet; offset: number }>();
  snippets.forEach((snippet, index) => {
    let name = snippet.file ?? `__snippet-${index + 1}.ts`;
    if (snippet.file && files.has(path.join(dir, snippet.file))) name = snippet.file.replace(/\.ts$/, `.${index + 1}.ts`);
    let text = snippet.code;
    let offset = 0;
    if (snippet.frame) {
      const [before] = snippet.frame.split(MARKER);
      offset = before.split('\n').length - 1;
      text = snippet.frame.replace(MARKER, snippet.code);
    }
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    files.set(file, { snippet, offset });
  });

  const problems: SnippetProblem[] = [];
  const rejected = new Set<Snippet>();
  for (const d of await diagnosticsOf([...files.keys()], tsconfig)) {
    const origin = d.file ? files.get(path.resolve(d.file)) : undefined;
    if (!origin) {
      problems.push({ snippet: snippets[0], line: 0, message: `TS${d.code}: ${d.message}` });
      continue;
    }
    if (origin.snippet.expectError) {
      rejected.add(origin.snippet);
      continue;
    }
    const inSnippet = (d.line ?? 1) - 1 - origin.offset;
    const inFrame = inSnippet < 0 || inSnippet >= origin.snippet.code.split('\n').length;
    problems.push({ snippet: origin.snippet, line: inFrame ? origin.snippet.line : origin.snippet.line + inSnippet, message: `TS${d.code}: ${d.message}${inFrame ? ' (in its frame)' : ''}` });
  }
  for (const snippet of snippets) {
    if (snippet.expectError && !rejected.has(snippet)) problems.push({ snippet, line: snippet.line, message: 'the text says TypeScript rejects this snippet, but it compiles' });
  }
  return problems.sort((a, b) => a.line - b.line);
}

/**
 * The type errors of these files: by TypeScript 7's native compiler where the platform has it (a
 * fraction of a second; the JavaScript compiler took 4-9 CPU-seconds a lesson, for every lesson in
 * every `npm test`), else by the JavaScript compiler, with the workspace's settings either way.
 */
async function diagnosticsOf(files: string[], tsconfig: string): Promise<TypeDiagnostic[]> {
  const exe = nativeCompiler();
  const native = exe ? await runNative(exe, { tsconfig, files, key: 'snippets' }) : undefined;
  if (native) return native;
  const program = ts.createProgram({ rootNames: files, options: typeCheckOptions(tsconfig) });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const position = d.file?.getLineAndCharacterOfPosition(d.start ?? 0);
    return { file: d.file?.fileName, line: position && position.line + 1, column: position && position.character + 1, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}
