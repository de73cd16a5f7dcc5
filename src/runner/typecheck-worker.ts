/**
 * Type-checks exercises in a long-lived, low-priority process of its own, off the services' start-up
 * path. Requests arrive over IPC: { id, tsconfig, files }; each gets { id, diagnostics } or { id, error }.
 *
 * The declaration files a Nest project pulls in (about 700: TypeScript's libs, @types/node, @nestjs/*)
 * are parsed once and reused by every later program, as TypeScript's language service does: a second
 * check of the same workspace takes a fraction of the first (watch mode, dev verify).
 */
import path from 'node:path';
import ts from 'typescript';
import { typeCheckOptions } from './compiler-options';

interface Request {
  id: number;
  tsconfig: string;
  files: string[];
}

const declarations = new Map<string, ts.SourceFile>();

function check(tsconfig: string, files: string[]) {
  const options = typeCheckOptions(tsconfig);
  const host = ts.createCompilerHost(options);
  // Parsing and binding depend on the options, not on where the workspace is: copies of one share.
  const settingsKey = JSON.stringify(Object.entries(options).filter(([, v]) => typeof v !== 'string' || !v.includes(path.sep)).sort(([a], [b]) => a.localeCompare(b)));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    // Only installed packages are cached: the learner's own files change between checks.
    if (!fileName.includes('/node_modules/')) return getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
    const settings = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const key = `${settingsKey}:${settings.languageVersion}:${settings.impliedNodeFormat ?? ''}:${fileName}`;
    let file = declarations.get(key);
    if (!file) {
      file = getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
      if (file) declarations.set(key, file);
    }
    return file;
  };
  const program = ts.createProgram({ rootNames: files, options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const position = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return {
      file: d.file?.fileName,
      line: position ? position.line + 1 : undefined,
      column: position ? position.character + 1 : undefined,
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    };
  });
}

process.on('message', (request: Request) => {
  try {
    process.send!({ id: request.id, diagnostics: check(request.tsconfig, request.files) });
  } catch (error) {
    process.send!({ id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
// The command that started this process is gone (or done with it): so is this process.
process.on('disconnect', () => process.exit(0));
