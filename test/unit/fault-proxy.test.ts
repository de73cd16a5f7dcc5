import { ClientTCP, ServerTCP } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, of, timeout, toArray, delay as delayEach } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { exerciseSchema } from '../../src/catalog/schema';
import { clearFaults, fault, proxyLog } from '../../src/harness/faults';
import { startControlServer } from '../../src/runner/control-server';
import { encodeFrame, FaultProxies, FaultProxy, FrameDecoder } from '../../src/runner/fault-proxy';
import { freePort } from '../../src/runner/ports';
import { ServiceSupervisor } from '../../src/runner/service-supervisor';

/**
 * The runner's fault proxy between a real Nest TCP client and a real Nest TCP server (handlers added
 * with addHandler, as @MessagePattern does), in this process.
 */
let server: ServerTCP;
let proxy: FaultProxy;
let client: ClientTCP;
let servicePort: number;
/** What the service's handlers were given, in order. */
const handled: string[] = [];

async function listen(port: number): Promise<ServerTCP> {
  const s = new ServerTCP({ host: '127.0.0.1', port });
  s.addHandler('echo', async (data: { v: string }) => {
    handled.push(data.v);
    return { v: data.v, text: 'ça va, ünïcødé ✓' };
  });
  s.addHandler('slow', async (data: { v: string; ms: number }) => {
    await new Promise((r) => setTimeout(r, data.ms));
    handled.push(data.v);
    return data.v;
  });
  s.addHandler('count', async () => of(1, 2, 3).pipe(delayEach(5)));
  s.addHandler('noted', async (data: string) => void handled.push(`event:${data}`), true);
  await new Promise<void>((resolve, reject) => s.listen((err?: unknown) => (err ? reject(err) : resolve())));
  return s;
}

beforeAll(async () => {
  servicePort = await freePort();
  server = await listen(servicePort);
  proxy = new FaultProxy('PROXY', servicePort);
  const proxyPort = await freePort();
  await proxy.listen(proxyPort);
  client = new ClientTCP({ host: 'localhost', port: proxyPort });
  await client.connect();
});

afterEach(() => {
  proxy.reset();
  handled.length = 0;
});

afterAll(async () => {
  client.close();
  await proxy.close();
  server.close();
});

const echo = (v: string) => firstValueFrom(client.send<{ v: string }>('echo', { v }));
const outcome = (p: Promise<unknown>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));

describe('the fault proxy', () => {
  test('forwards requests, streamed replies and Nest errors untouched, and logs each request with its arrival time', async () => {
    const before = Date.now();
    expect(await echo('a')).toEqual({ v: 'a', text: 'ça va, ünïcødé ✓' });
    expect(await lastValueFrom(client.send('count', {}).pipe(toArray()))).toEqual([1, 2, 3]);
    expect(await outcome(firstValueFrom(client.send('nobody', {})))).toEqual({ error: 'There is no matching message handler defined in the remote service.' });
    const log = proxy.log();
    expect(log.map((m) => m.pattern)).toEqual(['echo', 'count', 'nobody']);
    expect(log[0]).toMatchObject({ seq: 1, data: { v: 'a' }, reply: { response: { v: 'a', text: 'ça va, ünïcødé ✓' } } });
    expect(log[0].at).toBeGreaterThanOrEqual(before);
    expect(log[0].repliedAt).toBeGreaterThanOrEqual(log[0].at);
    expect(log.every((m) => m.fault === undefined)).toBe(true);
  });

  test('delayMs holds every reply: a timeout() shorter than the delay fires, a patient caller gets the reply late', async () => {
    proxy.setFaults({ delayMs: 300 });
    const from = Date.now();
    const cut = await outcome(firstValueFrom(client.send('echo', { v: 'late' }).pipe(timeout(100))));
    expect((cut as { error: Error }).error.name).toBe('TimeoutError');
    expect(await echo('patient')).toMatchObject({ v: 'patient' });
    expect(Date.now() - from).toBeGreaterThanOrEqual(300);
    // The service did the work of the request whose caller gave up.
    expect(handled).toEqual(['late', 'patient']);
  });

  test('failNext answers the next requests with the error, without reaching the service, then forwards again', async () => {
    const error = { code: 'UNAVAILABLE', message: 'busy' };
    proxy.setFaults({ failNext: 2, error });
    expect(await outcome(echo('b'))).toEqual({ error });
    expect(await outcome(echo('c'))).toEqual({ error });
    expect(await echo('d')).toMatchObject({ v: 'd' });
    expect(handled).toEqual(['d']);
    expect(proxy.log().map((m) => m.fault)).toEqual(['failed', 'failed', undefined]);
  });

  test('failNext with afterService lets the service do the work and loses its reply', async () => {
    const error = { code: 'UNAVAILABLE', message: 'reply lost' };
    proxy.setFaults({ failNext: 1, afterService: true, error });
    expect(await outcome(echo('e'))).toEqual({ error });
    expect(handled).toEqual(['e']);
    expect(proxy.log()[0]).toMatchObject({ fault: 'failed-after-service', reply: { err: error } });
  });

  test('duplicateNext delivers a request twice at once; the caller sees one reply', async () => {
    proxy.setFaults({ duplicateNext: 1 });
    expect(await lastValueFrom(client.send('echo', { v: 'f' }).pipe(toArray()))).toEqual([{ v: 'f', text: 'ça va, ünïcødé ✓' }]);
    await expect.poll(() => proxy.log()[0]?.duplicateRepliedAt).toBeDefined();
    expect(handled).toEqual(['f', 'f']);
    expect(await echo('g')).toMatchObject({ v: 'g' });
    expect(handled).toEqual(['f', 'f', 'g']);
  });

  test('events: duplicateNext delivers an emit twice, failNext lets it through', async () => {
    proxy.setFaults({ duplicateNext: 1, failNext: 1 });
    await lastValueFrom(client.emit('noted', 'x'), { defaultValue: undefined });
    await expect.poll(() => handled.length).toBe(2);
    expect(handled).toEqual(['event:x', 'event:x']);
    expect(proxy.log()[0]).toMatchObject({ id: undefined, pattern: 'noted', fault: 'duplicated' });
  });

  test('a service that goes away closes the caller connection, and the caller reconnects once it is back', async () => {
    const pending = outcome(firstValueFrom(client.send('slow', { v: 'cut', ms: 2000 })));
    await expect.poll(() => proxy.log().length).toBe(1);
    server.close();
    expect(await pending).toMatchObject({ error: { message: 'Connection closed' } });
    server = await listen(servicePort);
    expect(await echo('back')).toMatchObject({ v: 'back' });
  });
});

