/**
 * The named mistakes of rpc-exceptions and the evidence each one requires. The check's flow
 * (rpc-exceptions.check.ts) decides pass or fail from what the bookings service answers over TCP and
 * what the gateway answers over HTTP; when something is wrong it asks these detectors, through the
 * harness's `diagnose`, whether a known mistake explains it. A reply "Internal server error" or a
 * 500 from the gateway is a symptom several mistakes share (an unregistered filter, a filter that
 * catches the wrong class, an HTTP exception thrown in the service, a validation error left
 * untranslated), so every detector also needs the source's shape, read from the syntax tree.
 * test/unit/diagnoses.test.ts runs them over every fixture with the symptoms of
 * test/diagnoses/rpc-exceptions.ts.
 */
import ts from 'typescript';
import { detector, type Detector, type Scene } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /**
   * The bookings service, asked over TCP, did not answer with the expected code. `case`: an invalid
   * payload (`validation`) or a request the domain refuses (`domain`). `reply`: a value instead of an
   * error, Nest's `{ status: 'error', message: 'Internal server error' }`, `{ status: 'error', message }`
   * with some other message and no code, or an error with another code. `logged`: whether the service
   * wrote an `[RpcExceptionsHandler]` line for it (Nest logs every exception it turns into "Internal
   * server error" except the HTTP ones).
   */
  | { kind: 'service-reply'; case: 'validation' | 'domain'; reply: 'value' | 'internal' | 'message-only' | 'other-code'; logged: boolean }
  /**
   * The gateway's status in one situation: the real service answered a known code (`code-reply`); the
   * stand-in answered a known code with a misleading message (`misleading-message`), a failure without
   * a known code (`unknown-failure`); nothing listened (`service-down`); the stand-in took the request
   * and never answered (`silent`). `status` 0: the check's HTTP client gave up. `internalBody`: the
   * body is Nest's `{ statusCode: 500, message: 'Internal server error' }`.
   */
  | { kind: 'gateway-status'; situation: 'code-reply' | 'misleading-message' | 'unknown-failure' | 'service-down' | 'silent'; status: number; internalBody: boolean };

const SERVICE = 'bookings-service';
const GATEWAY = 'gateway';

