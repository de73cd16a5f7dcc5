import { afterAll, beforeAll } from 'vitest';

/**
 * Loaded before every hidden suite. Clients a suite creates (a Nest ClientRMQ, say) may log to
 * stdout directly; in the worker that would interleave with the CLI's report and break
 * `--reporter json`. Their output goes to stderr instead.
 */
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

/**
 * The suite is started while the learner's services are still starting, so that loading vitest's
 * worker, the suite and the Nest client libraries costs no time of its own: its tests wait here until
 * the runner says every service is ready (or that one failed, and this run is not counted).
 */
beforeAll(async () => {
  const warm = Promise.all([import('@nestjs/microservices'), import('rxjs')]).catch(() => undefined);
  const res = await fetch(new URL('/ready', process.env.LNM_CONTROL_URL));
  const { ready } = (await res.json()) as { ready: boolean };
  await warm;
  if (!ready) throw new Error('the services did not start');
}, Number(process.env.LNM_READY_TIMEOUT_MS) || 600_000);

/** Clients the suite opened through the harness (TCP, Redis, NATS, MQTT) are closed after its file. */
afterAll(async () => {
  const harness = (await import('learn-nest-micro/harness')) as typeof import('./index.js');
  await harness.closeClients();
});
