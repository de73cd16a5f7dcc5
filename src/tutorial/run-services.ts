import { redactUrl } from '../runner/broker-probe';
import { removeBrokerResources } from '../runner/broker-cleanup';
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { Exercise } from '../catalog/catalog';
import { allocateEnv, assertBrokersReachable } from '../grading/run-check';
import { t } from '../i18n/messages';
import { FaultProxies } from '../runner/fault-proxy';
import { ServiceStartError, ServiceSupervisor, type LogLine } from '../runner/service-supervisor';
import { listenForKeys } from '../ui/keys';
import type { Workspace } from '../workspace/workspace';

const PALETTE = ['cyan', 'magenta', 'yellow', 'blue', 'green'] as const;

/**
 * `run` for the start menu: the learner's services with prefixed live logs until q is pressed, then
 * back to the menu (Ctrl-C still leaves the tutorial, and the process registry kills the services).
 */
export async function runServicesUntilQuit(options: { workspace: Workspace; exercise: Exercise; style: ChalkInstance; out: (text?: string) => void; color: boolean }): Promise<void> {
  const { workspace, exercise, style: s, out } = options;
  await assertBrokersReachable(exercise, workspace);
  const env = await allocateEnv(exercise, workspace);
  // An exercise's fault proxies forward untouched here: the services must still reach each other.
  const proxies = await FaultProxies.start(exercise.manifest.env, env);
  const services = exercise.manifest.services;
  const supervisor = new ServiceSupervisor({
    exerciseDir: workspace.exerciseDir(exercise.id),
    tsconfig: path.join(workspace.root, 'tsconfig.json'),
    env,
    services,
    readyTimeoutMs: 30_000,
    color: options.color,
  });
  const width = Math.max(...services.map((x) => x.name.length));
  supervisor.on('log', (line: LogLine) => {
    const color = PALETTE[services.findIndex((x) => x.name === line.service) % PALETTE.length];
    out(`${s[color](line.service.padEnd(width))} | ${line.text}`);
  });
  out(s.bold(t('run.env')));
  for (const [k, v] of Object.entries(env)) out(`  ${k}=${redactUrl(v)}`);
  let quitting = false;
  const quit = new Promise<void>((resolve) => {
    const stop = listenForKeys((key) => {
      if (key.toLowerCase() !== 'q') return;
      quitting = true;
      stop();
      resolve();
    });
  });
  supervisor.startAll().then(
    () => out(s.green(t('menu.runStarted', { id: exercise.id }))),
    (error: unknown) => {
      if (quitting) return;
      const f = error instanceof ServiceStartError ? error.failure : undefined;
      if (!f) out(s.red(String((error as Error)?.message ?? error)));
      else out(s.red(f.kind === 'crashed' ? t('check.serviceCrashed', { service: f.service, code: String(f.code ?? f.signal) }) : t('check.serviceNotReady', { service: f.service, seconds: f.seconds, ready: f.ready })));
      out(s.dim(t('menu.runQuit')));
    },
  );
  await quit;
  await supervisor.stopAll();
  await proxies.close();
  await removeBrokerResources(exercise, env);
  out(t('run.stopped', { id: exercise.id }));
}
