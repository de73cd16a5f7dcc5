/**
 * What the hybrid-app-redis check can observe when a test fails, for test/unit/diagnoses.test.ts:
 * every symptom its flow hands to `diagnose`, each one shared by several mistakes, and the log lines
 * a crash leaves whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/hybrid-app-redis/checks/diagnoses';

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'redis-silent', pattern: 'whoami' },
    { kind: 'redis-silent', pattern: 'list' },
    { kind: 'redis-silent', pattern: 'add' },
    { kind: 'task-not-shared', addedVia: 'http' },
    { kind: 'task-not-shared', addedVia: 'redis' },
    { kind: 'redis-title-untrimmed' },
    { kind: 'works-here' },
  ],
  sharedLogs: {
    app: [
      '[Nest] 4242  - 12/02/2026, 11:00:00 AM     LOG [NestFactory] Starting Nest application...',
      "TypeError: Cannot read properties of undefined (reading 'trim')",
      'Error: connect ECONNREFUSED 127.0.0.1:6379',
    ].join('\n'),
  },
};
