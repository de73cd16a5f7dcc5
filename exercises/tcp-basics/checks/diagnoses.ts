/**
 * The named mistakes of tcp-basics and the evidence each one requires. The check's flow
 * (tcp-basics.check.ts) decides pass or fail from what the math service and the gateway answer; when
 * an answer is wrong it asks these detectors, through the harness's `diagnose`, whether a known mistake
 * explains it. A reply such as "no matching message handler" or a 500 is a symptom several mistakes
 * share, so every detector also needs the source's shape (read from the syntax tree, comments
 * removed) or a wire fact only that mistake leaves. test/unit/diagnoses.test.ts runs them over every
 * fixture with each symptom of test/diagnoses/tcp-basics.ts.
 * Mistakes that stop a service before any test runs (a crash, a port never opened) are named by
 * exercise.json's "diagnoses" instead.
 */
import ts from 'typescript';
import { detector, type Detector } from 'learn-nest-micro/harness';

/** NestJS's reply when no @MessagePattern equals the pattern (verbatim). */
export const NO_HANDLER = 'There is no matching message handler defined in the remote service.';
/** RxJS's EmptyError: the reply completed without a value. */
export const EMPTY_REPLY = /no elements in sequence/;
/** What a ClientProxy logs when it cannot reach a TCP server at the address it was given. */
export const UNREACHABLE = /ECONNREFUSED|Connection closed|ENOTFOUND|EADDRNOTAVAIL|ETIMEDOUT|ECONNRESET|ERR_SOCKET_BAD_PORT/;

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** The check's own TCP client sent { cmd: 'sum' } to MATH_PORT and got an error (`errorText`, verbatim). */
  | { kind: 'math-error'; errorText: string }
  /** The gateway answered GET /math/sum with a 5xx; `logged` is the first error line it logged for it ('' for none). */
  | { kind: 'gateway-error'; status: number; logged: string }
  /** The gateway answered 200, but not { sum: <the sum> }. */
  | { kind: 'gateway-reply'; body: unknown }
  /** The gateway did not refuse a malformed `numbers` with 400. */
  | { kind: 'bad-input-accepted'; query: string; status: number; body: unknown }
  /** With the math service stopped, the gateway answered 200 to a list it had (`again`) or had not (`new`) asked before. */
  | { kind: 'math-stopped'; asked: 'new' | 'again'; body: unknown; expected: number }
  /** Everything behaved; the source is read for what works on TCP by accident (the handler's decorator). */
  | { kind: 'source-audit' };

const MATH = 'math-service';
const GATEWAY = 'gateway';
const SUM_KEY = key({ cmd: 'sum' });

