/**
 * What the rpc-exceptions check can observe when a test fails, for test/unit/diagnoses.test.ts: every
 * symptom its flow hands to `diagnose` (a reply of the bookings service without the expected code, a
 * status of the gateway in each situation the check sets up), each one shared by several mistakes,
 * and the log lines a failure leaves whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/rpc-exceptions/checks/diagnoses';

const REPLIES = ['value', 'internal', 'message-only', 'other-code'] as const;
const SITUATIONS = ['code-reply', 'misleading-message', 'unknown-failure', 'service-down', 'silent'] as const;
// 0: the check's HTTP client gave up; the rest are statuses a wrong translation can give.
const STATUSES = [0, 400, 404, 409, 500, 502, 504];

export const observations: Observations<Wire> = {
  symptoms: [
    ...(['validation', 'domain'] as const).flatMap((c) => REPLIES.flatMap((reply) => [true, false].map((logged): Wire => ({ kind: 'service-reply', case: c, reply, logged })))),
    ...SITUATIONS.flatMap((situation) => STATUSES.map((status): Wire => ({ kind: 'gateway-status', situation, status, internalBody: status === 500 }))),
    ...SITUATIONS.map((situation): Wire => ({ kind: 'gateway-status', situation, status: 500, internalBody: false })),
  ],
  sharedLogs: {
    // What Nest logs for an exception it turns into "Internal server error", whatever threw it.
    bookings: ["ERROR [RpcExceptionsHandler] There is no room 999", "TypeError: Cannot read properties of undefined (reading 'roomId')"].join('\n'),
    // What reaches Nest's HTTP layer untranslated: the connection's Error, a timeout, a reply object.
    gateway: [
      'ERROR [ExceptionsHandler] connect ECONNREFUSED 127.0.0.1:40123',
      'Error: connect ECONNREFUSED 127.0.0.1:40123',
      'ERROR [ExceptionsHandler] Timeout has occurred',
      "ERROR [ExceptionsHandler] Object(2) { code: 'ROOM_TAKEN', message: 'Room 301 is already booked' }",
      "TypeError: Cannot read properties of undefined (reading 'code')",
    ].join('\n'),
  },
};
