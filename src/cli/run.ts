import { redactUrl } from '../runner/broker-probe';
import { removeBrokerResources } from '../runner/broker-cleanup';
import path from 'node:path';
import type { Command } from 'commander';
import { t } from '../i18n/messages';
import { allocateEnv, assertBrokersReachable } from '../grading/run-check';
import { FaultProxies } from '../runner/fault-proxy';
import { onInterrupt } from '../runner/process-registry';
import { ServiceStartError, ServiceSupervisor, type LogLine } from '../runner/service-supervisor';
import { colorEnabled } from '../ui/style';
import { TraceRecorder } from '../trace/recorder';
import { saveTrace } from '../trace/store';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

const PALETTE = ['cyan', 'magenta', 'yellow', 'blue', 'green'] as const;

export function registerRun(program: Command, ctx: CommandContext, result: CommandResult): void {
  program
    .command('run [id]')
    .description(t('help.run'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--trace', t('help.run.trace'))
    .addHelpText('after', t('help.run.after'))
    .action(async (id: string | undefined, opts: { dir?: string; trace?: boolean }) => {
      const workspace = ctx.workspace(opts.dir);
      const exercise = ctx.exercise(workspace, id);
      const exerciseDir = ctx.requireScaffolded(workspace, exercise);
      workspace.ensure();
      await assertBrokersReachable(exercise, workspace);
      const env = await allocateEnv(exercise, workspace);
      // Traced: the services reach each other, and the learner reaches them, through recording proxies.
      const recorder = opts.trace ? new TraceRecorder(exercise.id, 'run') : undefined;
      const network = recorder && (await (await import('../trace/trace-network.js')).startTraceNetwork(recorder, exercise.manifest, env, t('trace.you'), exerciseDir));
      // An exercise's fault proxies forward untouched here: the services must still reach each other.
      const proxies = await FaultProxies.start(exercise.manifest.env, env);
      const supervisor = new ServiceSupervisor({ exerciseDir, tsconfig: path.join(workspace.root, 'tsconfig.json'), env, serviceEnv: network?.serviceEnv, services: exercise.manifest.services, readyTimeoutMs: 30_000, color: colorEnabled() });
      const width = Math.max(...exercise.manifest.services.map((s) => s.name.length));
      supervisor.on('log', (line: LogLine) => {
        const color = PALETTE[exercise.manifest.services.findIndex((s) => s.name === line.service) % PALETTE.length];
        ctx.out(`${ctx.style[color](line.service.padEnd(width))} | ${line.text}`);
      });
      const stopped = new Promise<void>((resolve) => {
        onInterrupt(async () => {
          await supervisor.stopAll();
          await proxies.close();
          await network?.close();
          // The queues this run's unique names declared go, as after a check.
          await removeBrokerResources(exercise, env);
          ctx.out(t('run.stopped', { id: exercise.id }));
          if (recorder) {
            ctx.out(t('trace.saved', { file: saveTrace(workspace, recorder.toTrace()).file }));
            ctx.out(ctx.style.dim(t('trace.runShow')));
          }
          resolve();
        });
      });
      ctx.out(ctx.style.bold(t('run.env')));
      // Traced, the addresses to call are the recording proxies in front of the services.
      for (const [k, v] of Object.entries({ ...env, ...network?.suiteEnv })) ctx.out(`  ${k}=${redactUrl(v)}`);
      if (recorder) ctx.out(ctx.style.dim(t('trace.recording')));
      try {
        await supervisor.startAll();
        ctx.out(ctx.style.green(t('run.started', { id: exercise.id })));
      } catch (error) {
        if (!(error instanceof ServiceStartError)) throw error;
        const f = error.failure;
        ctx.out(ctx.style.red(f.kind === 'crashed' ? t('check.serviceCrashed', { service: f.service, code: String(f.code ?? f.signal) }) : t('check.serviceNotReady', { service: f.service, seconds: f.seconds, ready: f.ready })));
      }
      await stopped;
      result.exitCode = 0;
    });
}
