import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog';
import { UserError } from '../errors';
import { language, t } from '../i18n/messages';
import { brokerInstall, brokerLabels, redactUrl, probeBroker } from '../runner/broker-probe';
import { startControlServer } from '../runner/control-server';
import { FaultProxies } from '../runner/fault-proxy';
import { removeBrokerResources } from '../runner/broker-cleanup';
import { freePort } from '../runner/ports';
import { ServiceStartError, ServiceSupervisor, type StartFailure } from '../runner/service-supervisor';
import { TypeCheck, type TypeDiagnostic } from '../runner/typecheck';
import { brokerEnvVar, type Workspace } from '../workspace/workspace';
import type { CheckResult, PhaseTiming, TestOutcome } from './check-result';
import { diagnoseStartFailure, envReadsNotProvided } from './diagnoses';
import { lessonSectionFor } from './lesson-pointer';
import { HiddenSuite } from './suite-runner';
import type { WarmPool } from '../runner/warm-pool';
import { requireSandbox } from '../sandbox/check-sandbox';
import { checkTrace } from '../trace/check-trace';
import { TraceRecorder } from '../trace/recorder';

export interface CheckOptions {
  workspace: Workspace;
  exercise: Exercise;
  /** Check these files instead of `<workspace>/<id>/` (dev verify, grading copies). */
  exerciseDir?: string;
  timeoutSeconds?: number;
  /** Stop early, e.g. on Ctrl-C in watch mode. */
  signal?: AbortSignal;
  /** Run the services in a bubblewrap sandbox (grade, check --sandbox); throws UserError where none can be made. */
  sandbox?: boolean;
  /** Record the messages between the suite, the services and the brokers (result.trace); see src/trace/trace-network.ts. */
  trace?: boolean;
  /** Processes made ahead of time for the services (watch): see src/runner/warm-pool.ts. */
  warm?: WarmPool;
}

/** The values of the exercise's env vars for one check: fresh ports, unique names, broker URLs. */
export async function allocateEnv(exercise: Exercise, workspace: Workspace): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const runId = randomBytes(4).toString('hex');
  for (const [name, spec] of Object.entries(exercise.manifest.env)) {
    if (spec.kind === 'port' || spec.kind === 'proxy') env[name] = String(await freePort());
    else if (spec.kind === 'unique') env[name] = `${spec.prefix}-${runId}`;
    else env[name] = workspace.brokerUrl(spec.broker);
  }
  return env;
}

/** Fails fast (exit 2) when a broker the exercise needs is not running. */
export async function assertBrokersReachable(exercise: Exercise, workspace: Workspace): Promise<void> {
  const probes = await Promise.all(exercise.manifest.brokers.map(async (broker) => ({ broker, url: workspace.brokerUrl(broker), ...(await probeBroker(broker, workspace.brokerUrl(broker))) })));
  const down = probes.find((p) => !p.ok);
  if (!down) return;
  const where = { broker: brokerLabels[down.broker], url: redactUrl(down.url), reason: down.reason ?? '', envVar: brokerEnvVar[down.broker] };
  // A broker that turned us away is running: starting one is not the advice.
  if (down.refused === 'credentials') throw new UserError(t('error.brokerCredentials', where), { hint: t('error.brokerCredentialsHint', where) });
  if (down.refused === 'vhost') throw new UserError(t('error.brokerVhost', { ...where, vhost: vhostOf(down.url) }), { hint: t('error.brokerCredentialsHint', where) });
  throw new UserError(t('error.brokerUnreachable', where), { hint: t('error.brokerUnreachableHint', { install: brokerInstall[down.broker], envVar: brokerEnvVar[down.broker] }) });
}

/** The virtual host a broker URL names ("/" when it names none). */
function vhostOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
  } catch {
    return '/';
  }
}