const serviceReply = (wire: Wire, reply: string): boolean => wire.kind === 'service-reply' && wire.reply === reply;

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'validation-only-on-gateway',
    requires: 'an invalid payload was answered with a value, the bookings service uses no ValidationPipe anywhere and the gateway does',
    symptom: (wire) => serviceReply(wire, 'value') && wire.kind === 'service-reply' && wire.case === 'validation',
    evidence: (scene) => !usesValidationPipe(scene.code(SERVICE)) && usesValidationPipe(scene.code(GATEWAY)),
  }),
  detector({
    mistake: 'validation-pipe-missing',
    // A handler parameter typed with an interface, or a pipe on one handler only, also lets an invalid
    // payload through: only a service (and gateway) with no ValidationPipe at all is this mistake.
    requires: 'an invalid payload was answered with a value and neither the bookings service nor the gateway uses a ValidationPipe',
    symptom: (wire) => serviceReply(wire, 'value') && wire.kind === 'service-reply' && wire.case === 'validation',
    evidence: (scene) => !usesValidationPipe(scene.code(SERVICE)) && !usesValidationPipe(scene.code(GATEWAY)),
  }),
  detector({
    mistake: 'http-exception-in-service',
    // An untranslated ValidationPipe rejection is an HTTP exception too, and is not logged either: for
    // an invalid payload only a service without a ValidationPipe that throws HTTP exceptions itself counts.
    requires: "\"Internal server error\" with no [RpcExceptionsHandler] line (Nest does not log HTTP exceptions), and the bookings service's code throws an HTTP exception of @nestjs/common (for an invalid payload: without a ValidationPipe)",
    symptom: (wire) => serviceReply(wire, 'internal') && wire.kind === 'service-reply' && !wire.logged,
    evidence: (scene) => {
      if (scene.wire.kind !== 'service-reply') return false;
      const code = scene.code(SERVICE);
      const thrown = throwsHttpException(code);
      return scene.wire.case === 'domain' ? thrown : thrown && !usesValidationPipe(code);
    },
  }),
  detector({
    mistake: 'filter-not-registered',
    // The starter's filter class has no @Catch: only a written filter left unregistered counts.
    requires: "\"Internal server error\" and the bookings service declares an exception filter (@Catch class) that nothing registers (useGlobalFilters, @UseFilters, APP_FILTER)",
    symptom: (wire) => serviceReply(wire, 'internal'),
    evidence: (scene) => {
      const filters = exceptionFilters(scene.code(SERVICE));
      return filters.length > 0 && filters.every((f) => !f.registered);
    },
  }),
  detector({
    mistake: 'filter-catches-wrong-class',
    // A filter for BookingError alone is registered in validation-error-not-mapped too: only filters
    // that catch none of the classes thrown here (BookingError, the ValidationPipe's
    // BadRequestException, HttpException, Error, or everything) are this mistake.
    requires: '"Internal server error", a filter is registered, and no registered filter catches BookingError, BadRequestException, HttpException, Error or everything',
    symptom: (wire) => serviceReply(wire, 'internal'),
    evidence: (scene) => {
      const registered = exceptionFilters(scene.code(SERVICE)).filter((f) => f.registered);
      return registered.length > 0 && registered.every((f) => !f.catches.some((c) => THROWN_HERE.has(c) || VALIDATION_ERRORS.has(c)) && f.catches.length > 0);
    },
  }),
  detector({
    mistake: 'validation-error-not-mapped',
    // An unregistered filter, or one registered for the wrong classes, leaves the same untranslated
    // BadRequestException: the evidence is a pipe without exceptionFactory and filters that handle the
    // domain's errors but not the validation's (or no filter written at all).
    requires: "an invalid payload answered \"Internal server error\" with nothing logged; the service's ValidationPipe has no exceptionFactory, and either no exception filter is written, or registered filters catch BookingError but none catches BadRequestException, HttpException, Error or everything",
    symptom: (wire) => serviceReply(wire, 'internal') && wire.kind === 'service-reply' && wire.case === 'validation' && !wire.logged,
    evidence: (scene) => {
      const code = scene.code(SERVICE);
      if (!usesValidationPipe(code) || /\bexceptionFactory\b/.test(code)) return false;
      const filters = exceptionFilters(code);
      if (filters.length === 0) return true;
      const registered = filters.filter((f) => f.registered);
      return registered.some((f) => f.catches.some((c) => THROWN_HERE.has(c))) && !registered.some((f) => f.catches.length === 0 || f.catches.some((c) => VALIDATION_ERRORS.has(c)));
    },
  }),
  detector({
    mistake: 'error-without-code',
    // Any error object without a code gives this symptom; the evidence is an RpcException visibly built
    // from a string (or from an object without a code) in the service's code.
    requires: "the reply is { status: 'error', message } without a code, and the bookings service builds an RpcException from a string or from an object without `code`",
    symptom: (wire) => serviceReply(wire, 'message-only'),
    evidence: (scene) => rpcExceptionWithoutCode(scene.code(SERVICE)),
  }),
  detector({
    mistake: 'gateway-passes-500',
    // A toHttpException that crashes, or maps to InternalServerErrorException, gives a 500 too: only a
    // gateway that never catches the reply's error is this mistake.
    requires: "the gateway answered Nest's 500 \"Internal server error\" to a failure of the service, and its code catches no error of the reply (no catchError, no try/catch, no .catch)",
    symptom: (wire) => wire.kind === 'gateway-status' && wire.status === 500 && wire.internalBody,
    evidence: (scene) => !catchesErrors(scene.code(GATEWAY)),
  }),
  detector({
    mistake: 'service-down-not-502',
    // gateway-passes-500 answers 500 here as well, without catching anything: the evidence is a catch
    // that hands the caught Error back unchanged (throw error, throwError(() => error), error instanceof Error ? error : …).
    requires: 'with nothing listening on BOOKINGS_PORT (or no answer in time), the gateway answered 500, and its code catches the reply\'s error but rethrows the caught value unchanged on some path',
    symptom: (wire) => wire.kind === 'gateway-status' && (wire.situation === 'service-down' || wire.situation === 'silent') && wire.status === 500,
    evidence: (scene) => {
      const code = scene.code(GATEWAY);
      return catchesErrors(code) && rethrowsCaughtValue(code);
    },
  }),
  detector({
    mistake: 'no-timeout',
    // A timeout() far longer than the check waits also leaves the HTTP client without an answer: only a
    // gateway with no time limit at all is this mistake.
    requires: "the stand-in received the request and never answered, the check's HTTP client gave up, and the gateway's code sets no time limit (no timeout(), timeoutWith(), setTimeout or AbortSignal.timeout)",
    symptom: (wire) => wire.kind === 'gateway-status' && wire.situation === 'silent' && wire.status === 0,
    evidence: (scene) => !setsTimeLimit(scene.code(GATEWAY)),
  }),
  detector({
    mistake: 'mapping-by-message',
    // A wrong table of codes would have failed with the real service already; the evidence is code that
    // looks into the message's text (a regular expression, includes, a comparison on `message`).
    requires: "a known code with a misleading message got the wrong status, and the gateway's code decides on the error's message text",
    symptom: (wire) => wire.kind === 'gateway-status' && wire.situation === 'misleading-message',
    evidence: (scene) => readsMessageText(scene.code(GATEWAY)),
  }),
];

