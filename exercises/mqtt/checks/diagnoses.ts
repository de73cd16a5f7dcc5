/**
 * The named mistakes of mqtt and the evidence each one requires. The check's flow (mqtt.check.ts)
 * decides pass or fail from what a real MQTT client sees on the broker; when a test fails it asks
 * these detectors, through the harness's `diagnose`, whether a known mistake explains it. What the
 * broker shows (nothing arrived, a QoS, a retained flag) is shared by several mistakes, so every
 * detector also needs the shape of the aggregator's code that only its mistake leaves, read from the
 * syntax tree where a regular expression could be fooled. test/unit/diagnoses.test.ts runs them over
 * every fixture.
 */
import ts from 'typescript';
import { detector, type Detector, type Scene } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** No status of f1 within 3 s of its reading; `topics`: every topic seen under or next to SITE, with SITE cut off. */
  | { kind: 'no-status'; topics: string[] }
  /** <SITE>/readings/f1 gave a status (the test before passed), <SITE>/readings/f2/p1 gave none. */
  | { kind: 'no-deep-status' }
  /** A status or an alert arrived at this QoS on a subscription of QoS 2 (so it was published at it). */
  | { kind: 'qos'; of: 'status' | 'alert'; qos: number }
  /** A client that subscribed after the status was published live was given no status at all. */
  | { kind: 'late-status' }
  /** A client that subscribed after the alert of f3 was given alerts. */
  | { kind: 'late-alert' }
  /** A reading published while the aggregator was stopped was not handled within 5 s of its restart. */
  | { kind: 'lost-while-down' }
  /** Everything arrived as promised: what is left to read is the source's shape. */
  | { kind: 'delivered' };

