/**
 * What the redis-events check can observe when a test fails, for test/unit/diagnoses.test.ts: every
 * symptom its flow hands to `diagnose`, each one shared by several mistakes, and the log lines a
 * crash of a service leaves whatever its cause.
 */
import type { Observations } from './observations';
import type { Wire } from '../../exercises/redis-events/checks/diagnoses';

const crash = ["TypeError: Cannot read properties of undefined (reading 'id')", 'ReplyError: ERR wrong number of arguments for \'set\' command'].join('\n');

export const observations: Observations<Wire> = {
  symptoms: [
    { kind: 'price-not-published', status: 202, elsewhere: [] },
    { kind: 'price-not-published', status: 201, elsewhere: ['shop-1a2b.price.change'] },
    { kind: 'price-not-published', status: 404, elsewhere: [] },
    { kind: 'price-not-published', status: 500, elsewhere: [] },
    { kind: 'price-as-request' },
    // Each change once in total: a claim, or cache-2 down.
    { kind: 'cache-applied', applied: [[1, 0], [0, 1], [1, 0]], subscribers: 2 },
    { kind: 'cache-applied', applied: [[1, 0], [1, 0], [1, 0]], subscribers: 1 },
    { kind: 'cache-applied', applied: [[1, 1], [1, 0], [0, 0]], subscribers: 2 },
    { kind: 'order-mails', placed: 1, cancelled: 1, twiceBy: [], foreign: 4, literal: 0 },
    { kind: 'order-mails', placed: 0, cancelled: 0, twiceBy: [], foreign: 0, literal: 2 },
    { kind: 'order-mails', placed: 0, cancelled: 0, twiceBy: [], foreign: 0, literal: 0 },
    { kind: 'order-mails', placed: 2, cancelled: 2, twiceBy: [['mailer-1', 'mailer-2'], ['mailer-2', 'mailer-1']], foreign: 0, literal: 0 },
    { kind: 'order-mails', placed: 2, cancelled: 1, twiceBy: [['mailer-1', 'mailer-1']], foreign: 0, literal: 0 },
    { kind: 'shipped-not-mailed', literal: 0 },
    { kind: 'shipped-not-mailed', literal: 2 },
    { kind: 'no-mail-without-mailer-1' },
    { kind: 'price-delivered' },
  ],
  sharedLogs: { shop: crash, 'cache-1': crash, 'cache-2': crash, 'mailer-1': crash, 'mailer-2': crash },
};
