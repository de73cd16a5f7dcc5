/**
 * What the hybrid-app check can observe when a test fails, for test/unit/diagnoses.test.ts: every
 * symptom its flow hands to `diagnose`, each one shared by several mistakes, and the log lines a
 * crash leaves whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/hybrid-app/checks/diagnoses';

const httpPort = 41001;
const tcpPort = 41002;

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'http-down', httpPort, tcpPort },
    { kind: 'tcp-down', httpPort, tcpPort },
    { kind: 'task-not-shared', addedVia: 'http' },
    { kind: 'task-not-shared', addedVia: 'tcp' },
    { kind: 'tcp-title-untrimmed' },
    { kind: 'works-here' },
  ],
  sharedLogs: {
    app: [
      '[Nest] 4242  - 12/02/2026, 11:00:00 AM     LOG [NestFactory] Starting Nest application...',
      "TypeError: Cannot read properties of undefined (reading 'trim')",
      // A port hard-coded to one another program holds: EADDRINUSE, but on neither of the checker's ports.
      '[Nest] 4242  - 12/02/2026, 11:00:00 AM   ERROR [Server] Error: listen EADDRINUSE: address already in use 127.0.0.1:3000',
      'Error: listen EADDRINUSE: address already in use 127.0.0.1:3000',
    ].join('\n'),
  },
};