/**
 * One check of one exercise: start the learner's services, run the hidden suite against them,
 * type-check alongside, and tear everything down whatever happens. Never throws for the learner's
 * mistakes; throws UserError for environment problems.
 */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const { workspace, exercise } = options;
  const started = Date.now();
  const exerciseDir = options.exerciseDir ?? workspace.exerciseDir(exercise.id);
  const timeoutMs = (options.timeoutSeconds ?? exercise.manifest.timeoutSeconds) * 1000;
  const timings: PhaseTiming[] = [];
  const timed = async <T>(phase: string, work: Promise<T>): Promise<T> => {
    const from = Date.now();
    try {
      return await work;
    } finally {
      timings.push({ phase, startMs: from - started, durationMs: Date.now() - from });
    }
  };
  await timed('broker probe', assertBrokersReachable(exercise, workspace));

  const tsconfig = path.join(workspace.root, 'tsconfig.json');
  const cacheDir = path.join(workspace.stateDir, 'cache');
  const exerciseEnv = await allocateEnv(exercise, workspace);
  // Traced: each party reaches the others through recording proxies; exerciseEnv keeps the real addresses.
  const recorder = options.trace ? new TraceRecorder(exercise.id, 'check') : undefined;
  // Loaded only when tracing: the proxies bring http2 and protobufjs, which every other check does without.
  const network = recorder && (await (await import('../trace/trace-network.js')).startTraceNetwork(recorder, exercise.manifest, exerciseEnv, undefined, exerciseDir));
  // Services may take most of the check's limit to become ready (a busy machine, a class graded at once);
  // "not ready" is still reported, with its diagnosis, just before the hard limit.
  const readyTimeoutMs = Math.max(5_000, timeoutMs - 2_000);
  const sandbox = options.sandbox ? requireSandbox(workspace) : undefined;
  const supervisor = new ServiceSupervisor({ exerciseDir, tsconfig, env: exerciseEnv, serviceEnv: network?.serviceEnv, services: exercise.manifest.services, readyTimeoutMs, warm: options.warm, ...sandbox });
  let announceReady: (ready: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (announceReady = resolve));
  const proxies = await FaultProxies.start(exercise.manifest.env, exerciseEnv);
  const control = await startControlServer(supervisor, ready, proxies);
  const typeCheck = new TypeCheck({ exerciseDir, tsconfig, cacheDir });
  const typeChecked = timed('type check', typeCheck.result);
  typeChecked.catch(() => undefined);
  const suiteEnv = { ...exerciseEnv, ...network?.suiteEnv, LNM_CONTROL_URL: control.url, LNM_EXERCISE_DIR: exerciseDir, LNM_FEEDBACK_FILE: exercise.feedbackFile(), LNM_READY_TIMEOUT_MS: String(timeoutMs), LNM_LANG: language() };
  const suitePromise = timed('suite load', HiddenSuite.prepare({ exercise, env: suiteEnv, testTimeoutMs: Math.min(15_000, timeoutMs) }));
  suitePromise.catch(() => undefined);

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const aborted = new Promise<'aborted'>((resolve) => {
    if (options.signal?.aborted) resolve('aborted');
    options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });

  const tests: TestOutcome[] = [];
  let startFailure: StartFailure | undefined;
  let timedOut = false;
  let suite: HiddenSuite | undefined;
  // Services that exit on their own while the suite runs are worth naming.
  const unexpectedExits: { service: string; code: number | null }[] = [];
  let allReady = false;
  supervisor.on('exit', (e: { service: string; code: number | null; onPurpose: boolean }) => {
    if (allReady && !e.onPurpose) unexpectedExits.push(e);
  });

  const work = (async () => {
    // The suite starts at once and waits in its worker for the services (suite-worker.ts): loading it
    // overlaps their start-up instead of following it.
    const suiteRun = suitePromise.then((loaded) => {
      suite = loaded;
      return loaded.run();
    });
    suiteRun.catch(() => undefined);
    try {
      await Promise.all(exercise.manifest.services.map((s) => timed(`service ${s.name}`, supervisor.start(s.name))));
    } catch (error) {
      announceReady(false);
      if (!(error instanceof ServiceStartError)) throw error;
      // Killed by the time limit or Ctrl-C while starting: that is the cause, not the kill.
      if (timedOut || options.signal?.aborted) return;
      startFailure = error.failure;
      // Its outcomes do not count; it ends at once in its setup.
      await suiteRun.catch(() => undefined);
      return;
    }
    allReady = true;
    tests.push({ name: t('check.name.servicesStart'), status: 'pass', durationMs: Date.now() - started });
    announceReady(true);
    tests.push(...(await timed('tests', suiteRun)));
  })();

  try {
    const outcome = await Promise.race([work.then(() => 'done' as const), deadline, aborted]);
    if (outcome === 'timeout') {
      timedOut = true;
      tests.push({ name: t('check.name.timeLimit'), status: 'fail', durationMs: timeoutMs, message: `${t('check.timedOut', { seconds: timeoutMs / 1000 })}\n${t('check.timedOutHint')}` });
    }
    if (outcome === 'aborted') tests.push({ name: t('check.name.interrupted'), status: 'skip', durationMs: 0, message: t('check.interrupted') });
  } finally {
    clearTimeout(timer);
    announceReady(false);
    const teardownFrom = Date.now();
    await supervisor.stopAll();
    await control.close();
    await proxies.close();
    await network?.close();
    // The suite's own afterAll may never have run (a service that never started, a timeout).
    await removeBrokerResources(exercise, exerciseEnv);
    if (timedOut || options.signal?.aborted) {
      typeCheck.cancel();
      await (suite ?? (await suitePromise.catch(() => undefined)))?.cancel();
    }
    void (suite ?? (await suitePromise.catch(() => undefined)))?.close();
    timings.push({ phase: 'teardown', startMs: teardownFrom - started, durationMs: Date.now() - teardownFrom });
  }

  // Built after teardown, so that the crashed service's last words are in its log.
  if (startFailure) tests.unshift(startFailureOutcome(startFailure, exercise, exerciseDir, supervisor.allLogs()));
  if (!timedOut && !options.signal?.aborted) {
    const firstFailed = tests.find((x) => x.status === 'fail');
    if (firstFailed && unexpectedExits.length > 0) {
      firstFailed.message = [firstFailed.message, ...unexpectedExits.map((e) => t('check.serviceDiedDuring', { service: e.service, code: String(e.code) }))].join('\n');
    }
    const typeErrors = await typeChecked.catch((error: Error) => [{ code: 0, message: error.message }] as TypeDiagnostic[]);
    if (typeErrors.length > 0) {
      // Type errors explain most runtime failures, so they come first.
      tests.unshift({ name: t('check.name.typescript'), status: 'fail', durationMs: 0, message: formatTypeErrors(typeErrors, exercise.manifest.lesson), locations: typeErrors.filter((d) => d.file).map((d) => `${d.file}:${d.line}:${d.column}`) });
    } else {
      tests.push({ name: t('check.name.typescript'), status: 'pass', durationMs: 0 });
    }
  }

  const failed = tests.some((x) => x.status === 'fail');
  const ran = tests.some((x) => x.status === 'pass');
  return {
    exercise: exercise.id,
    status: failed || !ran || options.signal?.aborted ? 'fail' : 'pass',
    durationMs: Date.now() - started,
    tests,
    logs: supervisor.allLogs(),
    timedOut,
    timings: timings.sort((a, b) => a.startMs - b.startMs),
    ...(recorder ? { trace: checkTrace(recorder, tests, failed || !ran || options.signal?.aborted ? 'fail' : 'pass') } : {}),
  };
}

