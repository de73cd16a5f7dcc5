/**
 * What a hidden suite imports as `learn-nest-micro/harness`. It runs inside the vitest worker of a
 * check and talks to the learner's services the way real clients do; it reaches the runner (logs,
 * kill, restart) through the control URL the runner put in the environment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import type { ClientProxy } from '@nestjs/microservices';
import { detect, sceneOf, type Detector } from './diagnose';

export const MISTAKE_MARKER = /\n?\[mistake: ([a-z0-9-]+)\]\s*$/;

export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`The check asked for ${name}, which the exercise manifest does not declare in "env".`);
  return value;
}

/** The language the learner reads the check in (the runner passes it as LNM_LANG). */
export function language(): 'en' | 'uk' {
  return process.env.LNM_LANG === 'uk' ? 'uk' : 'en';
}

/**
 * A text of the suite (a test's name, a failure's message) in the learner's language. Every text a
 * suite shows is written in every language of the course: `say({ en: '…', uk: '…' })`.
 */
export function say(text: { en: string; uk: string }): string {
  return text[language()];
}

const labels = {
  en: { sent: 'sent:    ', received: 'received:', nestSaid: 'NestJS said:', fix: 'Fix:', means: 'This can mean:' },
  uk: { sent: 'надіслано:', received: 'отримано: ', nestSaid: 'NestJS каже:', fix: 'Як виправити:', means: 'Це може означати:' },
};

export function port(name: string): number {
  return Number(env(name));
}

/** The learner's exercise folder (absolute). */
export function exerciseDir(): string {
  return env('LNM_EXERCISE_DIR');
}

/** A learner's file as text, relative to the exercise folder; empty when it does not exist. */
export function source(relPath: string): string {
  try {
    return readFileSync(path.join(exerciseDir(), relPath), 'utf8');
  } catch {
    return '';
  }
}

export interface Evidence {
  sent?: unknown;
  received?: unknown;
  /** NestJS's (or the library's) own error text, shown verbatim. */
  original?: string;
  errorText?: string;
}

export type SendResult<T = unknown> =
  | { ok: true; value: T; sent: unknown; received: unknown; errorText?: undefined; error?: undefined }
  | { ok: false; error: unknown; errorText: string; sent: unknown; received: unknown; value?: undefined };

const clients = new Map<string, ClientProxy>();

/** A connected Nest TCP ClientProxy for the service listening on the port in `portEnv`. */
export async function tcpClient(portEnv: string): Promise<ClientProxy> {
  const existing = clients.get(portEnv);
  if (existing) return existing;
  const { ClientProxyFactory, Transport } = await import('@nestjs/microservices');
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: 'localhost', port: port(portEnv) } }) as ClientProxy;
  await client.connect();
  clients.set(portEnv, client);
  return client;
}

/** The host, port and credentials of a `redis://user:password@host:port/db` URL, as ioredis takes them. */
export function redisOptions(url: string): { host: string; port: number; username?: string; password?: string; db?: number } {
  const u = new URL(url);
  const db = Number(u.pathname.slice(1));
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
  };
}

async function brokerClient(key: string, options: () => Promise<object>): Promise<ClientProxy> {
  const existing = clients.get(key);
  if (existing) return existing;
  const { ClientProxyFactory } = await import('@nestjs/microservices');
  const client = ClientProxyFactory.create((await options()) as Parameters<typeof ClientProxyFactory.create>[0]) as ClientProxy;
  await client.connect();
  clients.set(key, client);
  return client;
}

/** A connected Nest Redis ClientProxy for the broker whose URL is in `urlEnv`, closed after the file. */
export async function redisClient(urlEnv = 'REDIS_URL'): Promise<ClientProxy> {
  const { Transport } = await import('@nestjs/microservices');
  return brokerClient(`redis:${urlEnv}`, async () => ({ transport: Transport.REDIS, options: redisOptions(env(urlEnv)) }));
}

/** A connected Nest NATS ClientProxy (client package `@nats-io/transport-node`) for the server in `urlEnv`. */
export async function natsClient(urlEnv = 'NATS_URL'): Promise<ClientProxy> {
  const { Transport } = await import('@nestjs/microservices');
  return brokerClient(`nats:${urlEnv}`, async () => ({ transport: Transport.NATS, options: { servers: [env(urlEnv)] } }));
}

/** A connected Nest MQTT ClientProxy for the broker whose URL is in `urlEnv`. */
export async function mqttClient(urlEnv = 'MQTT_URL'): Promise<ClientProxy> {
  const { Transport } = await import('@nestjs/microservices');
  return brokerClient(`mqtt:${urlEnv}`, async () => ({ transport: Transport.MQTT, options: { url: env(urlEnv) } }));
}