const AGGREGATOR = 'aggregator';

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'dots-in-topic',
    // An aggregator that never subscribed (its controller left out of the module, a wrong filter)
    // publishes nothing at all: the symptom needs a topic with a dot that it did publish.
    requires: 'a topic with a dot was published next to SITE instead of the status, and the aggregator builds a topic from SITE with dots',
    symptom: (wire) => wire.kind === 'no-status' && wire.topics.some((t) => t.includes('.')),
    evidence: (scene) => buildsDottedTopic(scene.code(AGGREGATOR)),
  }),
  detector({
    mistake: 'single-level-wildcard',
    // A handler that fails on a deeper topic also leaves f2 without a status while f1 has one: the
    // evidence is the filter itself, ending in + with no filter ending in #.
    requires: 'a reading one level deeper gave no status while a one-level reading did, and the readings filter ends in /+ (no filter under readings ends in #)',
    symptom: (wire) => wire.kind === 'no-deep-status',
    evidence: (scene) => {
      const code = scene.code(AGGREGATOR);
      return /readings\/\+[`'"]/.test(code) && !/readings\/(\+\/)?#/.test(code);
    },
  }),
  detector({
    mistake: 'publish-qos-0',
    // A record built with setQoS(0) is delivered at QoS 0 too: only an emit of the bare data is this.
    requires: 'a status or an alert arrived at QoS 0 on a QoS 2 subscription, and the aggregator emits that message without an MqttRecord of QoS 1 or 2',
    symptom: (wire) => wire.kind === 'qos' && wire.qos === 0,
    evidence: (scene) => scene.wire.kind === 'qos' && emitsOf(scene, scene.wire.of).some((e) => !/MqttRecord/.test(e.payload)),
  }),
  detector({
    mistake: 'status-not-retained',
    // A status published retained but to a topic the late filter does not match is not seen live
    // either (the check waits for it on <SITE>/status/f1): the evidence is the record without retain.
    requires: "a late subscriber was given no status although it went out live, and the aggregator's status emit carries no retain flag",
    symptom: (wire) => wire.kind === 'late-status',
    evidence: (scene) => emitsOf(scene, 'status').some((e) => !retained(e.payload)),
  }),
  detector({
    mistake: 'alert-retained',
    requires: "a late subscriber was given an old alert, and the aggregator's alert emit sets the retain flag",
    symptom: (wire) => wire.kind === 'late-alert',
    evidence: (scene) => emitsOf(scene, 'alert').some((e) => retained(e.payload)),
  }),
  detector({
    mistake: 'session-not-persistent',
    // A persistent session whose subscription is QoS 0, or a handler that subscribes another way, also
    // loses the reading: the evidence is server options without a fixed clientId and clean: false.
    requires: "a reading published while the aggregator was down was lost, and no options of the aggregator's server set both a fixed clientId and clean: false",
    symptom: (wire) => wire.kind === 'lost-while-down',
    evidence: (scene) => !persistentSession(scene.code(AGGREGATOR)),
  }),
  detector({
    mistake: 'subscription-qos-0',
    requires: "a reading published while the aggregator was down was lost, and neither the readings handler's @EventPattern extras nor subscribeOptions ask for QoS 1 or 2",
    symptom: (wire) => wire.kind === 'lost-while-down',
    evidence: (scene) => {
      const code = scene.code(AGGREGATOR);
      return !/@EventPattern\s*(<[^>]*>)?\s*\([^)]*,\s*\{[^}]*\bqos\s*:\s*[12]\b/.test(code) && !/\bsubscribeOptions\s*:\s*\{[^}]*\bqos\s*:\s*[12]\b/.test(code);
    },
  }),
  detector({
    mistake: 'emit-not-awaited',
    // Nothing on the wire shows it (Nest's emit() publishes at once): the evidence is the call itself.
    requires: 'an emit() under aggregator/ whose Observable nobody waits for (not inside firstValueFrom/lastValueFrom)',
    symptom: (wire) => wire.kind === 'delivered',
    evidence: (scene) => emitsIn(scene.code(AGGREGATOR)).some((e) => !e.awaited),
  }),
];

const retained = (payload: string): boolean => /\.setRetain\(\s*true\s*\)|\bretain\s*:\s*true\b/.test(payload);

/** `${SITE}.status.…`, `SITE + '.'…`, or levels joined with '.'. */
function buildsDottedTopic(code: string): boolean {
  const templates = [...code.matchAll(/`\$\{\s*SITE\s*\}[^`]*`/g)].map((m) => m[0].replace(/\$\{[^}]*\}/g, ''));
  return templates.some((t) => t.includes('.')) || /\bSITE\s*\+\s*['"`]\./.test(code) || /\.join\(\s*['"`]\.['"`]\s*\)/.test(code);
}

/**
 * Whether some options object of the aggregator, outside ClientsModule.register (the publishing
 * client), sets clean: false and a clientId that is the same on every start.
 */
function persistentSession(code: string): boolean {
  const file = parse(code);
  let found = false;
  const insideClients = (node: ts.Node): boolean => {
    for (let at = node.parent; at; at = at.parent) if (ts.isCallExpression(at) && /^ClientsModule\.register/.test(at.expression.getText(file))) return true;
    return false;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node) && !insideClients(node)) {
      const prop = (name: string) => node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(file) === name);
      const clean = prop('clean');
      const clientId = node.properties.find((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText(file) === 'clientId');
      const random = clientId && ts.isPropertyAssignment(clientId) && /\b(Date|random|randomUUID|uuid|pid|hrtime)\b/.test(clientId.initializer.getText(file));
      if (clean?.initializer.kind === ts.SyntaxKind.FalseKeyword && clientId && !random) found = true;
    }
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}

const parse = (code: string): ts.SourceFile => ts.createSourceFile('code.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);

interface Emit {
  /** The topic argument as written. */
  topic: string;
  /** The payload argument, or the initializer of the variable it names (the nearest one before the call). */
  payload: string;
  /** Inside firstValueFrom(…)/lastValueFrom(…): someone waits for the publish. */
  awaited: boolean;
}

/** The emits of status (topic mentions status) or of alerts (topic mentions alert) under aggregator/. */
function emitsOf(scene: Scene<Wire>, of: 'status' | 'alert'): Emit[] {
  return emitsIn(scene.code(AGGREGATOR)).filter((e) => new RegExp(of, 'i').test(e.topic));
}

/** Every `x.emit(topic, payload)` in the code, read from the syntax tree. */
export function emitsIn(code: string): Emit[] {
  const file = parse(code);
  const found: Emit[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'emit' && node.arguments.length === 2) {
      const [topic, payload] = node.arguments;
      found.push({ topic: topic.getText(file), payload: resolve(payload, node, file), awaited: awaited(node) });
    }
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}

/** A variable's initializer: the last declaration of that name before the call, in the function around it. */
function resolve(payload: ts.Expression, call: ts.Node, file: ts.SourceFile): string {
  if (!ts.isIdentifier(payload)) return payload.getText(file);
  let scope: ts.Node = file;
  for (let at = call.parent; at; at = at.parent) if (ts.isFunctionLike(at)) { scope = at; break; }
  let init: string | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === payload.text && node.initializer && node.pos < call.pos) init = node.initializer.getText(file);
    node.forEachChild(visit);
  };
  visit(scope);
  return init ?? payload.getText(file);
}

/** Inside the arguments of firstValueFrom(…)/lastValueFrom(…), before any function boundary (as the harness's unawaitedEmits). */
function awaited(call: ts.Node): boolean {
  for (let at = call.parent; at; at = at.parent) {
    if (ts.isCallExpression(at) && ts.isIdentifier(at.expression) && /^(first|last)ValueFrom$/.test(at.expression.text) && at.arguments.some((a) => a.pos <= call.pos && call.end <= a.end)) return true;
    if (ts.isFunctionLike(at)) return false;
  }
  return false;
}
