/**
 * The named mistakes of resilience and the evidence each one requires. The check's flow
 * (resilience.check.ts) decides pass or fail from what reached the fault proxy and what Redis holds;
 * when a test fails it asks these detectors, through the harness's `diagnose`, whether a known
 * mistake explains it. A count of attempts, a gap between them or a payment charged twice is a
 * symptom several mistakes share (e.g. "charged twice" is left by a ledger that never deduplicates,
 * one that claims after the charge, one that reads then writes, and one that remembers in memory), so
 * every detector also needs the source's shape, read from its syntax tree with comments removed.
 * test/unit/diagnoses.test.ts runs them over every fixture with every symptom in test/diagnoses/resilience.ts.
 */
import ts from 'typescript';
import { detector, type Detector } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** A permanent error (INVALID, DECLINED, or one without a code) was answered; `attempts` requests for that payment reached the service. */
  | { kind: 'permanent-error'; code: 'INVALID' | 'DECLINED' | 'no code'; attempts: number; status: number }
  /** The first three attempts were answered UNAVAILABLE at once. `gaps`: ms between attempts as they arrived. */
  | { kind: 'transient'; attempts: number; status: number; gaps: number[]; everyAttemptAnsweredAtOnce: boolean }
  /** Every attempt was answered UNAVAILABLE at once, for as many attempts as the gateway made. */
  | { kind: 'unavailable-throughout'; attempts: number; status: number }
  /** Every reply of the service was held back 4 s; `ms` is how long the caller waited (status 0: no answer in 7 s). */
  | { kind: 'slow-service'; attempts: number; status: number; ms: number; heldMs: number }
  /** The ledger holds more than one entry for a payment delivered more than once, in the way `delivery` says. */
  | { kind: 'charged-twice'; delivery: 'retry-after-lost-reply' | 'retry-after-timeout' | 'simultaneous' | 'after-restart'; entries: number };

/** The contract of the exercise (gateway/call-policy.ts). */
const ATTEMPTS = 4;
const BACKOFF_MS = 100;

const GATEWAY = 'gateway';
const POLICY = 'gateway/call-policy.ts';
const PAYMENTS = 'payments-service';

const transient = (wire: Wire): wire is Extract<Wire, { kind: 'transient' }> => wire.kind === 'transient';
const slow = (wire: Wire): wire is Extract<Wire, { kind: 'slow-service' }> => wire.kind === 'slow-service';
const chargedTwice = (wire: Wire, ...deliveries: Extract<Wire, { kind: 'charged-twice' }>['delivery'][]): boolean =>
  wire.kind === 'charged-twice' && wire.entries > 1 && (deliveries.length === 0 || deliveries.includes(wire.delivery));