const mathSaid = (wire: Wire, said: (text: string) => boolean): boolean => wire.kind === 'math-error' && said(wire.errorText);
const noHandler = (wire: Wire): boolean => mathSaid(wire, (t) => t.includes(NO_HANDLER));
const gatewayLogged = (wire: Wire, said: (text: string) => boolean): boolean => wire.kind === 'gateway-error' && said(wire.logged);

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'get-instead-of-message-pattern',
    // A missing decorator, or one in a class that is not a controller, gives the same reply: the
    // evidence is an HTTP route decorator where no message handler is.
    requires: 'the math service declares no @MessagePattern/@EventPattern handler at all, and one of its methods has an HTTP route decorator (@Get, @Post, …)',
    symptom: noHandler,
    evidence: (scene) => {
      const methods = decoratedMethods(scene.code(MATH));
      return !methods.some((m) => isPatternDecorator(m.decorator)) && methods.some((m) => /^(Get|Post|Put|Patch|Delete|All)$/.test(m.decorator));
    },
  }),
  detector({
    mistake: 'handler-in-provider',
    requires: 'every class of the math service that declares a @MessagePattern handler is an @Injectable provider, none a @Controller',
    symptom: noHandler,
    evidence: (scene) => {
      const handlers = decoratedMethods(scene.code(MATH)).filter((m) => m.decorator === 'MessagePattern');
      return handlers.length > 0 && handlers.every((h) => h.classDecorators.includes('Injectable') && !h.classDecorators.includes('Controller'));
    },
  }),
  detector({
    mistake: 'controller-not-in-module',
    // A wrong pattern gives the same reply: here the pattern is right, and the class is simply not listed.
    requires: "a @Controller class of the math service has @MessagePattern({ cmd: 'sum' }), and no module's controllers list names that class",
    symptom: noHandler,
    evidence: (scene) => {
      const code = scene.code(MATH);
      const listed = [...code.matchAll(/controllers\s*:\s*\[([^\]]*)\]/g)].map((m) => m[1]).join(',');
      const sum = decoratedMethods(code).filter((m) => m.decorator === 'MessagePattern' && m.pattern === SUM_KEY && m.classDecorators.includes('Controller'));
      return sum.length > 0 && sum.every((h) => !new RegExp(`\\b${h.className}\\b`).test(listed));
    },
  }),
  detector({
    mistake: 'pattern-mismatch',
    // A controller left out of the module, or a handler in a provider, gives the same reply with the
    // right pattern: the evidence is a literal pattern that differs.
    requires: "the math service's @MessagePattern handlers are in controllers and their patterns, written as literals, are all different from { cmd: 'sum' }",
    symptom: noHandler,
    evidence: (scene) => {
      const handlers = decoratedMethods(scene.code(MATH)).filter((m) => m.decorator === 'MessagePattern' && m.classDecorators.includes('Controller'));
      return handlers.length > 0 && handlers.every((h) => h.pattern !== undefined && h.pattern !== SUM_KEY);
    },
  }),
  detector({
    mistake: 'pattern-mismatch',
    // At the gateway, after the math service has answered the check's { cmd: 'sum' }: the gateway's
    // own pattern is the one that differs. A string is pattern-string-vs-object, below.
    requires: "the gateway logged \"no matching message handler\" and its client.send() passes an object literal pattern other than { cmd: 'sum' }",
    symptom: (wire) => gatewayLogged(wire, (t) => t.includes(NO_HANDLER)),
    evidence: (scene) => {
      const patterns = sendPatterns(scene.code(GATEWAY));
      return patterns.length > 0 && patterns.every((p) => p.kind === 'object' && p.key !== SUM_KEY);
    },
  }),
  detector({
    mistake: 'pattern-string-vs-object',
    requires: "the gateway logged \"no matching message handler\", its client.send() passes a string pattern, and the math service's handler has the object pattern { cmd: 'sum' }",
    symptom: (wire) => gatewayLogged(wire, (t) => t.includes(NO_HANDLER)),
    evidence: (scene) => {
      const patterns = sendPatterns(scene.code(GATEWAY));
      return patterns.length > 0 && patterns.every((p) => p.kind === 'string') && decoratedMethods(scene.code(MATH)).some((m) => m.decorator === 'MessagePattern' && m.pattern === SUM_KEY);
    },
  }),
  detector({
    mistake: 'handler-returns-nothing',
    // EmptyError is what any reply without a value gives (a handler that returns for some inputs
    // only, an event handler): the evidence is a handler body with no `return <value>` at all.
    requires: "the reply completed without a value (EmptyError) and the math service's handler for { cmd: 'sum' } has no `return <value>` statement",
    symptom: (wire) => mathSaid(wire, (t) => EMPTY_REPLY.test(t)) || gatewayLogged(wire, (t) => EMPTY_REPLY.test(t)),
    evidence: (scene) => {
      const handlers = decoratedMethods(scene.code(MATH)).filter((m) => isPatternDecorator(m.decorator) && (m.pattern === SUM_KEY || m.pattern === undefined));
      return handlers.length > 0 && handlers.every((h) => !h.returnsValue);
    },
  }),
  detector({
    mistake: 'math-service-is-http-app',
    // A service that answers nothing (a handler that never returns) also fails the call: the evidence
    // is a main.ts that builds an HTTP app and no microservice at all.
    requires: 'the call on MATH_PORT failed without a Nest reply, and math-service/main.ts calls NestFactory.create() with neither createMicroservice() nor connectMicroservice()',
    symptom: (wire) => wire.kind === 'math-error' && !wire.errorText.includes(NO_HANDLER) && !EMPTY_REPLY.test(wire.errorText),
    evidence: (scene) => {
      const main = scene.code(`${MATH}/main.ts`);
      return /NestFactory\s*\.\s*create\s*\(/.test(main) && !/\b(createMicroservice|connectMicroservice)\s*[<(]/.test(main);
    },
  }),
  detector({
    mistake: 'client-wrong-address',
    // The math service answered the check on MATH_PORT, so a refused or closed connection is the
    // gateway's client: the evidence is an address that is not the math service's.
    requires: "the gateway logged a refused or closed connection, and its client's options do not read MATH_PORT or name a host other than '127.0.0.1'",
    symptom: (wire) => gatewayLogged(wire, (t) => UNREACHABLE.test(t)),
    evidence: (scene) => {
      if (scene.wire.kind !== 'gateway-error') return false;
      const options = clientOptions(scene.code(GATEWAY));
      if (options.length === 0) return false;
      const wrong = options.some((o) => !/process\s*\.\s*env\s*(\.\s*MATH_PORT\b|\[\s*['"`]MATH_PORT['"`]\s*\])/.test(o) || /host\s*:\s*['"`](?!127\.0\.0\.1['"`])/.test(o));
      return wrong ? scene.wire.logged : false;
    },
  }),
  detector({
    mistake: 'observable-not-awaited',
    // A Promise left unawaited ({ sum: firstValueFrom(...) }) also puts an object into `sum`: the
    // evidence is a send() whose Observable is never handed to firstValueFrom/lastValueFrom.
    requires: "the gateway's `sum` is an object, and a client.send() in the gateway is neither inside firstValueFrom/lastValueFrom nor subscribed",
    symptom: (wire) => wire.kind === 'gateway-reply' && typeof wire.body === 'object' && wire.body !== null && typeof (wire.body as { sum?: unknown }).sum === 'object',
    evidence: (scene) => unsubscribedSends(scene.code(GATEWAY)) > 0,
  }),
  detector({
    mistake: 'bad-input-not-rejected',
    // A gateway that validates some items but not this one (an empty item, Infinity) answers 200
    // too: the evidence is a gateway that rejects nothing at all.
    requires: 'the gateway answered 200 to a malformed `numbers`, and no code of the gateway throws a BadRequestException or an HttpException, nor uses a validating pipe',
    symptom: (wire) => wire.kind === 'bad-input-accepted' && wire.status === 200,
    evidence: (scene) => !/new\s+(BadRequestException|HttpException)\s*\(|Parse\w*Pipe|ValidationPipe|BAD_REQUEST/.test(scene.code(GATEWAY)),
  }),
  detector({
    mistake: 'gateway-bypasses-math',
    // A gateway that caches the math service's answers also answers with it stopped, but only a list
    // it has asked before. A gateway that turns the failed call into { sum: 0 } answers a new list
    // too, with a wrong sum: the evidence is the right sum and arithmetic in the gateway's code.
    requires: "with the math service stopped, the gateway answered a list it had never asked about with its right sum, and the gateway's code adds numbers itself (reduce, +=)",
    symptom: (wire) => wire.kind === 'math-stopped' && wire.asked === 'new',
    evidence: (scene) =>
      scene.wire.kind === 'math-stopped' &&
      isRecord(scene.wire.body) &&
      scene.wire.body.sum === scene.wire.expected &&
      /\.reduce\s*\(|\+=/.test(scene.code(GATEWAY)),
  }),
  detector({
    mistake: 'event-pattern-for-request',
    // Over TCP Nest answers a request with whatever handler holds its pattern, so an event handler
    // that returns the sum passes every behaviour of this check: only the decorator shows it.
    requires: "the math service's handler for { cmd: 'sum' } is declared with @EventPattern",
    symptom: (wire) => wire.kind === 'source-audit',
    evidence: (scene) => decoratedMethods(scene.code(MATH)).some((m) => m.decorator === 'EventPattern' && m.pattern === SUM_KEY),
  }),
];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPatternDecorator = (name: string): boolean => name === 'MessagePattern' || name === 'EventPattern';

interface DecoratedMethod {
  className: string;
  classDecorators: string[];
  decorator: string;
  method: string;
  /** The pattern as a normalised key (object keys sorted, as Nest does), when the first argument is a literal. */
  pattern?: string;
  /** The method's own body (not a nested function's) has a `return <value>`. */
  returnsValue: boolean;
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('code.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function decoratorName(d: ts.Decorator): string | undefined {
  const e = d.expression;
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) return e.expression.text;
  if (ts.isIdentifier(e)) return e.text;
  return undefined;
}

/** A literal's value: strings, numbers, booleans and object literals of them; undefined otherwise. */
function literal(e: ts.Expression, file: ts.SourceFile): unknown {
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isObjectLiteralExpression(e)) {
    const out: Record<string, unknown> = {};
    for (const p of e.properties) {
      if (!ts.isPropertyAssignment(p)) return undefined;
      const value = literal(p.initializer, file);
      if (value === undefined) return undefined;
      out[p.name.getText(file).replace(/^['"`]|['"`]$/g, '')] = value;
    }
    return out;
  }
  return undefined;
}

/** Nest's key for a pattern: a string as is, an object as JSON with its keys sorted. */
function key(value: unknown): string {
  if (typeof value === 'string') return value;
  const sorted = (v: unknown): unknown =>
    v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sorted(value));
}

function returnsValue(body: ts.Node | undefined): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) found = true;
    node.forEachChild(visit);
  };
  body?.forEachChild(visit);
  return found;
}

/** Every decorated method of every class in `code`, with its class's decorators. */
export function decoratedMethods(code: string): DecoratedMethod[] {
  const file = parse(code);
  const found: DecoratedMethod[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node)) {
      const classDecorators = (ts.getDecorators(node) ?? []).map(decoratorName).filter((n): n is string => !!n);
      for (const member of node.members) {
        if (!ts.isMethodDeclaration(member)) continue;
        for (const d of ts.getDecorators(member) ?? []) {
          const decorator = decoratorName(d);
          if (!decorator) continue;
          const arg = ts.isCallExpression(d.expression) ? d.expression.arguments[0] : undefined;
          const value = arg ? literal(arg, file) : undefined;
          found.push({
            className: node.name?.text ?? '',
            classDecorators,
            decorator,
            method: member.name.getText(file),
            pattern: value === undefined ? undefined : key(value),
            returnsValue: returnsValue(member.body),
          });
        }
      }
    }
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}

/** The first argument of every `x.send(pattern, data)` call: a string, an object literal's key, or something else. */
function sendPatterns(code: string): Array<{ kind: 'string' | 'object' | 'other'; key?: string }> {
  const file = parse(code);
  const found: Array<{ kind: 'string' | 'object' | 'other'; key?: string }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'send' && node.arguments.length === 2) {
      const arg = node.arguments[0];
      if (ts.isStringLiteralLike(arg) || ts.isTemplateExpression(arg)) found.push({ kind: 'string' });
      else if (ts.isObjectLiteralExpression(arg)) {
        const value = literal(arg, file);
        found.push(value === undefined ? { kind: 'other' } : { kind: 'object', key: key(value) });
      } else found.push({ kind: 'other' });
    }
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}

