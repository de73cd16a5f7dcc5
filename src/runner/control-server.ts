import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { faultSettingsSchema, type FaultProxies } from './fault-proxy';
import type { ServiceSupervisor } from './service-supervisor';

/**
 * A loopback HTTP endpoint through which a hidden suite (running in a vitest worker) reads logs and
 * kills, starts or restarts the learner's services. Only the suite of this check knows its URL.
 */
export async function startControlServer(supervisor: ServiceSupervisor, ready: Promise<boolean> = Promise.resolve(true), proxies?: FaultProxies): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const service = url.searchParams.get('service') ?? undefined;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const act = async (): Promise<unknown> => {
      switch (`${req.method} ${url.pathname}`) {
        case 'GET /ready':
          // Answered once every service is ready, or one failed to start: the suite waits here.
          return { ready: await ready };
        case 'GET /logs':
          return { logs: supervisor.logs(service) };
        case 'GET /pid':
          return { pid: supervisor.pid(required(service)) ?? null };
        case 'POST /kill':
          await supervisor.kill(required(service), (url.searchParams.get('signal') as NodeJS.Signals) ?? 'SIGKILL');
          return { ok: true };
        case 'POST /start':
          await supervisor.start(required(service));
          return { ok: true, pid: supervisor.pid(required(service)) };
        case 'POST /restart':
          await supervisor.restart(required(service));
          return { ok: true, pid: supervisor.pid(required(service)) };
        case 'POST /fault':
          faultProxy(proxies, url).setFaults(faultSettingsSchema.parse(JSON.parse((await readBody(req)) || '{}')));
          return { ok: true };
        case 'GET /proxy-log':
          return { messages: faultProxy(proxies, url).log() };
        case 'POST /clear-faults':
          proxies?.reset();
          return { ok: true };
        default:
          throw Object.assign(new Error(`unknown control request ${req.method} ${url.pathname}`), { status: 404 });
      }
    };
    act().then(
      (body) => reply(200, body),
      (error: Error & { status?: number }) => reply(error.status ?? 500, { error: error.message }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function faultProxy(proxies: FaultProxies | undefined, url: URL) {
  const name = url.searchParams.get('proxy') ?? '';
  const proxy = proxies?.get(name);
  if (!proxy) throw Object.assign(new Error(`no fault proxy ${name}: declare it in the exercise's env as { "kind": "proxy", "target": "<PORT_VAR>" }`), { status: 404 });
  return proxy;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function required(service: string | undefined): string {
  if (!service) throw Object.assign(new Error('missing ?service='), { status: 400 });
  return service;
}