/** What the service throws: the domain's error, and anything a filter for it may name. */
const THROWN_HERE = new Set(['BookingError', 'Error']);
/** What the ValidationPipe throws, and what a filter catching it may name. */
const VALIDATION_ERRORS = new Set(['BadRequestException', 'HttpException', 'Error']);

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('code.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

function insideImport(node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) if (ts.isImportDeclaration(at)) return true;
  return false;
}

/** `ValidationPipe` used as a value (new ValidationPipe(…), @UsePipes(ValidationPipe), an APP_PIPE), not merely imported. */
export function usesValidationPipe(code: string): boolean {
  let found = false;
  walk(parse(code), (node) => {
    if (ts.isIdentifier(node) && node.text === 'ValidationPipe' && !insideImport(node)) found = true;
  });
  return found;
}

/** HTTP exceptions of @nestjs/common, by the names the file imports from it (NotFoundException, HttpException, …). */
export function throwsHttpException(code: string): boolean {
  const file = parse(code);
  const http = new Set<string>();
  walk(file, (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text === '@nestjs/common') {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) if (/Exception$/.test(el.name.text)) http.add(el.name.text);
    }
  });
  let found = false;
  walk(file, (node) => {
    if (ts.isThrowStatement(node) && node.expression && ts.isNewExpression(node.expression)) {
      const name = calleeName(node.expression);
      if (name && http.has(name)) found = true;
    }
  });
  return found;
}

interface Filter {
  name: string;
  /** The classes named in @Catch(…); empty for @Catch(), which catches everything. */
  catches: string[];
  registered: boolean;
}

/** The exception filters (classes decorated with @Catch) of the code, and whether anything registers them. */
export function exceptionFilters(code: string): Filter[] {
  const file = parse(code);
  const filters: Filter[] = [];
  walk(file, (node) => {
    if (!ts.isClassDeclaration(node) || !node.name) return;
    for (const d of ts.getDecorators(node) ?? []) {
      if (ts.isCallExpression(d.expression) && calleeName(d.expression) === 'Catch') {
        filters.push({ name: node.name.text, catches: d.expression.arguments.map((a) => a.getText(file)), registered: false });
      }
    }
  });
  // Registered: named inside useGlobalFilters(…) or @UseFilters(…), or as the useClass/useValue of an APP_FILTER provider.
  walk(file, (node) => {
    const mentions = (n: ts.Node): string[] => {
      const names: string[] = [];
      walk(n, (x) => {
        if (ts.isIdentifier(x)) names.push(x.text);
      });
      return names;
    };
    let names: string[] = [];
    if (ts.isCallExpression(node) && /^(useGlobalFilters|UseFilters)$/.test(calleeName(node) ?? '')) names = node.arguments.flatMap(mentions);
    if (ts.isObjectLiteralExpression(node) && mentions(node).includes('APP_FILTER')) names = mentions(node);
    for (const f of filters) if (names.includes(f.name)) f.registered = true;
  });
  return filters;
}

