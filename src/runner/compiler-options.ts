import path from 'node:path';
import ts from 'typescript';

/**
 * The compiler options of a workspace's tsconfig.json, for type-checking only (noEmit). Naming the
 * config file makes `types` resolve from the workspace, whatever folder the command ran in. Loads the
 * TypeScript compiler: import this only where a type check happens, never on start-up.
 */
export function typeCheckOptions(tsconfig: string): ts.CompilerOptions {
  const config = ts.readConfigFile(tsconfig, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config ?? {}, ts.sys, path.dirname(tsconfig), undefined, tsconfig);
  return { ...parsed.options, noEmit: true };
}
