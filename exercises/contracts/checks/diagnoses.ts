/**
 * The named mistakes of contracts and the evidence each one requires. The check's flow
 * (contracts.check.ts) decides pass or fail from what it reads on the Redis channel and in the
 * consumers' logs; when a test fails it asks these detectors, through the harness's `diagnose`,
 * whether a known mistake explains it. A symptom (a consumer that could not use a body, a message of
 * the wrong shape) is shared by several mistakes, so each detector also needs the source's shape that
 * only its mistake leaves. test/unit/diagnoses.test.ts runs them over every fixture.
 */
import ts from 'typescript';
import { detector, handlersInText, unawaitedEmitsIn, type Detector, type Scene } from 'learn-nest-micro/harness';

export type Consumer = 'billing' | 'loyalty';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** Fewer than two subscribers on <ORDERS_CHANNEL>.order_placed; the other channels of this run that someone listens on. */
  | { kind: 'subscribers'; count: number; otherChannels: string[] }
  /** A consumer logged "cannot bill …" / "cannot score …" for an envelope of version `v` the check published: `payload` is what its handler got. */
  | { kind: 'complaint'; service: Consumer; v: number; payload: unknown }
  /** loyalty scored the check's version 1 order of 19.99 € as `cents` `currency` (expected 1999 EUR). */
  | { kind: 'scored-v1'; cents: string; currency: string }
  /** What the shop published on the channel for POST /orders { cents: 1250, currency: 'EUR' }, not as agreed. */
  | { kind: 'published'; message: Record<string, unknown> }
  /** Every message arrived as agreed, in both directions: what is left to read is the source's shape. */
  | { kind: 'delivered' };

const bodyOf = (wire: Wire): Record<string, unknown> | undefined => {
  if (wire.kind !== 'published') return undefined;
  const body = wire.message.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
};