export const detectors: Detector<Wire>[] = [
  // --- the gateway's call policy -------------------------------------------------------------------
  detector({
    mistake: 'retries-permanent-error',
    // A gateway that sends every request twice (subscribing twice) also asks again after DECLINED:
    // the evidence is a retry that lets every error through, not the count of attempts.
    requires: "INVALID, DECLINED or an error without a code was followed by another attempt, and the gateway's retry() lets every error through: no delay function, or one that never rethrows (no throwError, no throw)",
    symptom: (wire) => wire.kind === 'permanent-error' && wire.attempts > 1,
    evidence: (scene) => {
      const retries = retryCalls(scene.code(GATEWAY));
      return retries.length > 0 && retries.every((r) => r.delay === undefined || r.delay.kind === 'constant' || (r.delay.kind === 'function' && !r.delay.rethrows));
    },
  }),
  detector({
    mistake: 'retry-attempts-option',
    // A gateway whose retry judges UNAVAILABLE permanent also makes one attempt: only a client option
    // with no retry() anywhere is this mistake.
    requires: 'one attempt after UNAVAILABLE, the client options set retryAttempts or retryDelay, and the gateway calls no retry() or retryWhen()',
    symptom: (wire) => transient(wire) && wire.attempts === 1,
    evidence: (scene) => {
      const code = scene.code(GATEWAY);
      return /\bretry(Attempts|Delay)\s*:/.test(code) && calls(code, ['retry', 'retryWhen']).length === 0;
    },
  }),
  detector({
    mistake: 'timeout-outside-retry',
    // Back-off waits that use up a deadline show up as 504 after fewer than four instant answers; a
    // deadline shorter than the back-off could do that too, so the evidence is the operators' order.
    requires: 'a 504 although every attempt was answered at once, or after a single slow attempt, and in the pipe every timeout() comes after retry()',
    symptom: (wire) =>
      (transient(wire) && wire.status === 504 && wire.attempts < ATTEMPTS && wire.everyAttemptAnsweredAtOnce) || (slow(wire) && wire.attempts === 1 && wire.status === 504),
    evidence: (scene) => timeoutAfterRetry(scene.code(POLICY)),
  }),
  detector({
    mistake: 'retry-without-delay',
    // A delay that does wait, only too little (timer(10)), gives the same gaps: only a retry that
    // cannot wait at all is named.
    requires: "attempts less than BACKOFF_MS / 2 apart, and the gateway's retry() has no delay, a delay of 0, or a delay function that calls no timer()/delay()/interval()",
    symptom: (wire) => transient(wire) && wire.attempts > 1 && Math.min(...wire.gaps) < BACKOFF_MS / 2,
    evidence: (scene) => {
      const retries = retryCalls(scene.code(GATEWAY));
      return retries.length > 0 && retries.every((r) => r.delay === undefined || (r.delay.kind === 'constant' && r.delay.value === 0) || (r.delay.kind === 'function' && !r.delay.waits));
    },
  }),
  detector({
    mistake: 'constant-delay',
    // A linear or wrongly computed growth also grows too little: only a wait that cannot depend on
    // the retry's number is named.
    requires: "four attempts whose gaps hardly grow, and the gateway's retry() waits a constant: a number, or a delay function without its retryCount parameter",
    symptom: (wire) => transient(wire) && wire.attempts === ATTEMPTS && Math.min(...wire.gaps) >= BACKOFF_MS / 2 && growth(wire.gaps) < 1.5 * BACKOFF_MS,
    evidence: (scene) => {
      const retries = retryCalls(scene.code(GATEWAY));
      return retries.length > 0 && retries.every((r) => r.delay !== undefined && ((r.delay.kind === 'constant' && r.delay.value !== 0) || (r.delay.kind === 'function' && r.delay.waits && !r.delay.usesRetryCount)));
    },
  }),
  detector({
    mistake: 'retry-forever',
    // retry({ count: 10 }) also makes more than four attempts, and is not unbounded: the evidence is a
    // retry() without its count.
    requires: "more than 1 + MAX_RETRIES attempts, and a retry() in the gateway has no count (retry(), retry({ delay }), or a count of Infinity)",
    symptom: (wire) => (wire.kind === 'slow-service' || wire.kind === 'unavailable-throughout') && wire.attempts > ATTEMPTS,
    evidence: (scene) => retryCalls(scene.code(GATEWAY)).some((r) => r.unbounded),
  }),
  detector({
    mistake: 'no-timeout',
    // A timeout() longer than the held reply gives the same single, late attempt: only a gateway
    // with no timeout() at all is named.
    requires: 'one attempt, answered only when the held reply came (or not in 7 s), and the gateway calls no timeout() or timeoutWith()',
    symptom: (wire) => slow(wire) && wire.attempts === 1 && (wire.status === 0 || wire.ms >= wire.heldMs),
    evidence: (scene) => calls(scene.code(GATEWAY), ['timeout', 'timeoutWith']).length === 0,
  }),
  detector({
    mistake: 'timeout-not-transient',
    // timeout-outside-retry gives the same single attempt and 504; so does a delay function that
    // reads only the code: the evidence is a per-attempt timeout() and no TimeoutError in the policy.
    requires: 'one attempt and a 504 with every reply held back, a timeout() placed before retry(), and gateway/call-policy.ts never names TimeoutError',
    symptom: (wire) => slow(wire) && wire.attempts === 1 && wire.status === 504,
    evidence: (scene) => {
      const code = scene.code(POLICY);
      return timeoutBeforeRetry(code) && !/\bTimeoutError\b/.test(code);
    },
  }),

  // --- the payments service's ledger ---------------------------------------------------------------
  detector({
    mistake: 'no-dedup',
    // Charged twice is what every deduplication mistake leaves: this one looks nothing up at all.
    requires: 'a payment charged twice, and the payments service neither claims a key (SET … NX, SETNX) nor reads one (get, exists, has, sismember, hget, hexists) anywhere',
    symptom: (wire) => chargedTwice(wire),
    evidence: (scene) => {
      const code = scene.code(PAYMENTS);
      return claims(code).length === 0 && lookups(code, false).length === 0;
    },
  }),
  detector({
    mistake: 'dedup-after-effect',
    // A claim whose answer is ignored is charged twice too: the evidence is the order, the balance
    // changed before the claim was made.
    requires: 'a payment charged twice, and in the payments service the balance or the ledger is written (incrby, rpush…) before the first SET … NX',
    symptom: (wire) => chargedTwice(wire),
    evidence: (scene) => {
      const code = scene.code(PAYMENTS);
      const [claim] = claims(code);
      const [effect] = effects(code);
      return claim !== undefined && effect !== undefined && effect < claim;
    },
  }),
  detector({
    mistake: 'check-then-set-race',
    // A Map read and written with no await between cannot race; a Redis read and write can.
    requires: 'the two copies delivered at the same moment were both charged, and the payments service awaits a Redis read (get, exists…) and later a plain write, with no SET … NX anywhere',
    symptom: (wire) => chargedTwice(wire, 'simultaneous'),
    evidence: (scene) => {
      const code = scene.code(PAYMENTS);
      const [read] = lookups(code, true);
      return claims(code).length === 0 && read !== undefined && writes(code).some((w) => w > read);
    },
  }),
  detector({
    mistake: 'dedup-in-memory',
    // A key that expires too soon is also forgotten by the time of the redelivery: the evidence is
    // the Map or Set in the process, with nothing claimed in Redis.
    requires: 'a payment charged again after the payments service restarted, which keeps a Map or a Set and claims no key in Redis (no SET … NX, SETNX)',
    symptom: (wire) => chargedTwice(wire, 'after-restart'),
    evidence: (scene) => {
      const code = scene.code(PAYMENTS);
      return claims(code).length === 0 && /\bnew\s+(Map|Set)\b/.test(code);
    },
  }),
];

