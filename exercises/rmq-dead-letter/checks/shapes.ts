/**
 * Source shapes that some rmq-ack and rmq-dead-letter mistakes leave and no behaviour of this exercise shows: read from
 * the syntax tree of the learner's files (not by regular expressions), so a comment or a string that
 * mentions `emit(` or `nack(` is never taken for code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { exerciseDir } from 'learn-nest-micro/harness';

const SERVICE_DIR = 'users-service';

/** A place in the learner's code, as `users-service/file.ts:line: the code`. */
export interface Spot {
  file: string;
  line: number;
  code: string;
}

export const describeSpot = (s: Spot): string => `${s.file}:${s.line}: ${s.code}`;

/** Every call in the service's .ts files for which `match` holds. */
function callsWhere(match: (call: ts.CallExpression) => boolean): Spot[] {
  const dir = path.join(exerciseDir(), SERVICE_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.ts')).sort();
  } catch {
    return [];
  }
  const spots: Spot[] = [];
  for (const name of names) {
    const file = ts.createSourceFile(name, readFileSync(path.join(dir, name), 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && match(node)) {
        spots.push({ file: `${SERVICE_DIR}/${name}`, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, code: node.getText(file).replace(/\s+/g, ' ') });
      }
      node.forEachChild(visit);
    };
    visit(file);
  }
  return spots;
}

const calledMethod = (call: ts.CallExpression): string | undefined => (ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined);
const calledFunction = (call: ts.CallExpression): string | undefined => (ts.isIdentifier(call.expression) ? call.expression.text : undefined);

/** Inside the arguments of firstValueFrom(…) or lastValueFrom(…): the caller waits for the Observable. */
function awaitedAsObservable(node: ts.Node): boolean {
  for (let at = node.parent; at; at = at.parent) {
    if (ts.isCallExpression(at) && /^(first|last)ValueFrom$/.test(calledFunction(at) ?? '') && at.arguments.some((a) => a.pos <= node.pos && node.end <= a.end)) return true;
    if (ts.isFunctionLike(at)) return false;
  }
  return false;
}

/**
 * `client.emit(…)` calls whose Observable nobody waits for. Nest's emit() publishes at once (a hot
 * Observable), so the event still arrives; but the handler goes on to ack before the broker has
 * confirmed the event. `await client.emit(…)` awaits nothing: an Observable is not a promise.
 */
export function unawaitedEmits(): Spot[] {
  return callsWhere((call) => calledMethod(call) === 'emit' && call.arguments.length === 2 && !awaitedAsObservable(call));
}

/** `x.ack(message, true)` or `x.nack(message, true, …)`: settles every earlier unsettled delivery of the channel too. */
export function settlesAllUpTo(): Spot[] {
  return callsWhere((call) => /^n?ack$/.test(calledMethod(call) ?? '') && call.arguments[1]?.kind === ts.SyntaxKind.TrueKeyword);
}
