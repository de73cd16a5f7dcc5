/**
 * The named mistakes of rmq-dead-letter and the evidence each one requires. The check's flow
 * (rmq-dead-letter.check.ts) decides pass or fail from what RabbitMQ and the service do; when
 * something fails it asks these detectors, through the harness's `diagnose`, whether a known mistake
 * explains it. A symptom (no reply, an error reply, a count of attempts, a crash line) is shared by
 * several mistakes, so every detector also needs the source's shape, read from the syntax tree of
 * users-service/ (comments and strings never count), that only its mistake leaves.
 * test/unit/diagnoses.test.ts runs them over every fixture.
 */
import ts from 'typescript';
import { detector, settleCrashDetectors, usersManualAck, usersSettling, usersTransportCode, worksByAccidentDetectors, type Detector, type Scene } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** A producer's assertQueue of USER_QUEUE with the agreed options was refused (the broker's words). */
  | { kind: 'declare-refused'; errorText: string }
  /** USER_DLQ did not exist once the service had started. */
  | { kind: 'dead-letter-queue-absent' }
  /** The service's log has a line of RabbitMQ closing its channel (an unknown delivery tag, a reply consumer that acks). */
  | { kind: 'crashed'; line: string }
  /** Everything the test measured was right; what is left to look at is code that works only on RabbitMQ. */
  | { kind: 'works-on-rabbitmq'; test: 'user_create' | 'user_deleted' }
  /** user_create whose first attempt failed: the user was created by the retry, and the caller got no reply, or an error. */
  | { kind: 'retried-answer'; reply: 'none' | 'error' }
  /** A poison message or event was tried this many times and still not dead-lettered. */
  | { kind: 'poison-attempts'; attempts: number }
  /** A poison message or event reached USER_DLQ after this many attempts. */
  | { kind: 'dead-lettered-after'; attempts: number; expected: number };

const SERVICE = 'users-service';
const transportCode = usersTransportCode;
const shapesOf = usersSettling;

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'durable-mismatch',
    requires: "the broker refused the producers' declaration over 'durable', and the service's code declares durable: false",
    symptom: (wire) => wire.kind === 'declare-refused' && /inequivalent arg 'durable'/.test(wire.errorText),
    evidence: (scene) => /\bdurable\s*:\s*false\b/.test(transportCode(scene)),
  }),
  detector({
    mistake: 'dead-letter-arguments-missing',
    // Arguments with a wrong value (another routing key) draw the same refusal: only arguments that
    // are not in the code at all are this mistake.
    requires: "the broker refused the producers' declaration over an x-dead-letter argument, and the consumer's options name no x-dead-letter-exchange or no x-dead-letter-routing-key",
    symptom: (wire) => wire.kind === 'declare-refused' && /inequivalent arg 'x-dead-letter/.test(wire.errorText),
    evidence: (scene) => !/x-dead-letter-exchange/.test(transportCode(scene)) || !/x-dead-letter-routing-key/.test(transportCode(scene)),
  }),
  detector({
    mistake: 'dead-letter-queue-missing',
    // A declaration under the wrong name, or one that never runs, leaves the queue absent too: only
    // code that declares no queue at all besides the consumer's is this mistake.
    requires: 'USER_DLQ did not exist after the start, and no code of the service calls assertQueue',
    symptom: (wire) => wire.kind === 'dead-letter-queue-absent',
    evidence: (scene) => !calls(scene.code(SERVICE)).some((c) => methodName(c) === 'assertQueue'),
  }),
  ...settleCrashDetectors<Wire>(),
  ...worksByAccidentDetectors<Wire>(),
  detector({
    mistake: 'copy-without-reply-to',
    // A successful attempt that never returns (it awaits something forever) gives no reply either:
    // the evidence is a copy published without the original's properties.
    requires: "the retry created the user but no reply came, and the copy is published (sendToQueue/publish) without the original message's properties or a replyTo",
    symptom: (wire) => wire.kind === 'retried-answer' && wire.reply === 'none',
    evidence: (scene) => copiesWithoutProperties(scene.code(SERVICE)).join('\n') || false,
  }),
  detector({
    mistake: 'error-reply-on-retry',
    // An error reply can come from elsewhere (the retried attempt failing too); the evidence is the
    // user_create handler's catch, which throws on every path instead of returning while a copy is queued.
    requires: "the retry created the user but the caller got an error, and user_create's catch block throws without any return before it",
    symptom: (wire) => wire.kind === 'retried-answer' && wire.reply === 'error',
    evidence: (scene) => throwsOnEveryFailure(scene.code(SERVICE)).join('\n') || false,
  }),
  detector({
    mistake: 'requeue-forever',
    // A copy whose attempt header never grows loops the same way; a requeueing nack is the evidence.
    requires: 'a poison message ran away (more than 30 attempts), and a nack or reject requeues (its requeue argument is true or left to its default)',
    symptom: (wire) => wire.kind === 'poison-attempts' && wire.attempts > 30,
    evidence: (scene) => shapesOf(scene).requeues().join('\n') || false,
  }),
  detector({
    mistake: 'wrong-attempt-count',
    // A count off by one from the header's first value (0 instead of 1) gives the same wrong number;
    // only a comparison with MAX_ATTEMPTS that lets one attempt too many through, or a MAX_ATTEMPTS
    // that is not the agreed number, is named.
    requires: 'a poison message reached USER_DLQ after a number of attempts other than 3, and the code compares an attempt with MAX_ATTEMPTS by <= or >=, or sets MAX_ATTEMPTS to another number',
    symptom: (wire) => wire.kind === 'dead-lettered-after' && wire.attempts !== wire.expected,
    evidence: (scene) => {
      if (scene.wire.kind !== 'dead-lettered-after') return false;
      const code = scene.code(SERVICE);
      const max = /\bMAX_ATTEMPTS\s*=\s*(\d+)/.exec(code);
      if (max && Number(max[1]) !== scene.wire.expected) return max[0];
      return inclusiveComparisons(code).join('\n') || false;
    },
  }),
];


