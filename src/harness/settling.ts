/**
 * How a RabbitMQ service's code settles its messages, read from the syntax tree of its comment-free
 * code (every .ts file of a folder, as a detector's `scene.code('users-service')` gives it), for the
 * detectors of the rmq exercises. A settle call is `x.ack(…)`, `x.nack(…)` or `x.reject(…)` on a
 * channel, or a call of a function or method of the learner's whose body settles (the lesson's
 * `ack(context)` in delivery.ts).
 * Each finding is the code of the place, to show the learner.
 */
import type * as TS from 'typescript';
import { unawaitedEmitsIn } from './source-shapes';

/** The compiler, loaded on the first call of `settlingShapes` (most suites never ask). */
let ts: typeof TS;

const PATTERN_DECORATORS = /^(MessagePattern|EventPattern)$/;

export interface SettlingShapes {
  /** Every settle call (channel calls and calls of the learner's settling functions). */
  settleCalls(): string[];
  /** Handlers (@MessagePattern/@EventPattern) with no settle call outside their catch blocks. */
  handlersWithoutAck(): string[];
  /** Handlers whose catch blocks (and finally) settle nothing, though they can fail (they await or try). */
  failuresUnsettled(): string[];
  /** Handlers that await work and settle before their first await (outside a catch). */
  settlesBeforeWork(): string[];
  /** Handlers that settle in a finally besides elsewhere, or twice in a row in one block. */
  settlesTwice(): string[];
  /** ack/nack with allUpTo = true. */
  allUpTo(): string[];
  /** nack or channel reject that requeues (requeue true or left to its default, true). */
  requeues(): string[];
  /** client.emit(…) whose Observable nobody waits for (not inside firstValueFrom/lastValueFrom). */
  unawaitedEmits(): string[];
  /** client.send(…) that is awaited (firstValueFrom/lastValueFrom/await) inside a handler. */
  awaitedSends(): string[];
}

const calleeName = (call: TS.CallExpression): string | undefined =>
  ts.isIdentifier(call.expression) ? call.expression.text : ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
const isChannelSettle = (call: TS.CallExpression): boolean =>
  ts.isPropertyAccessExpression(call.expression) && /^(ack|nack|reject|ackAll|nackAll)$/.test(call.expression.name.text) && call.expression.expression.getText() !== 'Promise';

