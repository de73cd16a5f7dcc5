/**
 * Source shapes that some mistakes leave and no behaviour of an exercise shows, read from the syntax
 * tree of the learner's files (not by regular expressions), so a comment or a string that mentions
 * `emit(` or `nack(` is never taken for code. The TypeScript compiler is loaded only when a suite asks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as TS from 'typescript';
import { exerciseDir } from './index';

/** A place in the learner's code, as `users-service/file.ts:line: the code`. */
export interface Spot {
  file: string;
  line: number;
  code: string;
}

export const describeSpot = (s: Spot): string => `${s.file}:${s.line}: ${s.code}`;

/** Every call in the .ts files of a folder of the exercise (relative to it) for which `match` holds. */
function callsWhere(relDir: string, match: (ts: typeof TS, call: TS.CallExpression) => boolean): Spot[] {
  const dir = path.join(exerciseDir(), relDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.ts')).sort();
  } catch {
    return [];
  }
  const ts = typescript();
  const spots: Spot[] = [];
  for (const name of names) {
    const file = ts.createSourceFile(name, readFileSync(path.join(dir, name), 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const visit = (node: TS.Node): void => {
      if (ts.isCallExpression(node) && match(ts, node)) {
        spots.push({ file: `${relDir}/${name}`, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, code: node.getText(file).replace(/\s+/g, ' ') });
      }
      node.forEachChild(visit);
    };
    visit(file);
  }
  return spots;
}

const calledMethod = (ts: typeof TS, call: TS.CallExpression): string | undefined => (ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined);
const calledFunction = (ts: typeof TS, call: TS.CallExpression): string | undefined => (ts.isIdentifier(call.expression) ? call.expression.text : undefined);

/** Inside the arguments of firstValueFrom(…) or lastValueFrom(…): the caller waits for the Observable. */
function awaitedAsObservable(ts: typeof TS, node: TS.Node): boolean {
  for (let at = node.parent; at; at = at.parent) {
    if (ts.isCallExpression(at) && /^(first|last)ValueFrom$/.test(calledFunction(ts, at) ?? '') && at.arguments.some((a) => a.pos <= node.pos && node.end <= a.end)) return true;
    if (ts.isFunctionLike(at)) return false;
  }
  return false;
}

/**
 * `client.emit(…)` calls in a folder whose Observable nobody waits for. Nest's emit() publishes at
 * once (a hot Observable), so the event still arrives; but the handler goes on (to ack, say) before
 * the broker has confirmed it. `await client.emit(…)` awaits nothing: an Observable is not a promise.
 */
export function unawaitedEmits(relDir: string): Spot[] {
  return callsWhere(relDir, isUnawaitedEmit);
}

const isUnawaitedEmit = (ts: typeof TS, call: TS.CallExpression): boolean => calledMethod(ts, call) === 'emit' && call.arguments.length === 2 && !awaitedAsObservable(ts, call);

/** `unawaitedEmits` over code already read (a detector's `scene.code(dir)`): each call's text, spaces folded. */
export function unawaitedEmitsIn(code: string): string[] {
  const ts = typescript();
  const file = ts.createSourceFile('code.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node) && isUnawaitedEmit(ts, node)) found.push(node.getText(file).replace(/\s+/g, ' '));
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only by suites that ask
const typescript = (): typeof TS => require('typescript') as typeof TS;

/** `x.ack(message, true)` or `x.nack(message, true, …)` in a folder: settles every earlier unsettled delivery of the channel too. */
export function settlesAllUpTo(relDir: string): Spot[] {
  return callsWhere(relDir, (ts, call) => /^n?ack$/.test(calledMethod(ts, call) ?? '') && call.arguments[1]?.kind === ts.SyntaxKind.TrueKeyword);
}

/** Every node of a syntax tree, depth first. */
function walk(node: TS.Node, visit: (node: TS.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

const parseCode = (ts: typeof TS, code: string): TS.SourceFile => ts.createSourceFile('code.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);

/** `x.<method>(a, b)` calls in code already read, as written: a client's send or emit (two arguments), not an Express `res.send(body)`. */
export function clientCallsIn(code: string, method: 'send' | 'emit'): string[] {
  const ts = typescript();
  const file = parseCode(ts, code);
  const found: string[] = [];
  walk(file, (node) => {
    if (ts.isCallExpression(node) && calledMethod(ts, node) === method && node.arguments.length === 2) found.push(node.getText(file));
  });
  return found;
}

/**
 * The patterns of the @EventPattern and @MessagePattern handlers in code already read, each `${…}`
 * read as the one token `S` (a prefix the exercise's environment gives): `${SHOP}.order.*` is
 * `S.order.*`. A pattern given by a name is kept as written.
 */
export function patternsIn(code: string): string[] {
  const ts = typescript();
  const file = parseCode(ts, code);
  const found: string[] = [];
  walk(file, (node) => {
    if (!ts.isDecorator(node) || !ts.isCallExpression(node.expression) || !ts.isIdentifier(node.expression.expression)) return;
    if (!/^(Event|Message)Pattern$/.test(node.expression.expression.text)) return;
    const [arg] = node.expression.arguments;
    if (!arg) return;
    if (ts.isStringLiteralLike(arg)) found.push(arg.text);
    else if (ts.isTemplateExpression(arg)) found.push(arg.head.text + arg.templateSpans.map((s) => `S${s.literal.text}`).join(''));
    else found.push(arg.getText(file));
  });
  return found;
}
