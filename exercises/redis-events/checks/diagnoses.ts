/**
 * The named mistakes of redis-events and the evidence each one requires. The check's flow
 * (redis-events.check.ts) decides pass or fail from what it hears on Redis and reads in the records
 * the services keep there; when a test fails it asks these detectors, through the harness's
 * `diagnose`, whether a known mistake explains it. A symptom (nothing published, a mail missing or
 * sent twice) is shared by several mistakes, so every detector also needs the source's shape (read
 * from the syntax tree of comment-free code) or a fact on Redis that only that mistake leaves.
 * test/unit/diagnoses.test.ts runs them over every fixture; test/diagnoses/redis-events.ts lists the symptoms.
 */
import ts from 'typescript';
import { clientCallsIn, detector, patternsIn, unawaitedEmitsIn, type Detector } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** POST /prices answered `status`, and nothing came on <SHOP>.price.changed; `elsewhere`: the SHOP channels that did get something. */
  | { kind: 'price-not-published'; status: number; elsewhere: string[] }
  /** What came on <SHOP>.price.changed carried an id: a request waiting for a reply. */
  | { kind: 'price-as-request' }
  /** Three price changes, and how many times cache-1 and cache-2 applied each; `subscribers` on the price channel by name. */
  | { kind: 'cache-applied'; applied: [number, number][]; subscribers: number }
  /**
   * Order o-1 placed and cancelled: mails per channel, `twiceBy` the instances of a channel mailed more
   * than once, `foreign` the mails about a channel that is not an order's, `literal` PUBSUB NUMSUB of
   * the channel named `<SHOP>.order.*` itself.
   */
  | { kind: 'order-mails'; placed: number; cancelled: number; twiceBy: string[][]; foreign: number; literal: number }
  /** <SHOP>.order.shipped, published by the check, was not mailed; order.placed and order.cancelled were. */
  | { kind: 'shipped-not-mailed'; literal: number }
  /** With mailer-1 stopped, nothing was mailed for a new order. */
  | { kind: 'no-mail-without-mailer-1' }
  /** The price event arrived as it should: only the source can show what is still wrong. */
  | { kind: 'price-delivered' };