/** How much the longest later gap exceeds an earlier one: ~300 ms for 100, 200, 400; ~0 for a fixed wait. */
export function growth(gaps: number[]): number {
  return Math.max(0, ...gaps.flatMap((g, i) => gaps.slice(i + 1).map((later) => later - g)));
}

// --- reading the syntax tree ---------------------------------------------------------------------

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('code.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** The name a call is made by: `retry(…)`, `rxjs.retry(…)` and `this.redis.set(…)` give retry, retry and set. */
function calleeName(call: ts.CallExpression): string | undefined {
  if (ts.isIdentifier(call.expression)) return call.expression.text;
  if (ts.isPropertyAccessExpression(call.expression)) return call.expression.name.text;
  return undefined;
}

function calls(code: string, names: string[], root: ts.Node = parse(code)): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  walk(root, (node) => {
    if (ts.isCallExpression(node) && names.includes(calleeName(node) ?? '')) found.push(node);
  });
  return found;
}

type Delay =
  /** A number of ms (a literal, or a const the file gives a number). */
  | { kind: 'constant'; value: number | undefined }
  /** A function literal: whether it can wait, rethrow, and reads its retry number. */
  | { kind: 'function'; waits: boolean; rethrows: boolean; usesRetryCount: boolean }
  /** Anything else (a helper's result, a parameter): not judged. */
  | { kind: 'unknown' };