/** `new RpcException('text')` (a literal, a template, a concatenation, `x.message`, `String(x)`), or `new RpcException({ message })` without a code. */
export function rpcExceptionWithoutCode(code: string): boolean {
  const file = parse(code);
  let found = false;
  walk(file, (node) => {
    if (!ts.isNewExpression(node) || calleeName(node) !== 'RpcException') return;
    const [arg] = node.arguments ?? [];
    // A variable or a call as the argument may well carry a code: only what is visibly without one counts.
    const aText = !!arg && ((ts.isPropertyAccessExpression(arg) && arg.name.text === 'message') || (ts.isCallExpression(arg) && calleeName(arg) === 'String'));
    if (!arg || ts.isStringLiteralLike(arg) || ts.isTemplateExpression(arg) || ts.isBinaryExpression(arg) || aText) found = true;
    else if (ts.isObjectLiteralExpression(arg) && !arg.properties.some((p) => p.name?.getText(file) === 'code' || ts.isSpreadAssignment(p))) found = true;
  });
  return found;
}

/** The gateway catches an error somewhere: RxJS catchError, a try/catch, or a promise's .catch(). */
export function catchesErrors(code: string): boolean {
  let found = false;
  walk(parse(code), (node) => {
    if (ts.isCallExpression(node) && /^(catchError|catch)$/.test(calleeName(node) ?? '')) found = true;
    if (ts.isTryStatement(node) && node.catchClause) found = true;
  });
  return found;
}

/**
 * A caught value handed back unchanged: `throw e`, `throwError(() => e)`, `throwError(e)`, or `e` as a
 * branch of a conditional there, where `e` is a catch clause's variable or a function's parameter.
 */
export function rethrowsCaughtValue(code: string): boolean {
  const file = parse(code);
  const caught = new Set<string>();
  walk(file, (node) => {
    if (ts.isCatchClause(node) && node.variableDeclaration && ts.isIdentifier(node.variableDeclaration.name)) caught.add(node.variableDeclaration.name.text);
    if (ts.isParameter(node) && ts.isIdentifier(node.name)) caught.add(node.name.text);
  });
  const isCaught = (e: ts.Expression | undefined): boolean => {
    if (!e) return false;
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) e = e.expression;
    if (ts.isIdentifier(e)) return caught.has(e.text);
    if (ts.isConditionalExpression(e)) return isCaught(e.whenTrue) || isCaught(e.whenFalse);
    return false;
  };
  let found = false;
  walk(file, (node) => {
    if (ts.isThrowStatement(node) && isCaught(node.expression)) found = true;
    if (ts.isCallExpression(node) && calleeName(node) === 'throwError') {
      const [arg] = node.arguments;
      if (arg && (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg))) {
        if (ts.isBlock(arg.body)) walk(arg.body, (n) => ts.isReturnStatement(n) && isCaught(n.expression) && (found = true));
        else if (isCaught(arg.body)) found = true;
      } else if (isCaught(arg)) found = true;
    }
  });
  return found;
}

/** A time limit on the request: RxJS timeout()/timeoutWith(), a setTimeout, or AbortSignal.timeout(). */
export function setsTimeLimit(code: string): boolean {
  let found = false;
  walk(parse(code), (node) => {
    if (ts.isCallExpression(node) && /^(timeout|timeoutWith|setTimeout)$/.test(calleeName(node) ?? '')) found = true;
  });
  return found;
}

/**
 * Code that decides on an error's message text: a regular expression tested against something, or
 * includes/match/startsWith/endsWith/search/indexOf/=== on an expression that names `message`.
 */
export function readsMessageText(code: string): boolean {
  const file = parse(code);
  const namesMessage = (n: ts.Node): boolean => /message|msg/i.test(n.getText(file));
  let found = false;
  walk(file, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = node.expression.expression;
      if ((method === 'test' || method === 'exec') && ts.isRegularExpressionLiteral(receiver)) found = true;
      if (/^(includes|match|matchAll|startsWith|endsWith|search|indexOf)$/.test(method) && (namesMessage(receiver) || node.arguments.some(namesMessage))) found = true;
    }
    // `typeof x.message === 'string'` checks a type, not the text.
    if (ts.isBinaryExpression(node) && /^(===|==|!==|!=)$/.test(node.operatorToken.getText(file))) {
      for (const [side, other] of [[node.left, node.right], [node.right, node.left]] as const) {
        if (namesMessage(side) && !ts.isTypeOfExpression(side) && ts.isStringLiteralLike(other)) found = true;
      }
    }
    if (ts.isSwitchStatement(node) && namesMessage(node.expression)) found = true;
  });
  return found;
}

export type { Scene };
