import { readFileSync } from 'node:fs';
import dns from 'node:dns';
import net from 'node:net';

/**
 * The range the OS hands out for listen(0) and outgoing connections (Linux: 32768-60999). The
 * learner's ports are chosen below it: a port the runner picked and released cannot then be taken by
 * another process's listen(0) or connection before the learner's service binds it (EADDRINUSE).
 */
function ephemeralStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const given = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    // Every interface, IPv4 and IPv6: a service may bind either.
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A free port for a learner's service, outside the OS's ephemeral range, never given twice by this process. */
export async function freePort(): Promise<number> {
  const high = Math.min(ephemeralStart(), 32768) - 1;
  const low = Math.max(10_000, high - 20_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (given.has(port)) continue;
    if (await bindable(port)) {
      given.add(port);
      return port;
    }
  }
  // A crowded range: let the OS choose.
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let localhostAddresses: Promise<string[]> | undefined;

/** The addresses 'localhost' names here (::1, 127.0.0.1), looked up once per command. */
function localhost(): Promise<string[]> {
  localhostAddresses ??= dns.promises.lookup('localhost', { all: true }).then(
    (found) => (found.length > 0 ? found.map((a) => a.address) : ['127.0.0.1']),
    () => ['127.0.0.1'],
  );
  return localhostAddresses;
}

/**
 * True when something accepts TCP connections on that port of localhost (IPv4 or IPv6). Readiness is
 * polled every 25 ms: the name is resolved once, not at every poll.
 */
export async function portAccepts(port: number, host = 'localhost', timeoutMs = 500): Promise<boolean> {
  if (host !== 'localhost') return connects(port, host, timeoutMs);
  for (const address of await localhost()) if (await connects(port, address, timeoutMs)) return true;
  return false;
}

function connects(port: number, host: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host, autoSelectFamily: true });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * A server on this port of 127.0.0.1 and, where the machine has IPv6, of ::1 too (a client given
 * "localhost" may try ::1 first): the fault proxy and the trace's recording proxies listen this way.
 */
export async function listenOnLocalhost(port: number, accept: (socket: net.Socket) => void, options: { allowHalfOpen?: boolean } = {}): Promise<net.Server[]> {
  const bind = (host: string) =>
    new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: options.allowHalfOpen ?? false }, accept);
      server.once('error', reject);
      server.listen({ port, host, exclusive: true }, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  const servers = [await bind('127.0.0.1')];
  await bind('::1').then((s) => servers.push(s), () => undefined);
  return servers;
}
