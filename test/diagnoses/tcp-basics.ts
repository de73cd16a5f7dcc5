/**
 * What the tcp-basics check can observe when a test fails, for test/unit/diagnoses.test.ts: every
 * symptom its flow hands to `diagnose`, each one shared by several mistakes. The gateway's error line
 * travels in the symptom itself (`logged`), so no detector reads a service's log.
 */
import type { Observations } from './observations';
import { NO_HANDLER, type Wire } from '../../exercises/tcp-basics/checks/diagnoses';

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'math-error', errorText: NO_HANDLER },
    { kind: 'math-error', errorText: 'no elements in sequence' },
    { kind: 'math-error', errorText: 'Internal server error' },
    { kind: 'math-error', errorText: 'Connection closed' },
    { kind: 'math-error', errorText: 'no answer within 5000 ms' },
    { kind: 'gateway-error', status: 500, logged: `ERROR [ExceptionsHandler] ${NO_HANDLER}` },
    { kind: 'gateway-error', status: 500, logged: 'ERROR [ExceptionsHandler] EmptyError: no elements in sequence' },
    { kind: 'gateway-error', status: 500, logged: 'ERROR [ExceptionsHandler] Error: connect ECONNREFUSED 127.0.0.1:41780' },
    { kind: 'gateway-error', status: 500, logged: 'ERROR [ExceptionsHandler] Connection closed' },
    { kind: 'gateway-error', status: 500, logged: "ERROR [ExceptionsHandler] TypeError: Cannot read properties of undefined (reading 'split')" },
    { kind: 'gateway-error', status: 500, logged: '' },
    { kind: 'gateway-reply', body: { sum: { source: {} } } },
    { kind: 'gateway-reply', body: { sum: {} } },
    { kind: 'gateway-reply', body: 6 },
    { kind: 'gateway-reply', body: { sum: 5 } },
    { kind: 'bad-input-accepted', query: 'a,b', status: 200, body: { sum: 0 } },
    { kind: 'bad-input-accepted', query: '1,,2', status: 200, body: { sum: 3 } },
    { kind: 'bad-input-accepted', query: 'a,b', status: 500, body: { statusCode: 500, message: 'Internal server error' } },
    { kind: 'math-stopped', asked: 'new', body: { sum: 15 }, expected: 15 },
    { kind: 'math-stopped', asked: 'new', body: { sum: 0 }, expected: 15 },
    { kind: 'math-stopped', asked: 'again', body: { sum: 9 }, expected: 9 },
    { kind: 'source-audit' },
  ],
  sharedLogs: {},
};
