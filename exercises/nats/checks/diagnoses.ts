/**
 * The named mistakes of the nats exercise and the evidence each one requires. The check's flow
 * (nats.check.ts) decides pass or fail from what it sees on NATS and in the audit trails; when a test
 * fails it asks these detectors, through the harness's `diagnose`, whether a known mistake explains
 * it. A symptom (an EmptyError, a request answered twice, an audit trail with gaps) is shared by
 * several mistakes, so every detector also needs the source's shape (read from the syntax tree, with
 * comments removed) or a line only that mistake makes the services write.
 * test/unit/diagnoses.test.ts runs them over every fixture; test/diagnoses/nats.ts lists the symptoms.
 */
import ts from 'typescript';
import { clientCallsIn, detector, patternsIn, unawaitedEmitsIn, type Detector } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** A quote request sent with a Nest client failed; `errorText` is what the client said. */
  | { kind: 'quote-failed'; errorText: string }
  /** A reply came back, but its requestId is not the request's x-request-id header. */
  | { kind: 'reply-request-id'; requestId: unknown }
  /** 30 raw requests: replies with neither response nor err, requests answered by several instances, requests not answered, instances that answered none. */
  | { kind: 'shared-requests'; emptyReplies: number; answeredBy: string[][]; unanswered: number; idle: string[] }
  /** The check's events, as each audit instance recorded them. */
  | { kind: 'audit-events'; published: number; counts: number[]; distinct: number; shallowSeen: boolean; deepSeen: boolean; headerlessSeen: boolean }
  /** Audit entries whose request= is not the event's x-request-id header. */
  | { kind: 'audit-request-id'; wrong: number }
  /** quote.issued: `reply` is a reply subject one of them carried ('' for none); `entries` the audit's count, `withId` those with a request id. */
  | { kind: 'quote-issued'; reply: string; entries: number; withId: number }
  /** Every quote.issued arrived as it should: only the source can show what is still wrong. */
  | { kind: 'issued-delivered' };

