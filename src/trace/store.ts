import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors';
import { t } from '../i18n/messages';
import { writeFileAtomic } from '../workspace/atomic-write';
import type { Workspace } from '../workspace/workspace';
import { TRACE_VERSION, type Trace } from './model';

/** Traces kept per workspace: the oldest go first (last.json always stays). */
const KEEP = 20;
const LAST = 'last';

export function tracesDir(workspace: Workspace): string {
  return path.join(workspace.stateDir, 'traces');
}

/** `<exercise>-<date>-<time>` of the trace's start (UTC), e.g. send-vs-emit-20261202-081530. */
export function traceId(trace: Trace): string {
  const stamp = trace.startedAt.replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return `${trace.exercise}-${stamp}`;
}

/** Saves the trace as `<id>.json` and as `last.json`; returns its id and file. */
export function saveTrace(workspace: Workspace, trace: Trace): { id: string; file: string } {
  const dir = tracesDir(workspace);
  mkdirSync(dir, { recursive: true });
  const id = traceId(trace);
  const file = path.join(dir, `${id}.json`);
  const text = JSON.stringify(trace);
  writeFileAtomic(file, text);
  writeFileAtomic(path.join(dir, `${LAST}.json`), text);
  for (const old of savedTraceIds(workspace).slice(KEEP)) {
    rmSync(path.join(dir, `${old}.json`), { force: true });
    rmSync(path.join(dir, `${old}.html`), { force: true });
  }
  return { id, file };
}

/** The ids of the saved traces, newest first. */
export function savedTraceIds(workspace: Workspace): string[] {
  const dir = tracesDir(workspace);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== `${LAST}.json`)
    .map((f) => f.slice(0, -'.json'.length))
    // The id ends with the start time, so the name's last 15 characters sort by time.
    .sort((a, b) => b.slice(-15).localeCompare(a.slice(-15)));
}

/** The id of the newest saved trace of this exercise, if any (an id is `<exercise>-<yyyymmdd>-<hhmmss>`). */
export function lastTraceIdOf(workspace: Workspace, exercise: string): string | undefined {
  return savedTraceIds(workspace).find((id) => id.slice(0, -'-yyyymmdd-hhmmss'.length) === exercise);
}

/** The trace saved under `id` (default: the last one); UserError when there is none or it cannot be read. */
export function loadTrace(workspace: Workspace, id?: string): { id: string; trace: Trace; file: string } {
  const dir = tracesDir(workspace);
  const name = id?.replace(/\.json$/, '') ?? LAST;
  const file = path.join(dir, `${name}.json`);
  if (!existsSync(file)) {
    const ids = savedTraceIds(workspace);
    if (!id || ids.length === 0) throw new UserError(t('trace.none'), { hint: t('trace.noneHint') });
    throw new UserError(t('trace.notFound', { id, dir }), { hint: t('trace.notFoundHint', { ids: ids.slice(0, 10).join(', ') }) });
  }
  let trace: Trace;
  try {
    trace = JSON.parse(readFileSync(file, 'utf8')) as Trace;
    if (trace.version !== TRACE_VERSION || !Array.isArray(trace.events) || !Array.isArray(trace.participants)) throw new Error(`not a trace of version ${TRACE_VERSION}`);
  } catch (error) {
    throw new UserError(t('trace.unreadable', { file, reason: (error as Error).message }));
  }
  return { id: name === LAST ? traceId(trace) : name, trace, file };
}