function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('users-service.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function calls(code: string): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) found.push(n);
    n.forEachChild(visit);
  };
  visit(parse(code));
  return found;
}

const methodName = (c: ts.CallExpression): string | undefined => (ts.isPropertyAccessExpression(c.expression) ? c.expression.name.text : undefined);
const oneLine = (n: ts.Node): string => n.getText().replace(/\s+/g, ' ');

/** channel.sendToQueue(q, content, options) / channel.publish(x, key, content, options) whose options carry neither `...message.properties` nor a replyTo. */
function copiesWithoutProperties(code: string): string[] {
  return calls(code)
    .filter((c) => {
      const name = methodName(c);
      const options = name === 'sendToQueue' ? c.arguments[2] : name === 'publish' ? c.arguments[3] : undefined;
      if (name !== 'sendToQueue' && name !== 'publish') return false;
      if (!options) return true;
      if (!ts.isObjectLiteralExpression(options)) return false;
      return !options.properties.some((p) => (ts.isSpreadAssignment(p) && /properties/.test(p.expression.getText())) || (p.name !== undefined && /^replyTo$/.test(p.name.getText())));
    })
    .map(oneLine);
}

/** The catch blocks of a handler bound to 'user_create' that throw with no return anywhere in them. */
function throwsOnEveryFailure(code: string): string[] {
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isMethodDeclaration(n) && n.body && (ts.getDecorators(n) ?? []).some((d) => ts.isCallExpression(d.expression) && /MessagePattern/.test(d.expression.expression.getText()) && d.expression.arguments[0]?.getText().includes('user_create'))) {
      const inner = (m: ts.Node): void => {
        if (ts.isCatchClause(m)) {
          let throws: ts.Node | undefined;
          let returns = false;
          const scan = (k: ts.Node): void => {
            if (ts.isThrowStatement(k)) throws ??= k;
            if (ts.isReturnStatement(k)) returns = true;
            if (!ts.isFunctionLike(k)) k.forEachChild(scan);
          };
          scan(m.block);
          if (throws && !returns) found.push(`${n.name.getText()}(): catch { … ${oneLine(throws)} }`);
        }
        m.forEachChild(inner);
      };
      inner(n.body);
    }
    n.forEachChild(visit);
  };
  visit(parse(code));
  return found;
}

/** `x <= MAX_ATTEMPTS`, `MAX_ATTEMPTS >= x` (retries one attempt too many), or `x > MAX_ATTEMPTS` / `MAX_ATTEMPTS < x` (gives up one too late). */
function inclusiveComparisons(code: string): string[] {
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n)) {
      const op = n.operatorToken.kind;
      const left = n.left.getText() === 'MAX_ATTEMPTS', right = n.right.getText() === 'MAX_ATTEMPTS';
      if ((right && (op === ts.SyntaxKind.LessThanEqualsToken || op === ts.SyntaxKind.GreaterThanToken)) || (left && (op === ts.SyntaxKind.GreaterThanEqualsToken || op === ts.SyntaxKind.LessThanToken))) found.push(oneLine(n));
    }
    n.forEachChild(visit);
  };
  visit(parse(code));
  return found;
}