const QUOTES = 'quotes-service';
const AUDIT = 'audit-service';
const QUOTE_LOGS = ['quotes-1', 'quotes-2', 'quotes-3'];

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'audit-catches-requests',
    // An EmptyError also comes from a quotes handler that returns nothing; empty replies from any
    // other subscriber too. Only an audit subject that covers <SHIP>.quote.<country> is this mistake.
    requires: "a subject of an audit-service handler matches <SHIP>.quote.de (NATS's * and > read as NATS does), so the audit answers quote requests",
    symptom: (wire) => (wire.kind === 'quote-failed' && /no elements in sequence|EmptyError/.test(wire.errorText)) || (wire.kind === 'shared-requests' && wire.emptyReplies > 0),
    evidence: (scene) => patternsIn(scene.code(AUDIT)).some((s) => natsMatches(s, 'S.quote.de')),
  }),
  detector({
    mistake: 'plain-object-headers',
    // A failed quote or a missing quote.issued has many causes: the NATS client's own TypeError when
    // it encodes headers that are not a MsgHdrs object (or the record built with an object literal) is this one.
    requires: "a quotes instance logged the NATS client's `hdrs.encode is not a function`, or the quotes service passes an object literal (or a Map) to setHeaders",
    logsOf: QUOTE_LOGS,
    symptom: (wire) => wire.kind === 'quote-failed' || (wire.kind === 'quote-issued' && wire.entries === 0),
    evidence: (scene) => {
      for (const q of QUOTE_LOGS) {
        const line = scene.log(q).match(/^.*hdrs\.encode is not a function.*$/m)?.[0].trim();
        if (line) return line;
      }
      return setHeadersWithPlainObject(scene.code(QUOTES));
    },
  }),
  detector({
    mistake: 'send-instead-of-emit',
    // "No responders" on the quote subject itself means no quotes instance listens; only a request on
    // quote.issued, or a quote.issued with a reply subject, is the event sent as a request.
    requires: 'NATS reported no responders for <SHIP>.events.quote.issued, or a quote.issued carried a reply subject, and the quotes service calls send() on a client',
    symptom: (wire) =>
      (wire.kind === 'quote-failed' && /There are no subscribers listening/.test(wire.errorText) && /\.events\.quote\.issued/.test(wire.errorText)) || (wire.kind === 'quote-issued' && wire.reply !== ''),
    evidence: (scene) => clientCallsIn(scene.code(QUOTES), 'send').length > 0,
  }),
  detector({
    mistake: 'headers-indexed-like-object',
    // A requestId missing from the reply is also a header read under another name, or never read at all.
    requires: 'the service whose record lacks the request id indexes what NatsContext.getHeaders() returned (headers[…]) instead of calling get(…)',
    symptom: (wire) => wire.kind === 'reply-request-id' || wire.kind === 'audit-request-id',
    evidence: (scene) => indexesHeaders(scene.code(scene.wire.kind === 'audit-request-id' ? AUDIT : QUOTES)),
  }),
  detector({
    mistake: 'no-queue-group',
    // Answers from several instances can also come from instances in queue groups of their own
    // (queue: INSTANCE_ID): the same mistake in effect, and covered by the evidence below.
    requires: 'one request answered by two different quotes instances, and the quotes service has no queue option, or one named after the instance',
    symptom: (wire) => wire.kind === 'shared-requests' && wire.answeredBy.some((by) => new Set(by).size > 1),
    evidence: (scene) => {
      const queues = [...scene.code(QUOTES).matchAll(/\bqueue\s*:\s*([^,}\n]+)/g)].map((m) => m[1]);
      return queues.length === 0 || queues.every((q) => /INSTANCE|process\.env/.test(q));
    },
  }),
  detector({
    mistake: 'audit-in-queue-group',
    // Each event once in total is also what an audit that only runs on audit-1 records (the other
    // instance empty): only a queue option in the audit's transport is this mistake.
    requires: 'together the audit instances recorded each event once, none recorded all, and audit-service sets a queue option',
    symptom: (wire) => wire.kind === 'audit-events' && wire.distinct === wire.published && wire.counts.reduce((a, b) => a + b, 0) === wire.published && wire.counts.every((n) => n < wire.published),
    evidence: (scene) => /\bqueue\s*:/.test(scene.code(AUDIT)),
  }),
  detector({
    mistake: 'wildcard-one-token',
    // Deep events missing can also be a handler that throws on them, or a subject written for one depth only.
    requires: 'the events three tokens below events. were not recorded, and every audit subject that matches <SHIP>.events.parcel.booked fails to match <SHIP>.events.customs.de.cleared',
    symptom: (wire) => wire.kind === 'audit-events' && !wire.deepSeen,
    evidence: (scene) => {
      const subjects = patternsIn(scene.code(AUDIT));
      const shallow = subjects.filter((s) => natsMatches(s, 'S.events.parcel.booked'));
      return /\*/.test(subjects.join(' ')) && !subjects.some((s) => natsMatches(s, 'S.events.customs.de.cleared')) && (shallow.length > 0 || subjects.some((s) => /^S\.events(\.\*)+$/.test(s)));
    },
  }),
  detector({
    mistake: 'header-not-propagated',
    // No request id on quote.issued is also a header set under another name, or an audit that reads it
    // wrongly (caught by the test before): only an event emitted without a record is this mistake.
    requires: 'quote.issued reached the audit without any x-request-id, and the quotes service builds no NatsRecord for it (emits the bare quote)',
    symptom: (wire) => wire.kind === 'quote-issued' && wire.entries > 0 && wire.withId === 0,
    evidence: (scene) => clientCallsIn(scene.code(QUOTES), 'emit').length > 0 && !/new\s+NatsRecord(Builder)?\s*[(<]/.test(scene.code(QUOTES)),
  }),
  detector({
    mistake: 'issued-emit-not-awaited',
    // Nothing on the wire shows it (Nest's emit() publishes at once): the evidence is the call itself.
    requires: 'an emit() under quotes-service/ whose Observable nobody waits for (not inside firstValueFrom/lastValueFrom)',
    symptom: (wire) => wire.kind === 'issued-delivered',
    evidence: (scene) => unawaitedEmitsIn(scene.code(QUOTES)).join('\n') || false,
  }),
];

// ---------------------------------------------------------------------------------------------
// Source shapes, read from the syntax tree of comment-free code.

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('code.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** Parentheses, `as T`, `!` and `satisfies T` taken off an expression. */
function bare(node: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
  return node;
}

/** Does the NATS subject pattern match the subject? `*` is one token, `>` (last) one or more. */
export function natsMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return i === p.length - 1 && s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** `getHeaders()[…]`, `getHeaders()?.[…]`, or `h[…]` where `h` was set from getHeaders(). */
export function indexesHeaders(code: string): boolean {
  const file = parse(code);
  const isGetHeaders = (e: ts.Expression): boolean => {
    const b = bare(e);
    return ts.isCallExpression(b) && ts.isPropertyAccessExpression(b.expression) && b.expression.name.text === 'getHeaders';
  };
  const fromHeaders = new Set<string>();
  walk(file, (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && isGetHeaders(node.initializer)) fromHeaders.add(node.name.text);
  });
  let found = false;
  walk(file, (node) => {
    if (!ts.isElementAccessExpression(node)) return;
    const target = bare(node.expression);
    if (isGetHeaders(target) || (ts.isIdentifier(target) && fromHeaders.has(target.text))) found = true;
  });
  return found;
}

/** setHeaders({ … }) or setHeaders(new Map(…)): headers that are not the NATS client's MsgHdrs. */
function setHeadersWithPlainObject(code: string): boolean {
  const file = parse(code);
  let found = false;
  walk(file, (node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== 'setHeaders') return;
    const [arg] = node.arguments;
    if (!arg) return;
    const b = bare(arg);
    if (ts.isObjectLiteralExpression(b) || (ts.isNewExpression(b) && ts.isIdentifier(b.expression) && b.expression.text === 'Map')) found = true;
  });
  return found;
}
