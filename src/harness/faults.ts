/**
 * Faults a hidden suite injects between a learner's Nest client and a Nest TCP service, through the
 * fault proxy the runner puts on a `{ "kind": "proxy", "target": "<PORT_VAR>" }` env var.
 * The proxy is named by that env var; see "Injecting faults" in docs/AUTHORING.md.
 */

/** What a proxy does to the traffic it forwards; each fault() replaces the settings before it. */
export interface FaultSettings {
  /** Every frame the service sends back is held this long (ms) before the caller gets it. */
  delayMs?: number;
  /** The next N requests are answered by the proxy with `error` instead of the service's reply (events pass). */
  failNext?: number;
  /** The `err` the caller's Observable fails with, as an RpcException's error arrives: e.g. `{ code: 'UNAVAILABLE', message: '…' }`. */
  error?: unknown;
  /** The failed requests still reach the service, which does the work; only its reply is lost and replaced by `error`. */
  afterService?: boolean;
  /** The next N messages (requests or events) are delivered to the service twice; the caller sees one reply. */
  duplicateNext?: number;
}

/** One message the proxy saw on its way from a caller to the service, in arrival order. */
export interface ProxiedMessage {
  seq: number;
  /** Nest's packet id; absent for an event (`emit`). */
  id?: string;
  pattern: unknown;
  data: unknown;
  /** When it reached the proxy (ms since the epoch, this machine's clock: compare with Date.now()). */
  at: number;
  /** What the proxy did to it, if anything. */
  fault?: 'failed' | 'failed-after-service' | 'duplicated';
  /** When the caller got the end of the reply (the error, or the last frame). */
  repliedAt?: number;
  /** The reply as the caller got it: `{ response }` (the last value) or `{ err }`. */
  reply?: { response?: unknown; err?: unknown };
  /** For a duplicated request: when the service finished answering the second copy (that answer is dropped). */
  duplicateRepliedAt?: number;
}

async function controlRequest(method: 'GET' | 'POST', route: string, params: Record<string, string>, body?: unknown): Promise<Record<string, unknown>> {
  const base = process.env.LNM_CONTROL_URL;
  if (!base) throw new Error('LNM_CONTROL_URL is not set: faults can only be injected by a check run by the runner.');
  const url = new URL(route, base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(String(answer.error ?? `control request failed with ${res.status}`));
  return answer;
}

/**
 * Sets what the proxy on `proxyEnv` does from now on, replacing what it did before (`{}` stops every
 * fault): `delayMs` holds every reply, `failNext` answers the next N requests with `error` (after the
 * service did the work too when `afterService`), `duplicateNext` delivers the next N messages twice.
 */
export async function fault(proxyEnv: string, settings: FaultSettings): Promise<void> {
  await controlRequest('POST', '/fault', { proxy: proxyEnv }, settings);
}

/** Every message the proxy on `proxyEnv` forwarded since the check started (or since clearFaults()), in arrival order. */
export async function proxyLog(proxyEnv: string): Promise<ProxiedMessage[]> {
  return (await controlRequest('GET', '/proxy-log', { proxy: proxyEnv })).messages as ProxiedMessage[];
}

/** Stops the faults of every proxy and empties their logs. */
export async function clearFaults(): Promise<void> {
  await controlRequest('POST', '/clear-faults', {});
}
