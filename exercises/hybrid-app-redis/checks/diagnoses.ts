/**
 * The named mistakes of hybrid-app-redis and the evidence each one requires. The check's flow
 * (hybrid-app-redis.check.ts) decides pass or fail from what HTTP and Redis answer; when a test fails
 * it asks these detectors, through the harness's `diagnose`, whether a known mistake explains it. A
 * request nobody answers, a task missing from the other transport's list or an untrimmed title are
 * symptoms several mistakes share, so every detector also needs what only its mistake leaves: the
 * shape of app/main.ts or of the modules, read from the syntax tree (a comment or a TODO that names an
 * API is not a call). The same shapes as hybrid-app's, kept apart because each exercise ships alone.
 * test/unit/diagnoses.test.ts runs them over every fixture.
 */
import ts from 'typescript';
import { detector, type Detector, type Scene } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** A request sent through Redis got no reply within its time (nobody subscribed, or nobody answered). */
  | { kind: 'redis-silent'; pattern: 'whoami' | 'list' | 'add' }
  /** A task added over one transport is missing from the list the other transport answered with. */
  | { kind: 'task-not-shared'; addedVia: 'http' | 'redis' }
  /** POST /tasks trimmed a padded title, the add pattern answered with the title still padded. */
  | { kind: 'redis-title-untrimmed' }
  /** Every behaviour was right: only a mistake that works here by accident can still be named. */
  | { kind: 'works-here' };

const MAIN = 'app/main.ts';
const APP = 'app';

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'start-all-microservices-forgotten',
    // A microservice connected to the wrong Redis, with the wrong transport, or handlers with other
    // patterns leave the request unanswered too: the evidence is the missing call, not the silence.
    requires: 'main.ts calls connectMicroservice(...) and never calls startAllMicroservices() (nor listen() on the microservice it returns)',
    symptom: (wire) => wire.kind === 'redis-silent',
    evidence: (scene) => {
      const main = mainShape(scene);
      return main.connects.length > 0 && main.startAll.length === 0 && !main.microserviceListened;
    },
  }),
  detector({
    mistake: 'provider-not-shared',
    // A list handler that answers [] loses the task with one
    // TasksService too: the evidence is the module graph, two modules each providing it.
    requires: 'TasksService is in the providers of two @Module classes, and TasksController and TasksMessagesController are declared in different modules',
    symptom: (wire) => wire.kind === 'task-not-shared',
    evidence: (scene) => {
      const modules = modulesOf(scene.code(APP));
      const providing = modules.filter((m) => m.providers.includes('TasksService'));
      const http = modules.find((m) => m.controllers.includes('TasksController'));
      const messages = modules.find((m) => m.controllers.includes('TasksMessagesController'));
      return providing.length >= 2 && !!http && !!messages && http !== messages;
    },
  }),
  detector({
    mistake: 'inherit-app-config-missing',
    // A TrimPipe put on the HTTP controller alone (@UsePipes), never registered globally, leaves the
    // Redis title padded too: the evidence needs a global registration and hybrid options without the flag.
    requires: 'the pipe is registered globally (useGlobalPipes or APP_PIPE), and no connectMicroservice call has hybrid options with inheritAppConfig: true',
    symptom: (wire) => wire.kind === 'redis-title-untrimmed',
    evidence: (scene) => {
      const main = mainShape(scene);
      const globalPipe = main.globalPipesAt.length > 0 || /\bAPP_PIPE\b/.test(scene.code(APP));
      return globalPipe && main.connects.length > 0 && main.connects.every((c) => c.inherit === false);
    },
  }),
  detector({
    mistake: 'global-pipe-after-connect',
    // With deferInitialization: true a late pipe does reach the message handlers; a pipe registered
    // both before and after connecting trims. Only "every useGlobalPipes after the connect" is this.
    requires: 'connectMicroservice(...) has inheritAppConfig: true and no deferInitialization: true, and every useGlobalPipes(...) comes after it',
    symptom: (wire) => wire.kind === 'redis-title-untrimmed',
    evidence: (scene) => {
      const main = mainShape(scene);
      const inheriting = main.connects.find((c) => c.inherit === true && c.defer !== true);
      return !!inheriting && main.globalPipesAt.length > 0 && main.globalPipesAt.every((at) => at > inheriting.at);
    },
  }),
  detector({
    mistake: 'http-ready-before-microservices',
    // Redis subscribes within milliseconds of the start on this machine, so the check usually finds
    // the app answering anyway; when a request is lost, startAllMicroservices must be there (the
    // detector above names its absence first) and this order is the evidence.
    requires: 'startAllMicroservices() is not awaited, or is awaited only after app.listen(...) (the line is shown)',
    symptom: (wire) => wire.kind === 'works-here' || wire.kind === 'redis-silent',
    evidence: (scene) => lateStart(mainShape(scene)) ?? false,
  }),
];