interface RetryCall {
  /** No count: retry(), retry({ delay }), a count of Infinity. */
  unbounded: boolean;
  delay: Delay | undefined;
}

/** Every retry(…) call in the code, with what its configuration says. */
function retryCalls(code: string): RetryCall[] {
  const file = parse(code);
  const numbers = numericConsts(file);
  return calls(code, ['retry'], file).map((call): RetryCall => {
    const [config] = call.arguments;
    if (config === undefined) return { unbounded: true, delay: undefined };
    if (!ts.isObjectLiteralExpression(config)) return { unbounded: isInfinity(config), delay: undefined };
    const property = (name: string): ts.Expression | undefined => {
      for (const p of config.properties) {
        if (ts.isPropertyAssignment(p) && p.name.getText(file) === name) return p.initializer;
        if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
      }
      return undefined;
    };
    const count = property('count');
    const delay = property('delay');
    return { unbounded: count === undefined || isInfinity(count), delay: delay === undefined ? undefined : delayOf(delay, numbers) };
  });
}

function isInfinity(node: ts.Expression): boolean {
  return /^(Number\.POSITIVE_)?Infinity$/.test(node.getText().trim());
}

/** `const NAME = <number expression>` in the file, when it is only numbers, earlier such names and + - * / **. */
function numericConsts(file: ts.SourceFile): Map<string, number> {
  const found = new Map<string, number>();
  const value = (node: ts.Expression): number | undefined => {
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (ts.isIdentifier(node)) return found.get(node.text);
    if (ts.isParenthesizedExpression(node)) return value(node.expression);
    if (ts.isBinaryExpression(node)) {
      const [a, b] = [value(node.left), value(node.right)];
      if (a === undefined || b === undefined) return undefined;
      switch (node.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken: return a + b;
        case ts.SyntaxKind.MinusToken: return a - b;
        case ts.SyntaxKind.AsteriskToken: return a * b;
        case ts.SyntaxKind.SlashToken: return a / b;
        case ts.SyntaxKind.AsteriskAsteriskToken: return a ** b;
        default: return undefined;
      }
    }
    return undefined;
  };
  walk(file, (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const v = value(node.initializer);
      if (v !== undefined && Number.isFinite(v)) found.set(node.name.text, v);
    }
  });
  return found;
}

function delayOf(node: ts.Expression, numbers: Map<string, number>): Delay {
  if (ts.isNumericLiteral(node)) return { kind: 'constant', value: Number(node.text) };
  if (ts.isIdentifier(node) && numbers.has(node.text)) return { kind: 'constant', value: numbers.get(node.text) };
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    const waits = calls('', ['timer', 'delay', 'interval'], node).length > 0;
    let rethrows = false;
    walk(node.body, (n) => {
      if (ts.isThrowStatement(n) || (ts.isCallExpression(n) && calleeName(n) === 'throwError')) rethrows = true;
    });
    const second = node.parameters[1];
    let usesRetryCount = false;
    if (second && ts.isIdentifier(second.name)) {
      const name = second.name.text;
      walk(node.body, (n) => {
        if (ts.isIdentifier(n) && n.text === name) usesRetryCount = true;
      });
    } else if (second) {
      usesRetryCount = true; // a destructured second parameter: not judged
    }
    return { kind: 'function', waits, rethrows, usesRetryCount };
  }
  return { kind: 'unknown' };
}