function startFailureOutcome(failure: StartFailure, exercise: Exercise, exerciseDir: string, logs: Record<string, string>): TestOutcome {
  const mistakeId = diagnoseStartFailure(exercise, exerciseDir, failure, logs);
  const what =
    failure.kind === 'crashed'
      ? t('check.serviceCrashed', { service: failure.service, code: String(failure.code ?? failure.signal) })
      : t('check.serviceNotReady', { service: failure.service, seconds: failure.seconds, ready: failure.ready });
  const lines: string[] = [];
  if (mistakeId) {
    const entry = exercise.feedback()[mistakeId];
    lines.push(entry.title, entry.explanation, `${t('check.fix')}: ${entry.fix}`, what);
  } else {
    lines.push(what);
  }
  // A misspelled variable (MATH_SERVICE_PORT for MATH_PORT) gives a NaN port: name what the exercise provides.
  const env = envReadsNotProvided(exercise, exerciseDir, failure.service);
  if (env.read.length > 0) lines.push(t('check.envNotProvided', { service: failure.service, read: env.read.join(', '), count: env.read.length, provided: env.provided.join(', ') }));
  const said = nestErrorLine(logs[failure.service] ?? '');
  if (said) lines.push(`${t('check.nestSaid')}: ${said}`);
  return { name: t('check.name.servicesStart'), status: 'fail', durationMs: 0, message: lines.join('\n'), mistake: mistakeId };
}

/** The most telling error line of a crashed service's output, verbatim. */
function nestErrorLine(log: string): string | undefined {
  const lines = log.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  return (
    lines.find((l) => /\bERROR\b/.test(l)) ??
    lines.find((l) => /^(Uncaught )?(\w*Error|\w*Exception)\b/.test(l)) ??
    lines.find((l) => /EADDRINUSE|PRECONDITION_FAILED|ECONNREFUSED/.test(l))
  );
}

function formatTypeErrors(diagnostics: TypeDiagnostic[], lesson?: string): string {
  const lines = [t('check.typeErrors', { count: diagnostics.length })];
  for (const d of diagnostics.slice(0, 20)) {
    const where = d.file ? `${path.relative(process.cwd(), d.file) || d.file}:${d.line}:${d.column}` : '';
    lines.push(`  ${where}${where ? ' ' : ''}TS${d.code}: ${d.message.replace(/\n/g, '\n    ')}`);
  }
  if (diagnostics.length > 20) lines.push(`  … and ${diagnostics.length - 20} more`);
  // An error a lesson explains (a decorator written without its parentheses: TS1239, TS1241) points to that section.
  const explained = new Set<string>();
  for (const code of new Set(diagnostics.map((d) => d.code))) {
    const where = lessonSectionFor(code, lesson);
    if (!where || explained.has(where.section)) continue;
    explained.add(where.section);
    lines.push(t('check.typeErrorExplained', { code: `TS${code}`, lesson: where.lesson, section: where.section }));
  }
  return lines.join('\n');
}