const SHOP_DIR = 'shop';
const CACHE_DIR = 'cache';
const MAILER_DIR = 'mailer';

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'send-instead-of-emit',
    // Nothing published is also a route that is missing (404) or a handler that publishes nothing; an
    // Express res.send(body) in the controller is not a client's send(channel, data).
    requires: "the shop's code calls send(channel, data) on a client, and POST /prices succeeded with nothing published, or published a packet with an id",
    symptom: (wire) => (wire.kind === 'price-not-published' && wire.status >= 200 && wire.status < 300 && wire.elsewhere.length === 0) || wire.kind === 'price-as-request',
    evidence: (scene) => clientCallsIn(scene.code(SHOP_DIR), 'send').length > 0,
  }),
  detector({
    mistake: 'cache-handles-once',
    // Each change applied once in total is also a cache-2 that crashed or never subscribed: only a
    // once-only guard in the cache's code (a claim, SET … NX, a check on the instance) is this mistake.
    requires: "each price change was applied once in total, and the cache's code claims it (SET … NX, a claim) or checks which instance it is",
    symptom: (wire) => wire.kind === 'cache-applied' && wire.applied.every(([one, two]) => one + two === 1),
    evidence: (scene) => {
      const code = scene.code(CACHE_DIR);
      return /['"]NX['"]|\bsetnx\s*\(|\.claim\s*\(/i.test(code) || comparesInstance(code);
    },
  }),
  detector({
    mistake: 'mailer-pattern-too-broad',
    // A mail about a price change is also a handler on the price channel by name, or a mail sent with
    // the wrong channel: only a glob that matches <SHOP>.price.changed as Redis reads it is this one.
    requires: "a mail about a channel that is not an order's, and a pattern of the mailer's handlers matches <SHOP>.price.changed as a Redis glob",
    symptom: (wire) => wire.kind === 'order-mails' && wire.foreign > 0,
    evidence: (scene) => patternsIn(scene.code(MAILER_DIR)).some((p) => /[*?[]/.test(p) && globMatches(p, 'S.price.changed')),
  }),
  detector({
    mistake: 'wildcards-missing',
    // A subscription to the channel literally named `<SHOP>.order.*` is made only by a Nest Redis
    // server without wildcards; the source says whose.
    requires: "PUBSUB NUMSUB counts subscribers of the channel literally named <SHOP>.order.*, and the mailer's transport options do not set wildcards: true",
    symptom: (wire) => (wire.kind === 'order-mails' && wire.literal > 0 && (wire.placed === 0 || wire.cancelled === 0)) || (wire.kind === 'shipped-not-mailed' && wire.literal > 0),
    evidence: (scene) => !/\bwildcards\s*:\s*true\b/.test(scene.code(MAILER_DIR)) && patternsIn(scene.code(MAILER_DIR)).some((p) => /[*?[]/.test(p)),
  }),
  detector({
    mistake: 'mailer-sends-twice',
    // Both instances mailing is also a claim whose answer is ignored, or whose key differs per instance:
    // only a mailer that never claims is this mistake (the others get the plain failure).
    requires: 'one order event mailed by both mailer instances, and no code under mailer/ calls claim(…), sets a key with NX or picks an instance by its INSTANCE_ID',
    symptom: (wire) => wire.kind === 'order-mails' && wire.twiceBy.some((by) => new Set(by).size > 1),
    evidence: (scene) => {
      const handlers = scene.code(MAILER_DIR).replace(scene.code(`${MAILER_DIR}/claims.ts`), '');
      return !/\.claim\s*\(/.test(handlers) && !/['"]NX['"]|\bsetnx\s*\(/i.test(handlers) && !comparesInstance(handlers);
    },
  }),
  detector({
    mistake: 'mailer-exact-channels',
    // A new kind of event not mailed is also a claim keyed by the order alone (o-1's claim taken by its
    // placed mail): only handlers that all name one channel exactly are this mistake.
    requires: "<SHOP>.order.shipped was not mailed, and every pattern of the mailer's handlers names one channel exactly (no *, ? or [ ], or a CHANNELS entry)",
    symptom: (wire) => wire.kind === 'shipped-not-mailed',
    evidence: (scene) => {
      const patterns = patternsIn(scene.code(MAILER_DIR));
      // A name other than the shop's own CHANNELS entries may hold a pattern: it is not read as exact.
      return patterns.length > 0 && patterns.every((p) => /^CHANNELS\.(orderPlaced|orderCancelled|priceChanged)$/.test(p) || /^[\w:-]+(\.[\w:-]+)+$/.test(p));
    },
  }),
  detector({
    mistake: 'mailer-only-first-instance',
    // No mail with mailer-1 stopped is also mailer-2 crashing, or a claim still held: only a mailer
    // that compares its own INSTANCE_ID is this mistake.
    requires: 'with mailer-1 stopped nothing was mailed, and the mailer compares INSTANCE_ID (or INSTANCE) with a value',
    symptom: (wire) => wire.kind === 'no-mail-without-mailer-1',
    evidence: (scene) => comparesInstance(scene.code(MAILER_DIR)),
  }),
  detector({
    mistake: 'publish-not-awaited',
    // Nothing on the wire shows it (Nest's emit() publishes at once): the evidence is the call itself.
    requires: 'an emit() under shop/ whose Observable nobody waits for (not inside firstValueFrom/lastValueFrom)',
    symptom: (wire) => wire.kind === 'price-delivered',
    evidence: (scene) => unawaitedEmitsIn(scene.code(SHOP_DIR)).join('\n') || false,
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

/** Does a Redis glob (PSUBSCRIBE's: * any run, ? one character, [..] a class, \ escapes) match the channel? */
export function globMatches(glob: string, channel: string): boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < glob.length) re += `\\${glob[++i]}`;
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('^') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(channel);
}

/** INSTANCE or INSTANCE_ID compared with a value (===, !==, ==, !=, startsWith, endsWith, includes, a switch). */
export function comparesInstance(code: string): boolean {
  const file = parse(code);
  const isInstance = (n: ts.Node): boolean => /\bINSTANCE(_ID)?\b/.test(n.getText(file));
  let found = false;
  walk(file, (node) => {
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(node.operatorToken.kind) && (isInstance(node.left) || isInstance(node.right))) found = true;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^(startsWith|endsWith|includes)$/.test(node.expression.name.text) && isInstance(node.expression.expression)) found = true;
    if (ts.isSwitchStatement(node) && isInstance(node.expression)) found = true;
  });
  return found;
}