function walk(node: TS.Node, visit: (n: TS.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

function insideCatch(node: TS.Node, stop: TS.Node): boolean {
  for (let at = node.parent; at && at !== stop; at = at.parent) if (ts.isCatchClause(at)) return true;
  return false;
}

function insideFinally(node: TS.Node, stop: TS.Node): boolean {
  for (let at: TS.Node | undefined = node; at && at !== stop; at = at.parent) {
    const p: TS.Node | undefined = at.parent;
    if (p && ts.isTryStatement(p) && p.finallyBlock === at) return true;
  }
  return false;
}

function awaitedAsObservable(node: TS.Node): boolean {
  for (let at = node.parent; at; at = at.parent) {
    if (ts.isCallExpression(at) && /^(first|last)ValueFrom$/.test(calleeName(at) ?? '') && at.arguments.some((a) => a.pos <= node.pos && node.end <= a.end)) return true;
    if (ts.isFunctionLike(at)) return false;
  }
  return false;
}

const parsed = new Map<string, SettlingShapes>();

/** The settling shapes of a text of code, parsed once per text (detectors ask for the same folder often). */
export function settlingShapes(code: string): SettlingShapes {
  let shapes = parsed.get(code);
  if (!shapes) parsed.set(code, (shapes = parse(code)));
  return shapes;
}

function parse(code: string): SettlingShapes {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only by suites that ask
  ts ??= require('typescript') as typeof TS;
  const file = ts.createSourceFile('users-service.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const text = (n: TS.Node): string => n.getText(file).replace(/\s+/g, ' ');
  const calls: TS.CallExpression[] = [];
  walk(file, (n) => {
    if (ts.isCallExpression(n)) calls.push(n);
  });

  // The learner's functions and methods whose bodies settle, found until nothing new turns up.
  const bodies: { name: string; body: TS.Node }[] = [];
  walk(file, (n) => {
    if ((ts.isFunctionDeclaration(n) || (ts.isMethodDeclaration(n) && !(ts.getDecorators(n) ?? []).length)) && n.name && n.body) bodies.push({ name: n.name.getText(file), body: n.body });
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) bodies.push({ name: n.name.text, body: n.initializer.body });
  });
  const settling = new Set<string>();
  const settles = (call: TS.CallExpression): boolean => isChannelSettle(call) || (!isChannelSettle(call) && settling.has(calleeName(call) ?? '') && !ts.isPropertyAccessExpression(call.expression)) || (ts.isPropertyAccessExpression(call.expression) && call.expression.expression.kind === ts.SyntaxKind.ThisKeyword && settling.has(call.expression.name.text));
  for (let grew = true; grew; ) {
    grew = false;
    for (const { name, body } of bodies) {
      if (settling.has(name)) continue;
      let found = false;
      walk(body, (n) => {
        if (ts.isCallExpression(n) && settles(n)) found = true;
      });
      if (found) {
        settling.add(name);
        grew = true;
      }
    }
  }

  const handlers: TS.MethodDeclaration[] = [];
  walk(file, (n) => {
    if (ts.isMethodDeclaration(n) && n.body && (ts.getDecorators(n) ?? []).some((d) => ts.isCallExpression(d.expression) && PATTERN_DECORATORS.test(calleeName(d.expression) ?? ''))) handlers.push(n);
  });
  const label = (h: TS.MethodDeclaration): string => {
    const d = (ts.getDecorators(h) ?? []).find((x) => ts.isCallExpression(x.expression) && PATTERN_DECORATORS.test(calleeName(x.expression) ?? ''));
    return `${d ? text(d) : ''} ${h.name.getText(file)}()`.trim();
  };
  const settleCallsIn = (node: TS.Node): TS.CallExpression[] => {
    const found: TS.CallExpression[] = [];
    walk(node, (n) => {
      if (ts.isCallExpression(n) && settles(n)) found.push(n);
    });
    return found;
  };
  const awaitsIn = (node: TS.Node): TS.Node[] => {
    const found: TS.Node[] = [];
    walk(node, (n) => {
      if (ts.isAwaitExpression(n)) found.push(n);
    });
    return found;
  };

  return {
    settleCalls: () => calls.filter(settles).map(text),
    handlersWithoutAck: () => handlers.filter((h) => !settleCallsIn(h.body!).some((c) => !insideCatch(c, h))).map((h) => `${label(h)}: no ack outside a catch`),
    failuresUnsettled: () =>
      handlers
        .filter((h) => {
          const tries: TS.TryStatement[] = [];
          walk(h.body!, (n) => {
            if (ts.isTryStatement(n)) tries.push(n);
          });
          if (tries.length === 0) return awaitsIn(h.body!).length > 0;
          return !tries.some((t) => (t.catchClause && settleCallsIn(t.catchClause).length > 0) || (t.finallyBlock && settleCallsIn(t.finallyBlock).length > 0));
        })
        .map((h) => `${label(h)}: nothing settles its message when it fails`),
    settlesBeforeWork: () =>
      handlers
        .filter((h) => {
          const first = awaitsIn(h.body!)[0];
          const settle = settleCallsIn(h.body!).find((c) => !insideCatch(c, h));
          return first !== undefined && settle !== undefined && settle.getStart(file) < first.getStart(file);
        })
        .map((h) => `${label(h)}: ${text(settleCallsIn(h.body!).find((c) => !insideCatch(c, h))!)} before ${text(awaitsIn(h.body!)[0])}`),
    settlesTwice: () =>
      handlers
        .filter((h) => {
          const all = settleCallsIn(h.body!);
          if (all.some((c) => insideFinally(c, h)) && all.some((c) => !insideFinally(c, h))) return true;
          let twice = false;
          walk(h.body!, (n) => {
            if (ts.isBlock(n) && n.statements.filter((s) => ts.isExpressionStatement(s) && ts.isCallExpression(s.expression) && settles(s.expression)).length > 1) twice = true;
          });
          return twice;
        })
        .map((h) => `${label(h)}: ${settleCallsIn(h.body!).map(text).join(', ')}`),
    allUpTo: () => calls.filter((c) => isChannelSettle(c) && /^n?ack$/.test(calleeName(c)!) && c.arguments[1]?.kind === ts.SyntaxKind.TrueKeyword).map(text),
    requeues: () =>
      calls
        .filter((c) => {
          if (!isChannelSettle(c) || c.arguments.length === 0) return false;
          const name = calleeName(c);
          const requeue = name === 'nack' ? c.arguments[2] : name === 'reject' ? c.arguments[1] : undefined;
          return (name === 'nack' || name === 'reject') && requeue?.kind !== ts.SyntaxKind.FalseKeyword;
        })
        .map(text),
    unawaitedEmits: () => unawaitedEmitsIn(code),
    awaitedSends: () =>
      handlers.flatMap((h) => {
        const found: string[] = [];
        walk(h.body!, (n) => {
          if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'send' && n.arguments.length === 2 && (awaitedAsObservable(n) || (n.parent && ts.isAwaitExpression(n.parent)))) found.push(`${label(h)}: ${text(n)}`);
        });
        return found;
      }),
  };
}
