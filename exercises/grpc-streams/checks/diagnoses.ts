/**
 * The named mistakes of grpc-streams and the evidence each one requires. The check's flow
 * (grpc-streams.check.ts) decides pass or fail from the calls; when a call fails it asks these
 * detectors, through the harness's `diagnose`, whether a known mistake explains it. Each detector
 * must answer the question "could a different mistake leave this same evidence?" with no: a status
 * code alone is a symptom many mistakes share, so every detector also needs the source's shape or a
 * line NestJS writes only for that mistake. test/unit/diagnoses.test.ts runs them over every fixture.
 */
import { existsSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import ts from 'typescript';
import { detector, type Detector, type Scene } from 'learn-nest-micro/harness';

export type Rpc = 'Sum' | 'Squares' | 'RunningSum';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** A call failed with a gRPC status. `request` says which input: values, [] or one with a negative number. */
  | { kind: 'call-error'; rpc: Rpc; code: number; details: string; request: 'values' | 'empty' | 'negative' }
  /** Sum of [1, 2, 3, 4] answered, but not { running_total: 10 }. */
  | { kind: 'sum-reply'; reply: Record<string, unknown> }
  /** `sending` lines logged after the client cancelled Squares of 1..40 following three squares. */
  | { kind: 'after-cancel'; settled: number; later: number; total: number };

const MATH = 'math-service';
const MAIN = 'math-service/main.ts';

const failed = (wire: Wire, code: number, rpc?: Rpc): boolean => wire.kind === 'call-error' && wire.code === code && (rpc === undefined || wire.rpc === rpc);

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'wrong-package-name',
    requires: "math's log has NestJS's `The invalid gRPC package` line, written only when the package option names no package of the proto",
    logsOf: ['math'],
    symptom: (wire) => failed(wire, grpc.status.UNAVAILABLE),
    evidence: (scene) => logLine(scene, /The invalid gRPC package \(package "[^"]*" not found\)/),
  }),
  detector({
    mistake: 'wrong-proto-path',
    // A proto with a syntax error makes NestJS write the same `invalid .proto definition` line, with
    // the path "undefined": only a path that does not exist on disk is a wrong protoPath.
    requires: "math's log names a .proto path that does not exist (ENOENT, or NestJS's `invalid .proto definition (file at \"<path>\")`)",
    logsOf: ['math'],
    symptom: (wire) => failed(wire, grpc.status.UNAVAILABLE),
    evidence: (scene) => {
      const enoent = logLine(scene, /ENOENT: no such file or directory, open '[^']*\.proto'/);
      if (enoent) return enoent;
      const line = logLine(scene, /The invalid \.proto definition \(file at "[^"]+" not found\)/);
      const file = line ? /file at "([^"]+)"/.exec(line)?.[1] : undefined;
      return line && file && file !== 'undefined' && !existsSync(file) ? line : false;
    },
  }),
  detector({
    mistake: 'grpc-method-on-request-stream',
    requires: 'the handler bound to RunningSum uses @GrpcMethod (RunningSum takes a stream of requests)',
    symptom: (wire) => failed(wire, grpc.status.UNIMPLEMENTED, 'RunningSum'),
    evidence: (scene) => handlersFor(scene, 'RunningSum').some((h) => h.decorator === 'GrpcMethod'),
  }),
  detector({
    mistake: 'wrong-service-or-method-name',
    // A controller left out of the module's controllers gives the same 12 UNIMPLEMENTED with every
    // name right: the evidence is a name the proto does not have, not the status code.
    requires: "a handler meant for the failing rpc names a service or an rpc that proto/math.proto does not declare (no arguments: the controller's class name)",
    symptom: (wire) => failed(wire, grpc.status.UNIMPLEMENTED),
    evidence: (scene) => {
      if (scene.wire.kind !== 'call-error') return false;
      const proto = protoNames(scene);
      return handlersFor(scene, scene.wire.rpc).some((h) => !proto.services.includes(h.service) || !proto.rpcs.some((r) => sameRpc(r, h.rpc)));
    },
  }),
  detector({
    mistake: 'array-instead-of-observable',
    // An Observable that emits bare numbers, or objects of the wrong shape, fails to serialise too.
    requires: 'the Squares handler is declared to return an array or a Promise (not an Observable) and serialising its answer failed',
    symptom: (wire) => failed(wire, grpc.status.INTERNAL, 'Squares') && wire.kind === 'call-error' && /serializ/i.test(wire.details),
    evidence: (scene) => handlersFor(scene, 'Squares').some((h) => h.async || /\[\]|^Array<|^Promise</.test(h.returnType)),
  }),
  detector({
    mistake: 'keep-case-off',
    // A handler that answers { runningTotal } or a sum that is 0 by a bug reads the same 0; keepCase is the evidence.
    requires: "Sum's reply lacks running_total (read as 0) and the math service's loader options do not set keepCase: true",
    symptom: (wire) => wire.kind === 'sum-reply' && (wire.reply.running_total === 0 || wire.reply.running_total === undefined),
    evidence: (scene) => !/keepCase\s*:\s*true/.test(scene.code(MATH)),
  }),
  detector({
    mistake: 'empty-list-left-out',
    // A TypeError on [] has other causes (a handler bug, reduce without its initial value): the
    // evidence is the loader option, not the log line.
    requires: '[] fails with 2 UNKNOWN and the loader options do not set arrays: true, nor do the handlers give values a default',
    symptom: (wire) => failed(wire, grpc.status.UNKNOWN) && wire.kind === 'call-error' && wire.request === 'empty',
    evidence: (scene) => !/arrays\s*:\s*true/.test(scene.code(MATH)) && !/\{\s*values\s*=/.test(scene.code(MATH)),
  }),
  detector({
    mistake: 'grpc-exception-without-filter',
    requires: 'a negative number fails with 2 UNKNOWN, the math service throws a Grpc…Exception of NestJS 12 and never registers GrpcExceptionFilter',
    symptom: (wire) => failed(wire, grpc.status.UNKNOWN) && wire.kind === 'call-error' && wire.request === 'negative',
    evidence: (scene) => /new\s+Grpc\w+Exception\s*\(/.test(scene.code(MATH)) && !/GrpcExceptionFilter/.test(scene.code(MATH)),
  }),
  detector({
    mistake: 'error-without-grpc-code',
    // 2 UNKNOWN is also what any crash in a handler gives (a TypeError): only an error thrown
    // without a numeric code, written in the source, is this mistake.
    requires: 'a negative number fails with 2 UNKNOWN and the math service throws an RpcException without a `code`, or a plain Error',
    symptom: (wire) => failed(wire, grpc.status.UNKNOWN) && wire.kind === 'call-error' && wire.request === 'negative',
    evidence: (scene) => throwsWithoutCode(scene.code(MATH)),
  }),
  detector({
    mistake: 'stream-ignores-cancel',
    // Squares logged ahead of sending (all 40 at once) keeps the count still after the cancel but
    // at 40: the evidence is a producer of its own, outside the Observable.
    requires: 'sending lines kept coming after the cancel, and Squares feeds a Subject or runs its own setInterval',
    symptom: (wire) => wire.kind === 'after-cancel' && (wire.later - wire.settled >= 2 || wire.later >= wire.total),
    evidence: (scene) => /\bsetInterval\s*\(|new\s+(Replay|Behavior)?Subject\b/.test(scene.code(MATH)),
  }),
];

function logLine(scene: Scene<Wire>, line: RegExp): string | false {
  return scene.log('math').match(line)?.[0].trim() ?? false;
}

function protoNames(scene: Scene<Wire>): { services: string[]; rpcs: string[] } {
  const proto = scene.source('proto/math.proto');
  return { services: [...proto.matchAll(/\bservice\s+(\w+)/g)].map((m) => m[1]), rpcs: [...proto.matchAll(/\brpc\s+(\w+)/g)].map((m) => m[1]) };
}

/** Nest matches an rpc written as in the proto or in camelCase. */
function sameRpc(proto: string, written: string): boolean {
  return proto === written || proto.charAt(0).toLowerCase() + proto.slice(1) === written;
}

interface GrpcHandler {
  decorator: string;
  /** The service the decorator binds to: its first argument, or the controller's class name without one. */
  service: string;
  /** The rpc: the second argument, or the method's name with a capital first letter. */
  rpc: string;
  method: string;
  returnType: string;
  async: boolean;
}

/** The gRPC handlers under math-service/ meant for `rpc` (by the rpc they name or by their method's name). */
function handlersFor(scene: Scene<Wire>, rpc: Rpc): GrpcHandler[] {
  return grpcHandlers(scene.code(MATH)).filter((h) => h.rpc.toLowerCase() === rpc.toLowerCase() || h.method.toLowerCase() === rpc.toLowerCase());
}

export function grpcHandlers(code: string): GrpcHandler[] {
  const file = ts.createSourceFile('math.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: GrpcHandler[] = [];
  const visit = (node: ts.Node, className: string): void => {
    if (ts.isClassDeclaration(node)) className = node.name?.text ?? className;
    if (ts.isMethodDeclaration(node)) {
      for (const d of ts.getDecorators(node) ?? []) {
        if (!ts.isCallExpression(d.expression) || !ts.isIdentifier(d.expression.expression)) continue;
        const decorator = d.expression.expression.text;
        if (!/^Grpc(Method|StreamMethod|StreamCall)$/.test(decorator)) continue;
        const [service, rpcName] = d.expression.arguments.map((a) => (ts.isStringLiteralLike(a) ? a.text : a.getText(file)));
        const method = node.name.getText(file);
        found.push({
          decorator,
          service: service ?? className,
          rpc: rpcName ?? method.charAt(0).toUpperCase() + method.slice(1),
          method,
          returnType: node.type?.getText(file) ?? '',
          async: (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword),
        });
      }
    }
    node.forEachChild((child) => visit(child, className));
  };
  visit(file, '');
  return found;
}

/** `new RpcException('text')`, `new RpcException({ message })` without a code, or `throw new Error(…)`. */
function throwsWithoutCode(code: string): boolean {
  const file = ts.createSourceFile('math.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      const name = node.expression.text;
      const [arg] = node.arguments ?? [];
      // A variable or a call as the argument may well carry a code: only what is visibly without one counts.
      if (name === 'RpcException') {
        const withoutCode = !arg || ts.isStringLiteralLike(arg) || ts.isTemplateExpression(arg) || (ts.isObjectLiteralExpression(arg) && !arg.properties.some((p) => p.name?.getText(file) === 'code'));
        if (withoutCode) found = true;
      }
      if (name === 'Error' && ts.isThrowStatement(node.parent)) found = true;
    }
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}