/** The operators of a pipe chain in the order they apply: `a.pipe(x, y).pipe(z)` gives x, y, z. */
function pipeChains(code: string): ts.Expression[][] {
  const file = parse(code);
  const chains: ts.Expression[][] = [];
  const operators = (node: ts.Expression): ts.Expression[] => {
    if (ts.isCallExpression(node) && calleeName(node) === 'pipe' && ts.isPropertyAccessExpression(node.expression)) {
      return [...operators(node.expression.expression), ...node.arguments];
    }
    return [];
  };
  walk(file, (node) => {
    if (!ts.isCallExpression(node) || calleeName(node) !== 'pipe') return;
    // Only the outermost .pipe of a chain: one whose result is not piped again.
    const parent = node.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.name.text === 'pipe') return;
    chains.push(operators(node));
  });
  return chains;
}

function operatorIndexes(chain: ts.Expression[], name: string): number[] {
  return chain.flatMap((op, i) => (ts.isCallExpression(op) && calleeName(op) === name ? [i] : []));
}

/** A pipe with retry() whose every timeout() comes after it: one deadline for all the attempts. */
function timeoutAfterRetry(code: string): boolean {
  return pipeChains(code).some((chain) => {
    const [retryAt] = operatorIndexes(chain, 'retry');
    const timeouts = operatorIndexes(chain, 'timeout');
    return retryAt !== undefined && timeouts.length > 0 && timeouts.every((t) => t > retryAt);
  });
}

/** A pipe with a timeout() before its retry(): a deadline for each attempt. */
function timeoutBeforeRetry(code: string): boolean {
  return pipeChains(code).some((chain) => {
    const [retryAt] = operatorIndexes(chain, 'retry');
    const [timeoutAt] = operatorIndexes(chain, 'timeout');
    return retryAt !== undefined && timeoutAt !== undefined && timeoutAt < retryAt;
  });
}

/** Where the code claims a key in one step: a call with an 'NX' argument (or { NX: true }), setnx, hsetnx, msetnx. */
function claims(code: string): number[] {
  const file = parse(code);
  const found: number[] = [];
  walk(file, (node) => {
    if (!ts.isCallExpression(node)) return;
    const name = (calleeName(node) ?? '').toLowerCase();
    const nx = node.arguments.some(
      (a) => (ts.isStringLiteralLike(a) && a.text.toUpperCase() === 'NX') || (ts.isObjectLiteralExpression(a) && a.properties.some((p) => p.name?.getText(file).toUpperCase() === 'NX')),
    );
    if (nx || /^(h|m)?setnx$/.test(name)) found.push(node.getStart(file));
  });
  return found.sort((a, b) => a - b);
}

/** Where the code looks a payment up: get/exists/hget/hexists/sismember calls (only awaited ones: Redis, not a Map), or has. */
function lookups(code: string, awaitedOnly: boolean): number[] {
  const file = parse(code);
  const names = awaitedOnly ? ['get', 'exists', 'hget', 'hexists', 'sismember'] : ['get', 'exists', 'hget', 'hexists', 'sismember', 'has'];
  return calls(code, names, file)
    .filter((c) => ts.isPropertyAccessExpression(c.expression) && (!awaitedOnly || ts.isAwaitExpression(c.parent)))
    .map((c) => c.getStart(file))
    .sort((a, b) => a - b);
}

/** Where the code writes a key with an awaited plain write: set, hset, sadd, setex. */
function writes(code: string): number[] {
  const file = parse(code);
  return calls(code, ['set', 'hset', 'sadd', 'setex'], file)
    .filter((c) => ts.isAwaitExpression(c.parent))
    .map((c) => c.getStart(file))
    .sort((a, b) => a - b);
}

/** Where the code changes the money: incrby and friends, or a push to the ledger. */
function effects(code: string): number[] {
  const file = parse(code);
  return calls(code, ['incr', 'incrby', 'incrbyfloat', 'hincrby', 'rpush', 'lpush'], file)
    .map((c) => c.getStart(file))
    .sort((a, b) => a - b);
}