/** The startAllMicroservices() call that leaves HTTP answering before the microservices are up, as its line of code. */
export function lateStart(main: MainShape): string | undefined {
  const firstListen = Math.min(...main.listensAwaitedAt);
  return main.startAll.find((s) => !s.awaited || s.at > firstListen)?.code;
}

// ---------------------------------------------------------------------------------------------
// Source shapes, from the syntax tree of the learner's files.

interface Connect {
  /** Where the call starts in main.ts (to order it against useGlobalPipes). */
  at: number;
  /** The hybrid option's value: true/false as written, false when the hybrid options leave it out, 'unknown' when they are not a literal. */
  inherit: boolean | 'unknown';
  defer: boolean | 'unknown';
}

interface MainShape {
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

function mainShape(scene: Scene<Wire>): MainShape {
  // The syntax tree holds no comments: a TODO that names an API is not a call.
  const file = parse(scene.source(MAIN));
  const shape: MainShape = { connects: [], startAll: [], listensAwaitedAt: [], microserviceListened: false, globalPipesAt: [], createWithTransport: false };
  const connectResults = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const at = node.getStart(file);
      if (method === 'connectMicroservice') {
        const hybrid = node.arguments[1] ? objectOf(file, node.arguments[1]) : 'absent';
        shape.connects.push({ at, inherit: flag(hybrid, 'inheritAppConfig'), defer: flag(hybrid, 'deferInitialization') });
        if (ts.isVariableDeclaration(unwrapUp(node).parent) && ts.isIdentifier((unwrapUp(node).parent as ts.VariableDeclaration).name)) {
          connectResults.add(((unwrapUp(node).parent as ts.VariableDeclaration).name as ts.Identifier).text);
        }
      }
      if (method === 'startAllMicroservices') shape.startAll.push({ at, awaited: waitedFor(node), code: lineOf(file, node) });
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
  const listened = (node: ts.Node): void => {
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
function waitedFor(call: ts.CallExpression): boolean {
  let at: ts.Node = call;
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
function lineOf(file: ts.SourceFile, node: ts.Node): string {
  const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
  return `app/main.ts:${line + 1}: ${file.text.split('\n')[line].trim()}`;
}

/** The outermost of the parentheses, `as`, `await` around a call (to find the variable it is assigned to). */
function unwrapUp(node: ts.Node): ts.Node {
  let at = node;
  while (ts.isParenthesizedExpression(at.parent) || ts.isAsExpression(at.parent) || ts.isAwaitExpression(at.parent) || ts.isSatisfiesExpression(at.parent)) at = at.parent;
  return at;
}

/** An argument as an object literal: written inline (behind parentheses, `as` or `satisfies`) or a const of the same file; null when it is neither. */
function objectOf(file: ts.SourceFile, expression: ts.Expression): ts.ObjectLiteralExpression | null {
  let e: ts.Expression = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else break;
  }
  if (ts.isObjectLiteralExpression(e)) return e;
  if (ts.isIdentifier(e)) {
    let found: ts.ObjectLiteralExpression | null = null;
    const name = e.text;
    const visit = (node: ts.Node): void => {
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
function flag(options: ts.ObjectLiteralExpression | null | 'absent', name: string): boolean | 'unknown' {
  if (options === 'absent') return false;
  if (!options) return 'unknown';
  const p = options.properties.find((prop) => prop.name && ts.isIdentifier(prop.name) && prop.name.text === name);
  if (!p) return options.properties.some((prop) => ts.isSpreadAssignment(prop)) ? 'unknown' : false;
  if (!ts.isPropertyAssignment(p)) return 'unknown';
  if (p.initializer.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (p.initializer.kind === ts.SyntaxKind.FalseKeyword) return false;
  return 'unknown';
}

interface ModuleShape {
  name: string;
  controllers: string[];
  providers: string[];
}

/** Every @Module class of the code: its controllers and providers by name (a `{ provide: X }` counts as X). */
export function modulesOf(code: string): ModuleShape[] {
  const file = parse(code);
  const modules: ModuleShape[] = [];
  const names = (value: ts.Expression | undefined): string[] => {
    if (!value || !ts.isArrayLiteralExpression(value)) return [];
    return value.elements.flatMap((el) => {
      if (ts.isIdentifier(el)) return [el.text];
      if (ts.isObjectLiteralExpression(el)) {
        const provide = el.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(file) === 'provide');
        return provide && ts.isIdentifier(provide.initializer) ? [provide.initializer.text] : [];
      }
      return [];
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node)) {
      for (const d of ts.getDecorators(node) ?? []) {
        if (!ts.isCallExpression(d.expression) || d.expression.expression.getText(file) !== 'Module') continue;
        const arg = d.expression.arguments[0];
        if (!arg || !ts.isObjectLiteralExpression(arg)) continue;
        const prop = (key: string) => arg.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(file) === key)?.initializer;
        modules.push({ name: node.name?.text ?? '', controllers: names(prop('controllers')), providers: names(prop('providers')) });
      }
    }
    node.forEachChild(visit);
  };
  visit(file);
  return modules;
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('app.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}
