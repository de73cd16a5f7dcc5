/**
 * Preloaded (`node -r`) into each learner service: runs its TypeScript files the way `ts-node --swc`
 * does (swc, legacy decorators with their metadata, CommonJS), but keeps each compiled file in a cache
 * keyed by its content. A service whose files did not change starts as plain node; @swc/core is only
 * loaded for a file that changed. Source maps are inline, so stack traces point at the learner's .ts
 * lines. Decorator metadata is what Nest's dependency injection reads: tsx and Node's type stripping
 * drop it, which is why this is swc.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

interface CompilerSettings {
  target: string;
  decorators: boolean;
  decoratorMetadata: boolean;
  esModuleInterop: boolean;
  useDefineForClassFields: boolean;
}

const targets: Record<string, string> = { es2015: 'es2015', es2016: 'es2016', es2017: 'es2017', es2018: 'es2018', es2019: 'es2019', es2020: 'es2020', es2021: 'es2021', es2022: 'es2022', es2023: 'es2022', es2024: 'es2022', esnext: 'esnext' };

/** The few tsconfig options that change what swc emits, read from the (JSON with comments) file. */
export function compilerSettings(tsconfigText: string): CompilerSettings {
  let options: Record<string, unknown> = {};
  try {
    const json = tsconfigText.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, quoted: string | undefined) => quoted ?? '').replace(/,(\s*[}\]])/g, '$1');
    options = (JSON.parse(json) as { compilerOptions?: Record<string, unknown> }).compilerOptions ?? {};
  } catch {
    // An unreadable tsconfig is reported by the type check; run with the workspace's defaults.
  }
  const target = targets[String(options.target ?? 'es2022').toLowerCase()] ?? 'es2022';
  return {
    target,
    decorators: options.experimentalDecorators !== false,
    decoratorMetadata: options.emitDecoratorMetadata !== false,
    esModuleInterop: options.esModuleInterop !== false,
    // TypeScript's own default: class fields are defined with [[Define]] from ES2022 on.
    useDefineForClassFields: typeof options.useDefineForClassFields === 'boolean' ? options.useDefineForClassFields : target === 'es2022' || target === 'esnext',
  };
}

export function swcOptions(settings: CompilerSettings, filename: string): Record<string, unknown> {
  return {
    filename,
    sourceFileName: filename,
    sourceMaps: 'inline',
    swcrc: false,
    module: { type: 'commonjs', noInterop: !settings.esModuleInterop, strictMode: true, ignoreDynamic: false },
    jsc: {
      parser: { syntax: 'typescript', tsx: false, decorators: settings.decorators, dynamicImport: true },
      target: settings.target,
      keepClassNames: true,
      transform: { legacyDecorator: true, decoratorMetadata: settings.decoratorMetadata, useDefineForClassFields: settings.useDefineForClassFields },
    },
  };
}

function register(cacheDir: string, tsconfig: string): void {
  const settings = compilerSettings(readFileSync(tsconfig, 'utf8'));
  let swc: typeof import('@swc/core') | undefined;
  const swcVersion = (() => {
    try {
      return (JSON.parse(readFileSync(require.resolve('@swc/core/package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  })();
  const compile = (source: string, filename: string): string => {
    const key = createHash('sha256').update(swcVersion).update('\0').update(JSON.stringify(settings)).update('\0').update(filename).update('\0').update(source).digest('hex').slice(0, 32);
    const cached = path.join(cacheDir, `${key}.js`);
    try {
      return readFileSync(cached, 'utf8');
    } catch {
      // Not compiled yet.
    }
    swc ??= require('@swc/core') as typeof import('@swc/core');
    const { code } = swc.transformSync(source, swcOptions(settings, filename) as import('@swc/core').Options);
    try {
      mkdirSync(cacheDir, { recursive: true });
      const temporary = `${cached}.${process.pid}.tmp`;
      writeFileSync(temporary, code);
      renameSync(temporary, cached);
    } catch {
      // A read-only or full workspace: the service runs all the same, compiled again next time.
    }
    return code;
  };
  const extensions = (Module as unknown as { _extensions: Record<string, (module: NodeJS.Module & { _compile(code: string, filename: string): void }, filename: string) => void> })._extensions;
  extensions['.ts'] = (module, filename) => {
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) throw new Error(`${filename}: TypeScript inside node_modules is not compiled`);
    module._compile(compile(readFileSync(filename, 'utf8'), filename), filename);
  };
  process.setSourceMapsEnabled(true);
}

if (process.env.LNM_TS_CACHE && process.env.LNM_TSCONFIG) register(process.env.LNM_TS_CACHE, process.env.LNM_TSCONFIG);
