/**
 * What the grpc-streams check can observe when a call fails, for test/unit/diagnoses.test.ts: every
 * symptom its flow hands to `diagnose`, each one shared by several mistakes, and the log lines a
 * crash leaves whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/grpc-streams/checks/diagnoses';

const UNKNOWN = 2, INTERNAL = 13, UNIMPLEMENTED = 12, UNAVAILABLE = 14;

export const observations: Observations<Wire> = {
  symptoms: [
    ...(['Sum', 'Squares', 'RunningSum'] as const).flatMap((rpc): Wire[] => [
      { kind: 'call-error', rpc, code: UNAVAILABLE, details: 'No connection established', request: 'values' },
      { kind: 'call-error', rpc, code: UNIMPLEMENTED, details: 'The server does not implement the method', request: 'values' },
      { kind: 'call-error', rpc, code: UNKNOWN, details: 'Internal server error', request: 'empty' },
      { kind: 'call-error', rpc, code: UNKNOWN, details: 'Internal server error', request: 'negative' },
      { kind: 'call-error', rpc, code: INTERNAL, details: 'Error serializing response: .math.Value#value is not an integer', request: 'values' },
    ]),
    { kind: 'sum-reply', reply: { running_total: 0 } },
    { kind: 'sum-reply', reply: {} },
    { kind: 'after-cancel', settled: 3, later: 40, total: 40 },
    { kind: 'after-cancel', settled: 10, later: 17, total: 40 },
  ],
  sharedLogs: {
    math: [
      "ERROR [RpcExceptionsHandler] Cannot read properties of undefined (reading 'find')",
      "TypeError: Cannot read properties of undefined (reading 'reduce')",
      'TypeError: Reduce of empty array with no initial value',
      // What NestJS writes for a proto with a syntax error: the same words as a wrong path, with no path.
      "ERROR [Server] illegal token '}' (math.proto, line 9)",
      'The invalid .proto definition (file at "undefined" not found)',
    ].join('\n'),
  },
};
