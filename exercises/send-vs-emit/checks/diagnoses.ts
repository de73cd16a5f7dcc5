/**
 * The named mistakes of send-vs-emit and the evidence each one requires. The check's flow
 * (send-vs-emit.check.ts) decides pass or fail from what the gateway answers and what the consumers
 * record; when something is wrong it asks these detectors, through the harness's `diagnose`, whether a
 * known mistake explains it. A 500, a late answer or a silent consumer is a symptom several mistakes
 * share, so every detector also needs the source's shape, read from the syntax tree with comments
 * removed. Three mistakes work on TCP by accident and no behaviour shows them (a decorator of the
 * wrong kind, an emit() nobody waits for): the check reads the source for them once everything else
 * has passed (`source-audit`). test/unit/diagnoses.test.ts runs them over every fixture.
 */
import ts from 'typescript';
import { detector, handlersInText, type Detector, type Scene } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** POST /orders answered, but not 202 { status: 'queued', orderId }. */
  | { kind: 'order-answer'; status: number; body: unknown }
  /** POST /orders answered only after a consumer had finished handling the order. */
  | { kind: 'order-waited' }
  /** Eight seconds after the orders, which consumers' handlers had seen any; `unhandled`: the silent service logged NestJS's "no matching event handler". */
  | { kind: 'events-missing'; inventory: boolean; email: boolean; push: boolean; unhandled: boolean }
  /** GET /stock did not return the inventory's current { stock, reservations }. */
  | { kind: 'stock-relay'; status: number; body: unknown }
  /** Everything behaved; the source is read for what works on TCP by accident: the handlers' decorators, or the gateway's emits. */
  | { kind: 'source-audit'; part: 'handlers' | 'emits' };

const GATEWAY = 'gateway';
const CONTROLLERS = ['inventory/inventory.controller.ts', 'notification/notification.controller.ts'];
const EVENT = 'order_created';

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'send-for-event',
    // A gateway that fails for another reason (a bad client, a thrown error) answers 500 too, and one
    // that awaits something slow answers late: the evidence is order_created sent as a request.
    // A send('order_created') nobody subscribes to sends nothing, so it neither waits nor fails.
    requires: "POST /orders failed with a 5xx or answered only after a consumer had finished, and the gateway waits for a send('order_created', …) (firstValueFrom, lastValueFrom, subscribe)",
    logsOf: ['gateway'],
    symptom: (wire) => (wire.kind === 'order-answer' && wire.status >= 500) || wire.kind === 'order-waited',
    evidence: (scene) => {
      if (!calls(scene.code(GATEWAY), 'send').some((c) => c.pattern === EVENT && c.subscribed)) return false;
      return scene.log('gateway').match(/^.*(ExceptionsHandler|EmptyError).*no elements in sequence.*$/m)?.[0].trim() ?? true;
    },
  }),
  detector({
    mistake: 'send-not-subscribed',
    // A gateway that emits nothing, or emits another pattern, leaves both consumers as silent: the
    // evidence is a send('order_created') whose cold Observable nobody subscribes to, and no emit of it.
    requires: "no consumer saw any order, and the gateway calls send('order_created', …) outside firstValueFrom/lastValueFrom/subscribe and never emits order_created",
    symptom: (wire) => wire.kind === 'events-missing' && !wire.inventory && !wire.email && !wire.push,
    evidence: (scene) => {
      const code = scene.code(GATEWAY);
      return calls(code, 'send').some((c) => c.pattern === EVENT && !c.subscribed) && !calls(code, 'emit').some((c) => c.pattern === EVENT);
    },
  }),
  detector({
    mistake: 'one-consumer-wired',
    // A second client aimed at the wrong port, or one the gateway never emits through, leaves the same
    // silence: the evidence is a gateway with a single client, the one the feedback tells to add to.
    requires: 'the inventory saw the orders, the notification service saw none and logged no "no matching event handler", and the gateway registers fewer than two clients',
    symptom: (wire) => wire.kind === 'events-missing' && wire.inventory && !wire.email && !wire.push && !wire.unhandled,
    evidence: (scene) => clientRegistrations(scene.code(GATEWAY)) < 2,
  }),
  detector({
    mistake: 'message-pattern-for-event',
    // A handler left without a decorator (the starter's TODO) also never runs: the evidence is a
    // @MessagePattern('order_created') next to another handler of that event.
    requires: "only one of the notification service's two handlers ran, and one of its handlers of order_created is a @MessagePattern while another handler of order_created is there too",
    symptom: (wire) => wire.kind === 'events-missing' && wire.email !== wire.push,
    evidence: (scene) => takenOver(scene).length > 0,
  }),
  detector({
    mistake: 'emit-for-query',
    // A gateway that returns the Observable, or a cached report, also answers wrong: the evidence
    // is the question { cmd: 'stock' } put out as an event.
    requires: "GET /stock did not return the inventory's report, and the gateway calls emit({ cmd: 'stock' }, …)",
    symptom: (wire) => wire.kind === 'stock-relay',
    evidence: (scene) => calls(scene.code(GATEWAY), 'emit').some((c) => c.pattern === JSON.stringify({ cmd: 'stock' })),
  }),
  detector({
    mistake: 'request-handler-for-event',
    // With a second handler of order_created in the same service the mistake shows (that handler never
    // runs: message-pattern-for-event); alone, the @MessagePattern handler runs on TCP by accident.
    requires: 'a service handles order_created with a @MessagePattern and has no other handler of order_created',
    symptom: (wire) => wire.kind === 'source-audit' && wire.part === 'handlers',
    evidence: (scene) => CONTROLLERS.some((file) => {
      const ofEvent = handlersInText(scene.code(file), file).filter((h) => h.pattern === EVENT);
      return ofEvent.length === 1 && ofEvent[0].decorator === 'MessagePattern';
    }),
  }),
  detector({
    mistake: 'event-handler-for-question',
    requires: "a handler of a { cmd: … } question is declared with @EventPattern",
    symptom: (wire) => wire.kind === 'source-audit' && wire.part === 'handlers',
    evidence: (scene) => CONTROLLERS.some((file) => handlersInText(scene.code(file), file).some((h) => h.decorator === 'EventPattern' && /^\{.*"cmd"/.test(h.pattern))),
  }),
  detector({
    mistake: 'emit-not-awaited',
    // send() left unsubscribed is another mistake (nothing is sent at all): this one is an emit() whose
    // Observable nobody waits for, so a refused connection to a consumer goes unnoticed.
    requires: "the gateway calls client.emit(…) and never hands its Observable to firstValueFrom/lastValueFrom",
    symptom: (wire) => wire.kind === 'source-audit' && wire.part === 'emits',
    evidence: (scene) => calls(scene.code(GATEWAY), 'emit').some((c) => !c.subscribed),
  }),
];