describe('Nest TCP frames', () => {
  test('are split however the bytes arrive, a multi-byte character cut in two included', () => {
    const frames = [JSON.stringify({ id: '1', pattern: 'p', data: 'ünï ✓' }), JSON.stringify({ id: '2', response: 'ça' })];
    const bytes = Buffer.from(frames.map(encodeFrame).join(''), 'utf8');
    const decoder = new FrameDecoder();
    const got: string[] = [];
    for (let i = 0; i < bytes.length; i += 3) got.push(...decoder.push(bytes.subarray(i, i + 3)));
    expect(got).toEqual(frames);
  });

  test('count their length in characters, as Nest does', () => {
    expect(encodeFrame('"ü"')).toBe('3#"ü"');
  });
});

describe('a hidden suite drives the proxies through the control server', () => {
  test('fault(), proxyLog() and clearFaults() reach the proxy named by its env var', async () => {
    const env = { SERVICE_PORT: String(servicePort), SERVICE_PROXY: String(await freePort()) };
    const proxies = await FaultProxies.start({ SERVICE_PORT: { kind: 'port' }, SERVICE_PROXY: { kind: 'proxy', target: 'SERVICE_PORT' } }, env);
    const supervisor = new ServiceSupervisor({ exerciseDir: process.cwd(), tsconfig: 'tsconfig.json', env, services: [], readyTimeoutMs: 1000 });
    const control = await startControlServer(supervisor, Promise.resolve(true), proxies);
    process.env.LNM_CONTROL_URL = control.url;
    const viaProxy = new ClientTCP({ host: '127.0.0.1', port: Number(env.SERVICE_PROXY) });
    try {
      await fault('SERVICE_PROXY', { failNext: 1, error: { code: 'DOWN' } });
      expect(await outcome(firstValueFrom(viaProxy.send('echo', { v: 'h' })))).toEqual({ error: { code: 'DOWN' } });
      expect(await firstValueFrom(viaProxy.send('echo', { v: 'i' }))).toMatchObject({ v: 'i' });
      expect((await proxyLog('SERVICE_PROXY')).map((m) => [m.data, m.fault])).toEqual([[{ v: 'h' }, 'failed'], [{ v: 'i' }, undefined]]);
      await clearFaults();
      expect(await proxyLog('SERVICE_PROXY')).toEqual([]);
      await expect(fault('NO_SUCH_PROXY', {})).rejects.toThrow(/no fault proxy NO_SUCH_PROXY/);
      await expect(fault('SERVICE_PROXY', { failNext: -1 })).rejects.toThrow();
    } finally {
      viaProxy.close();
      await control.close();
      await proxies.close();
      delete process.env.LNM_CONTROL_URL;
    }
  });
});

describe('exercise.json', () => {
  const manifest = (env: Record<string, unknown>) => ({ id: 'x', lesson: 'x', title: { en: 'X' }, env, services: [{ name: 'svc', entry: 'svc/main.ts', ready: { port: 'SERVICE_PORT' } }] });

  test('a proxy names the port variable it forwards to', () => {
    expect(exerciseSchema.safeParse(manifest({ SERVICE_PORT: { kind: 'port' }, SERVICE_PROXY: { kind: 'proxy', target: 'SERVICE_PORT' } })).success).toBe(true);
    const wrong = exerciseSchema.safeParse(manifest({ SERVICE_PORT: { kind: 'port' }, SERVICE_PROXY: { kind: 'proxy', target: 'SERVICE_PROT' } }));
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]).toMatchObject({ path: ['env', 'SERVICE_PROXY', 'target'], message: 'SERVICE_PROT is not declared as a port in env' });
  });
});
