/**
 * Type-checks one exercise in a process of its own, off the services' start-up path.
 * argv: <tsconfig.json> <file...>; prints a JSON array of diagnostics on stdout.
 */
import path from 'node:path';
import ts from 'typescript';

const [tsconfig, ...files] = process.argv.slice(2);
const config = ts.readConfigFile(tsconfig, ts.sys.readFile);
// Naming the config file makes `types` resolve from the workspace, whatever folder the command ran in.
const parsed = ts.parseJsonConfigFileContent(config.config ?? {}, ts.sys, path.dirname(tsconfig), undefined, tsconfig);
const program = ts.createProgram({ rootNames: files, options: { ...parsed.options, noEmit: true } });
const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
  const position = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
  return {
    file: d.file?.fileName,
    line: position ? position.line + 1 : undefined,
    column: position ? position.character + 1 : undefined,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  };
});
process.stdout.write(JSON.stringify(diagnostics));