/** The @MessagePattern handlers of order_created that share their service with another handler of it. */
function takenOver(scene: Scene<Wire>): string[] {
  return CONTROLLERS.flatMap((file) => {
    const ofEvent = handlersInText(scene.code(file), file).filter((h) => h.pattern === EVENT);
    return ofEvent.length > 1 ? ofEvent.filter((h) => h.decorator === 'MessagePattern').map((h) => h.method) : [];
  });
}

interface ClientCall {
  /** A string pattern's value, an object literal pattern as JSON, else undefined. */
  pattern?: string;
  /** Inside firstValueFrom(…)/lastValueFrom(…), or followed by .subscribe()/.toPromise(). */
  subscribed: boolean;
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('code.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function patternOf(e: ts.Expression | undefined, file: ts.SourceFile): string | undefined {
  if (!e) return undefined;
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isObjectLiteralExpression(e)) {
    const out: Record<string, string> = {};
    for (const p of e.properties) {
      if (!ts.isPropertyAssignment(p) || !ts.isStringLiteralLike(p.initializer)) return undefined;
      out[p.name.getText(file).replace(/^['"`]|['"`]$/g, '')] = p.initializer.text;
    }
    return JSON.stringify(out);
  }
  return undefined;
}

/** Every `x.<method>(pattern, data)` call in `code`, with its pattern and whether anything waits for its Observable. */
function calls(code: string, method: 'send' | 'emit'): ClientCall[] {
  const file = parse(code);
  const found: ClientCall[] = [];
  const subscribed = (call: ts.CallExpression): boolean => {
    if (ts.isPropertyAccessExpression(call.parent) && /^(subscribe|toPromise)$/.test(call.parent.name.text)) return true;
    for (let at: ts.Node | undefined = call.parent; at; at = at.parent) {
      if (ts.isCallExpression(at) && ts.isIdentifier(at.expression) && /^(first|last)ValueFrom$/.test(at.expression.text)) return true;
      if (ts.isFunctionLike(at)) return false;
    }
    return false;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === method && node.arguments.length === 2) {
      found.push({ pattern: patternOf(node.arguments[0], file), subscribed: subscribed(node) });
    }
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}

/** How many clients the gateway registers: object literals with a `transport` property. */
function clientRegistrations(code: string): number {
  const file = parse(code);
  let count = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node) && node.properties.some((p) => ts.isPropertyAssignment(p) && p.name.getText(file) === 'transport')) count++;
    node.forEachChild(visit);
  };
  visit(file);
  return count;
}
