/**
 * The shape of a Nest bootstrap and of its modules, read from the syntax tree of the learner's code
 * (comments are not code): how a hybrid app connects and starts its microservices, where it registers
 * global pipes, and which module declares which controllers and providers. For the detectors of the
 * hybrid exercises, which name a mistake only on the shape that mistake leaves. The TypeScript
 * compiler is loaded on the first call.
 */
import type * as TS from 'typescript';

let ts: typeof TS;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only by suites that ask
const typescript = (): typeof TS => require('typescript') as typeof TS;

/** The startAllMicroservices() call that leaves HTTP answering before the microservices are up, as its line of code. */
export function lateStart(main: BootstrapShape): string | undefined {
  const firstListen = Math.min(...main.listensAwaitedAt);
  return main.startAll.find((s) => !s.awaited || s.at > firstListen)?.code;
}

export interface Connect {
  /** Where the call starts in main.ts (to order it against useGlobalPipes). */
  at: number;
  /** The hybrid option's value: true/false as written, false when the hybrid options leave it out, 'unknown' when they are not a literal. */
  inherit: boolean | 'unknown';
  defer: boolean | 'unknown';
}

export interface BootstrapShape {
  connects: Connect[];
  /** startAllMicroservices() calls: where, whether the bootstrap waits for them, and the line. */
  startAll: { at: number; awaited: boolean; code: string }[];
  /** Where `await app.listen(...)` (HTTP) is called. */
  listensAwaitedAt: number[];
  /** listen() called on something other than `app` (the microservice connectMicroservice returned). */
  microserviceListened: boolean;
  globalPipesAt: number[];
  /** NestFactory.create(Module, { transport, ... }), options written inline or in a variable of the file. */
  createWithTransport: boolean;
}

export function bootstrapShape(code: string, relPath = 'main.ts'): BootstrapShape {
  ts ??= typescript();
  // The syntax tree holds no comments: a TODO that names an API is not a call.
  const file = parse(code);
  const shape: BootstrapShape = { connects: [], startAll: [], listensAwaitedAt: [], microserviceListened: false, globalPipesAt: [], createWithTransport: false };
  const connectResults = new Set<string>();
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const at = node.getStart(file);
      if (method === 'connectMicroservice') {
        const hybrid = node.arguments[1] ? objectOf(file, node.arguments[1]) : 'absent';
        shape.connects.push({ at, inherit: flag(hybrid, 'inheritAppConfig'), defer: flag(hybrid, 'deferInitialization') });
        if (ts.isVariableDeclaration(unwrapUp(node).parent) && ts.isIdentifier((unwrapUp(node).parent as TS.VariableDeclaration).name)) {
          connectResults.add(((unwrapUp(node).parent as TS.VariableDeclaration).name as TS.Identifier).text);
        }
      }
      if (method === 'startAllMicroservices') shape.startAll.push({ at, awaited: waitedFor(node), code: lineOf(file, node, relPath) });
      if (method === 'useGlobalPipes') shape.globalPipesAt.push(at);
      if (method === 'create' && node.expression.expression.getText(file) === 'NestFactory' && node.arguments[1]) {
        const options = objectOf(file, node.arguments[1]);
        if (options && options.properties.some((p) => p.name?.getText(file) === 'transport')) shape.createWithTransport = true;
      }
    }
    node.forEachChild(visit);
  };
  visit(file);
  // A second pass: `ms.listen()` on the microservice a `const ms = app.connectMicroservice(...)` returned.
  const listened = (node: TS.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'listen') {
      const receiver = node.expression.expression;
      if (ts.isIdentifier(receiver) && connectResults.has(receiver.text)) shape.microserviceListened = true;
      else if (waitedFor(node)) shape.listensAwaitedAt.push(node.getStart(file));
    }
    node.forEachChild(listened);
  };
  listened(file);
  return shape;
}