/** How many `x.send(pattern, data)` calls are not inside first/lastValueFrom(…) and not followed by .subscribe()/.toPromise(). */
function unsubscribedSends(code: string): number {
  const file = parse(code);
  let count = 0;
  const subscribed = (call: ts.CallExpression): boolean => {
    const parent = call.parent;
    if (ts.isPropertyAccessExpression(parent) && /^(subscribe|toPromise|forEach)$/.test(parent.name.text)) return true;
    for (let at: ts.Node | undefined = call.parent; at; at = at.parent) {
      if (ts.isCallExpression(at) && ts.isIdentifier(at.expression) && /^(first|last)ValueFrom$/.test(at.expression.text)) return true;
      if (ts.isFunctionLike(at)) return false;
    }
    return false;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'send' && node.arguments.length === 2 && !subscribed(node)) count++;
    node.forEachChild(visit);
  };
  visit(file);
  return count;
}

/** The text of the `options` object of each entry of ClientsModule.register([...]) (or ClientProxyFactory.create) in `code`. */
function clientOptions(code: string): string[] {
  const file = parse(code);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node)) {
      const props = new Map(node.properties.filter(ts.isPropertyAssignment).map((p) => [p.name.getText(file), p.initializer]));
      const options = props.get('options');
      // Only options written out here: a variable's contents cannot be read from this expression.
      if (props.has('transport') && options && ts.isObjectLiteralExpression(options)) found.push(options.getText(file));
    }
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}