const isEnvelope = (p: unknown): boolean => Boolean(p && typeof p === 'object' && 'type' in p && 'body' in p);

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'version-in-pattern',
    // A consumer whose controller is left out of its module, or a pattern with a typo, also leaves the
    // channel with one subscriber: only a handler whose pattern is an object naming a version is this.
    requires: 'someone listens on a JSON channel next to order_placed, and a consumer subscribes with an object pattern that names a version ({ …, v: … })',
    symptom: (wire) => wire.kind === 'subscribers' && wire.count < 2 && wire.otherChannels.some((c) => c.startsWith('{') && c.includes('order_placed')),
    evidence: (scene) => (['billing', 'loyalty'] as const).some((c) => handlersInText(scene.code(c)).some((h) => h.decorator === 'EventPattern' && /^\{.*\b"?v(ersion)?"?\s*:/.test(h.pattern))),
  }),
  detector({
    mistake: 'consumer-deserializer-missing',
    // The same envelope reaches a handler whose deserializer returns { pattern, data: envelope }: the
    // evidence is that this consumer sets no deserializer at all (its folder, or contract/redis.ts).
    requires: "the consumer's handler got the whole envelope and its transport options set no deserializer (neither in its folder nor in contract/redis.ts)",
    symptom: (wire) => wire.kind === 'complaint' && isEnvelope(wire.payload),
    evidence: (scene) => scene.wire.kind === 'complaint' && !setsDeserializer(scene, scene.wire.service),
  }),
  detector({
    mistake: 'deserializer-shape',
    // A handler that reads the wrong argument (@Payload('body')) also gets undefined with a correct
    // deserializer: the evidence is what deserialize() itself returns.
    requires: "the consumer's handler got no body, or the envelope, the consumer sets a deserializer, and deserialize() returns something other than { pattern, data: <the envelope's body> }",
    symptom: (wire) => wire.kind === 'complaint' && (wire.payload === undefined || isEnvelope(wire.payload)),
    evidence: (scene) => scene.wire.kind === 'complaint' && setsDeserializer(scene, scene.wire.service) && deserializeMisshapen(scene.code('contract')),
  }),
  detector({
    mistake: 'new-consumer-rejects-v1',
    // A version read from the metadata but compared as a number ('1' === 1) sends a version 1 body down
    // the version 2 path too: only a handler that never reads the version, or never converts, is this.
    requires: 'loyalty could not score a version 1 body (it has orderId, no total); loyalty subscribes with the plain pattern and never reads the version (getMetadata) or never calls toV2',
    symptom: (wire) => wire.kind === 'complaint' && wire.service === 'loyalty' && wire.v === 1 && isV1Body(wire.payload),
    evidence: (scene) => {
      const code = scene.code('loyalty');
      const plain = handlersInText(code).some((h) => h.decorator === 'EventPattern' && !h.pattern.startsWith('{'));
      return plain && (!/\bgetMetadata\s*\(/.test(code) || !/\btoV2\s*\(/.test(code));
    },
  }),
  detector({
    mistake: 'cents-not-rounded',
    // 1998.9999999999998 is what 19.99 * 100 gives in floating point; the evidence is the product
    // written without a rounding call, wherever the conversion lives (toV2, or loyalty's own code).
    requires: 'loyalty scored 19.99 € as a fraction of a cent, and a multiplication by 100 in contract/ or loyalty/ is not rounded',
    symptom: (wire) => wire.kind === 'scored-v1' && wire.currency === 'EUR' && Number.isFinite(Number(wire.cents)) && !Number.isInteger(Number(wire.cents)),
    evidence: (scene) => unroundedTimes100(`${scene.code('contract')}\n${scene.code('loyalty')}`),
  }),
  detector({
    mistake: 'serializer-not-on-client',
    // A serializer that is registered on the shop's client but returns the packet unchanged puts the
    // same { pattern, data } on the channel: the evidence is a client with no serializer at all.
    requires: "the shop published Nest's own packet { pattern, data } and nothing under shop/ sets a serializer",
    symptom: (wire) => wire.kind === 'published' && 'pattern' in wire.message && 'data' in wire.message && !('type' in wire.message),
    evidence: (scene) => !/\bserializer\b\s*[:,}]/.test(scene.code('shop')),
  }),
  detector({
    mistake: 'v2-drops-amount',
    // A serializer that rebuilds the body from some fields only drops amount too: the evidence is
    // a shop whose code never mentions amount.
    requires: 'the shop published a version 2 body with a total but no amount, and nothing under shop/ mentions amount',
    symptom: (wire) => bodyOf(wire) !== undefined && bodyOf(wire)!.amount === undefined && bodyOf(wire)!.total !== undefined,
    evidence: (scene) => !/\bamount\b/.test(scene.code('shop')),
  }),
  detector({
    mistake: 'amount-meaning-reused',
    requires: "the shop published amount equal to the total's cents, and shop/ assigns amount from the cents without dividing them",
    symptom: (wire) => {
      const body = bodyOf(wire) as { amount?: unknown; total?: { cents?: unknown } } | undefined;
      return body !== undefined && typeof body.amount === 'number' && body.amount === body.total?.cents;
    },
    evidence: (scene) => [...scene.code('shop').matchAll(/\bamount\s*:\s*([^,}\n]+)/g)].some((m) => /\bcents\b/.test(m[1]) && !/[/*]/.test(m[1])),
  }),
  detector({
    mistake: 'emit-not-awaited',
    // Nothing on the wire shows it (Nest's emit() publishes at once): the evidence is the call itself.
    requires: 'an emit() under shop/ whose Observable nobody waits for (not inside firstValueFrom/lastValueFrom)',
    symptom: (wire) => wire.kind === 'delivered',
    evidence: (scene) => unawaitedEmitsIn(scene.code('shop')).length > 0,
  }),
];

function isV1Body(payload: unknown): boolean {
  return Boolean(payload && typeof payload === 'object' && 'orderId' in payload && !('total' in payload) && !isEnvelope(payload));
}

/** Whether the consumer's server options set a deserializer: in its own folder, or in the shared contract/redis.ts. */
function setsDeserializer(scene: Scene<Wire>, service: Consumer): boolean {
  const property = /\bdeserializer\b\s*[:,}]/;
  return property.test(scene.code(service)) || property.test(scene.code('contract/redis.ts'));
}

/** Lines that multiply by 100 without Math.round/trunc/floor/ceil or toFixed on the same line. */
function unroundedTimes100(code: string): boolean {
  return code.split('\n').some((line) => /\*\s*100\b(?!\.)|\b100\s*\*/.test(line) && !/\bMath\.(round|trunc|floor|ceil)\s*\(|\.toFixed\s*\(/.test(line));
}

const parse = (code: string): ts.SourceFile => ts.createSourceFile('code.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);

/**
 * Whether a `deserialize` method in the code returns something other than Nest's packet: every
 * return must be an object literal with `pattern` and a `data` taken from the envelope's body.
 * No deserialize method, or one with no return (the starter's throw), is not evidence.
 */
export function deserializeMisshapen(code: string): boolean {
  const file = parse(code);
  let misshapen = false;
  const visit = (node: ts.Node): void => {
    if (ts.isMethodDeclaration(node) && node.name.getText(file) === 'deserialize' && node.body) {
      for (const expression of returnsOf(node.body)) if (!isPacket(expression, file)) misshapen = true;
    }
    node.forEachChild(visit);
  };
  visit(file);
  return misshapen;
}

function returnsOf(body: ts.Node): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
    node.forEachChild(visit);
  };
  body.forEachChild(visit);
  return found;
}

function isPacket(expression: ts.Expression, file: ts.SourceFile): boolean {
  let e: ts.Expression = expression;
  while (ts.isAsExpression(e) || ts.isParenthesizedExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (!ts.isObjectLiteralExpression(e)) return false;
  const named = (name: string) => e.properties.find((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText(file) === name);
  const data = named('data');
  if (!named('pattern') || !data) return false;
  // `data` must come from the body: `envelope.body`, `value.body`, `{ data: body }` after destructuring.
  return /\bbody\b/.test(data.getText(file));
}