/** The bootstrap waits for this call's promise: it is awaited, returned, or given to an awaited Promise.all, or continued with then(). */
function waitedFor(call: TS.CallExpression): boolean {
  let at: TS.Node = call;
  for (;;) {
    const parent = at.parent;
    // `() => app.startAllMicroservices()`: whoever calls the arrow may wait; not a shape we can judge.
    if (parent && ts.isArrowFunction(parent) && parent.body === at) return true;
    if (!parent || ts.isExpressionStatement(parent) || ts.isFunctionLike(parent) || ts.isBlock(parent)) return false;
    if (ts.isAwaitExpression(parent) || ts.isReturnStatement(parent)) return true;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === at && parent.name.text === 'then') return true;
    at = parent;
  }
}

/** The line of code a node starts on, as written. */
function lineOf(file: TS.SourceFile, node: TS.Node, relPath: string): string {
  const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
  return `${relPath}:${line + 1}: ${file.text.split('\n')[line].trim()}`;
}

/** The outermost of the parentheses, `as`, `await` around a call (to find the variable it is assigned to). */
function unwrapUp(node: TS.Node): TS.Node {
  let at = node;
  while (ts.isParenthesizedExpression(at.parent) || ts.isAsExpression(at.parent) || ts.isAwaitExpression(at.parent) || ts.isSatisfiesExpression(at.parent)) at = at.parent;
  return at;
}

/** An argument as an object literal: written inline (behind parentheses, `as` or `satisfies`) or a const of the same file; null when it is neither. */
function objectOf(file: TS.SourceFile, expression: TS.Expression): TS.ObjectLiteralExpression | null {
  let e: TS.Expression = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else break;
  }
  if (ts.isObjectLiteralExpression(e)) return e;
  if (ts.isIdentifier(e)) {
    let found: TS.ObjectLiteralExpression | null = null;
    const name = e.text;
    const visit = (node: TS.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer) found = objectOf(file, node.initializer);
      if (!found) node.forEachChild(visit);
    };
    visit(file);
    return found;
  }
  return null;
}

/**
 * A boolean property of hybrid options: its literal value; false when the options (or the whole
 * argument, 'absent') leave it out; 'unknown' when it is computed, spread in, or the argument is not
 * an object literal we can read (null).
 */
function flag(options: TS.ObjectLiteralExpression | null | 'absent', name: string): boolean | 'unknown' {
  if (options === 'absent') return false;
  if (!options) return 'unknown';
  const p = options.properties.find((prop) => prop.name && ts.isIdentifier(prop.name) && prop.name.text === name);
  if (!p) return options.properties.some((prop) => ts.isSpreadAssignment(prop)) ? 'unknown' : false;
  if (!ts.isPropertyAssignment(p)) return 'unknown';
  if (p.initializer.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (p.initializer.kind === ts.SyntaxKind.FalseKeyword) return false;
  return 'unknown';
}

export interface ModuleShape {
  name: string;
  controllers: string[];
  providers: string[];
}

/** Every @Module class of the code: its controllers and providers by name (a `{ provide: X }` counts as X). */
export function modulesOf(code: string): ModuleShape[] {
  ts ??= typescript();
  const file = parse(code);
  const modules: ModuleShape[] = [];
  const names = (value: TS.Expression | undefined): string[] => {
    if (!value || !ts.isArrayLiteralExpression(value)) return [];
    return value.elements.flatMap((el) => {
      if (ts.isIdentifier(el)) return [el.text];
      if (ts.isObjectLiteralExpression(el)) {
        const provide = el.properties.find((p): p is TS.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(file) === 'provide');
        return provide && ts.isIdentifier(provide.initializer) ? [provide.initializer.text] : [];
      }
      return [];
    });
  };
  const visit = (node: TS.Node): void => {
    if (ts.isClassDeclaration(node)) {
      for (const d of ts.getDecorators(node) ?? []) {
        if (!ts.isCallExpression(d.expression) || d.expression.expression.getText(file) !== 'Module') continue;
        const arg = d.expression.arguments[0];
        if (!arg || !ts.isObjectLiteralExpression(arg)) continue;
        const prop = (key: string) => arg.properties.find((p): p is TS.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(file) === key)?.initializer;
        modules.push({ name: node.name?.text ?? '', controllers: names(prop('controllers')), providers: names(prop('providers')) });
      }
    }
    node.forEachChild(visit);
  };
  visit(file);
  return modules;
}

function parse(code: string): TS.SourceFile {
  return ts.createSourceFile('app.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}