/** Closes every client the suite opened (call in afterAll when a suite restarts services). */
export async function closeClients(): Promise<void> {
  await Promise.all([...clients.values()].map((c) => c.close()));
  clients.clear();
}

/** `firstValueFrom(client.send(pattern, data))` with a time limit; never throws. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any transport's client (ClientRMQ's status type is not string)
export async function send<T = unknown>(client: ClientProxy<any, any>, pattern: unknown, data: unknown, options: { timeoutMs?: number } = {}): Promise<SendResult<T>> {
  const { firstValueFrom, timeout } = await import('rxjs');
  const timeoutMs = options.timeoutMs ?? 5000;
  const sent = { pattern, data };
  try {
    const value = await firstValueFrom(client.send<T>(pattern, data).pipe(timeout(timeoutMs)));
    return { ok: true, value, sent, received: value };
  } catch (error) {
    const errorText = describeError(error, timeoutMs);
    return { ok: false, error, errorText, sent, received: errorText };
  }
}

export function describeError(error: unknown, timeoutMs?: number): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return `no reply within ${(timeoutMs ?? 0) / 1000}s`;
    if (error.name === 'EmptyError') return `EmptyError: ${error.message}`;
    return error.message;
  }
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return inspect(error, { depth: 4, breakLength: Infinity });
}

export interface HttpResult {
  status: number;
  body: unknown;
  text: string;
  errorText?: string;
  sent: unknown;
  received: unknown;
}

/** HTTP requests to the service on the port in `portEnv`; never throws on a status code or a refused connection. */
export function http(portEnv: string, options: { timeoutMs?: number } = {}) {
  const request = async (method: string, urlPath: string, body?: unknown): Promise<HttpResult> => {
    const url = `http://localhost:${port(portEnv)}${urlPath}`;
    const sent = body === undefined ? `${method} ${urlPath}` : `${method} ${urlPath} ${JSON.stringify(body)}`;
    try {
      const res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      return { status: res.status, body: parsed, text, sent, received: `${res.status} ${text}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const errorText = (error as Error).name === 'TimeoutError' ? `no answer within ${(options.timeoutMs ?? 5000) / 1000}s` : cause?.code ?? cause?.message ?? (error as Error).message;
      return { status: 0, body: undefined, text: '', errorText, sent, received: errorText };
    }
  };
  return {
    get: (urlPath: string) => request('GET', urlPath),
    post: (urlPath: string, body?: unknown) => request('POST', urlPath, body ?? {}),
    put: (urlPath: string, body?: unknown) => request('PUT', urlPath, body ?? {}),
    delete: (urlPath: string) => request('DELETE', urlPath),
  };
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 5, breakLength: 100, compact: 3 });
}

function evidenceLines(evidence: Evidence = {}): string[] {
  const lines: string[] = [];
  const label = labels[language()];
  if (evidence.sent !== undefined) lines.push(`${label.sent} ${formatValue(evidence.sent)}`);
  if (evidence.received !== undefined) lines.push(`${label.received} ${formatValue(evidence.received)}`);
  const original = evidence.original ?? evidence.errorText;
  if (original !== undefined && original !== evidence.received) lines.push(`${label.nestSaid} ${original}`);
  return lines;
}

/** An error for a failed expectation, carrying what was sent and what came back. */
export function fail(message: string, evidence?: Evidence): Error {
  const error = new Error([message, ...evidenceLines(evidence)].join('\n'));
  error.name = 'CheckFailure';
  return error;
}

/** An error for a known learner mistake: its title, why, the fix, and the original error text verbatim. */
export function mistake(id: string, evidence?: Evidence): Error {
  const catalog = JSON.parse(readFileSync(env('LNM_FEEDBACK_FILE'), 'utf8')) as Record<string, { title: string; explanation: string; fix: string }>;
  const entry = catalog[id];
  if (!entry) throw new Error(`The check reported mistake "${id}", which ${env('LNM_FEEDBACK_FILE')} does not describe.`);
  const lines = [entry.title, entry.explanation, `${labels[language()].fix} ${entry.fix}`, ...evidenceLines(evidence), `[mistake: ${id}]`];
  const error = new Error(lines.join('\n'));
  error.name = 'KnownMistake';
  return error;
}

async function control(method: 'GET' | 'POST', route: string, params: Record<string, string>): Promise<Record<string, unknown>> {
  const url = new URL(route, env('LNM_CONTROL_URL'));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { method });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(String(body.error ?? `control request failed with ${res.status}`));
  return body;
}

/** The services' captured output so far: one service's, or all, each line prefixed by its service. */
export async function logs(service?: string): Promise<string> {
  return String((await control('GET', '/logs', service ? { service } : {})).logs);
}

export async function pid(service: string): Promise<number | undefined> {
  return ((await control('GET', '/pid', { service })).pid as number | null) ?? undefined;
}

/** Kills the service's whole process tree and waits until it is gone. */
export async function kill(service: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await control('POST', '/kill', { service, signal });
}

/** Starts a stopped service and waits until it is ready. */
export async function start(service: string): Promise<void> {
  await control('POST', '/start', { service });
}

export async function restart(service: string): Promise<void> {
  await control('POST', '/restart', { service });
}

/** A message or event handler a learner's file declares: which decorator, on which method, for which pattern. */
export interface HandlerDeclaration {
  method: string;
  decorator: string;
  /** The pattern: a string pattern's value (`order_created`), an object pattern as JSON (`{"cmd":"stock"}`), else its source text. */
  pattern: string;
  line: number;
}

const PATTERN_DECORATORS = new Set(['MessagePattern', 'EventPattern', 'GrpcMethod', 'GrpcStreamMethod', 'GrpcStreamCall']);

/**
 * The handlers a learner's file declares, read from its syntax tree (not by regular expressions), for
 * diagnoses that need the source's shape: a handler that works on this transport by accident.
 */
export function handlersIn(relPath: string): HandlerDeclaration[] {
  return handlersInText(source(relPath), relPath);
}

/** `handlersIn` over a text already read (a detector's `scene.source(...)`). */
export function handlersInText(text: string, relPath = 'file.ts'): HandlerDeclaration[] {
  if (!text) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only by suites that ask
  const ts = require('typescript') as typeof import('typescript');
  const file = ts.createSourceFile(relPath, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const literal = (e: import('typescript').Expression): unknown => {
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
    if (ts.isNumericLiteral(e)) return Number(e.text);
    if (ts.isObjectLiteralExpression(e)) {
      const out: Record<string, unknown> = {};
      for (const p of e.properties) {
        if (!ts.isPropertyAssignment(p)) return undefined;
        const value = literal(p.initializer);
        if (value === undefined) return undefined;
        out[p.name.getText(file).replace(/^['"]|['"]$/g, '')] = value;
      }
      return out;
    }
    return undefined;
  };
  const found: HandlerDeclaration[] = [];
  const visit = (node: import('typescript').Node): void => {
    if (ts.isMethodDeclaration(node)) {
      for (const d of ts.getDecorators(node) ?? []) {
        if (!ts.isCallExpression(d.expression) || !ts.isIdentifier(d.expression.expression) || !PATTERN_DECORATORS.has(d.expression.expression.text)) continue;
        const arg = d.expression.arguments[0];
        const value = arg ? literal(arg) : undefined;
        found.push({
          method: node.name.getText(file),
          decorator: d.expression.expression.text,
          pattern: typeof value === 'string' ? value : value !== undefined ? JSON.stringify(value) : (arg?.getText(file) ?? ''),
          line: file.getLineAndCharacterOfPosition(d.getStart(file)).line + 1,
        });
      }
    }
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}

/** Polls until `probe` returns a value other than undefined/false, or gives up after timeoutMs. */
export async function eventually<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

/** What a failure says when no detector's evidence is present: plainly what was expected and what it can mean. */
export interface Plainly {
  /** The failure's first line: what the check expected. */
  expected: string;
  /** The causes this symptom is compatible with, none of them named as the one. */
  meaning?: string;
}

/**
 * Asks the exercise's detectors (see ./diagnose) about a failure: the first whose symptom and evidence
 * are both present names its mistake; with none, the failure says what was expected, what came back
 * (`evidence`) and what the symptom can mean.
 */
export async function diagnose<W>(detectors: readonly Detector<W>[], wire: W, plainly: Plainly, evidence: Evidence = {}): Promise<Error> {
  const services = [...new Set(detectors.filter((d) => d.symptom(wire)).flatMap((d) => d.logsOf ?? []))];
  const logsRead: Record<string, string> = {};
  for (const service of services) logsRead[service] = await logs(service).catch(() => '');
  const [finding] = detect(detectors, sceneOf(exerciseDir(), wire, logsRead));
  if (finding) return mistake(finding.mistake, finding.line ? { ...evidence, original: finding.line } : evidence);
  return plainFailure(plainly, evidence);
}

/** The failure of `diagnose` when no mistake can be named. */
export function plainFailure(plainly: Plainly, evidence?: Evidence): Error {
  const error = fail(plainly.expected, evidence);
  if (plainly.meaning) error.message += `\n${labels[language()].means} ${plainly.meaning}`;
  return error;
}

export { detect, detector, sceneOf, withoutComments, stripColours, type Detector, type Scene, type Finding } from './diagnose';
export * from './faults';
export * from './source-shapes';
export * from './settling';
export * from './bootstrap-shapes';
export * from './hybrid-detectors';
export * from './users-service-detectors';
