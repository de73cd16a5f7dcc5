import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import type { Link } from './decoders/link';
import { capPayload } from './recorder';

/**
 * gRPC runs over HTTP/2, whose headers are compressed (HPACK): a byte reader cannot name the method.
 * So for a gRPC connection the proxy terminates HTTP/2 on both sides with Node's own http2: each call
 * the caller opens is opened again on the target with the same headers, its messages are passed on
 * both ways untouched, the answer's headers and trailers (grpc-status) are passed back, and a reset
 * or cancel on either side reaches the other (a cancelled stream must stop the server's producer).
 */

type AnyMethod = MethodDefinition<unknown, unknown>;
/** The methods of an exercise's .proto files by path (`/package.Service/Method`). */
export type GrpcMethods = Map<string, AnyMethod>;

/** The methods of every .proto file under `dir` (none when they do not load: a learner's mistake must not break the trace). */
export function loadGrpcMethods(dir: string | undefined): GrpcMethods {
  const methods: GrpcMethods = new Map();
  if (!dir) return methods;
  const files = protoFiles(dir);
  if (files.length === 0) return methods;
  try {
    const definition = loadSync(files, { keepCase: true, longs: String, enums: String, defaults: true, arrays: true, includeDirs: [...new Set(files.map((f) => path.dirname(f)))] });
    for (const service of Object.values(definition)) {
      if (typeof service !== 'object' || service === null || 'format' in service || 'fileDescriptorProtos' in service) continue;
      for (const method of Object.values(service as Record<string, AnyMethod>)) {
        if (method && typeof method.path === 'string') methods.set(method.path, method);
      }
    }
  } catch {
    // An invalid .proto: calls are recorded with their sizes only.
  }
  return methods;
}

function protoFiles(dir: string, depth = 0): string[] {
  if (depth > 4) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : protoFiles(full, depth + 1);
    return e.name.endsWith('.proto') ? [full] : [];
  });
}

/** Splits one direction of a call into gRPC messages: 1 byte compressed flag, 4 bytes big-endian length, the message. */
class MessageReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { compressed: boolean; body: Buffer }[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const messages: { compressed: boolean; body: Buffer }[] = [];
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < 5 + length) break;
      messages.push({ compressed: this.pending[0] === 1, body: this.pending.subarray(5, 5 + length) });
      this.pending = this.pending.subarray(5 + length);
    }
    return messages;
  }
}

/** Headers passed on as they came (Object.entries leaves out Node's symbol keys). */
const PASSED_ON = (headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders => Object.fromEntries(Object.entries(headers));

function safely(work: () => void): void {
  try {
    work();
  } catch {
    // Recording never disturbs the call.
  }
}

/**
 * Serves one caller's gRPC connection (`client`, whose first bytes were read and put back) by opening
 * an HTTP/2 session to the target and passing every call through it, recording each call.
 */
export function bridgeGrpc(client: net.Socket, link: Link, targetHost: string, targetPort: number, methods: () => GrpcMethods): void {
  const { recorder, caller, target } = link;
  recorder.add({ from: caller, to: target, transport: 'grpc', kind: 'connect' });
  const upstream = http2.connect(`http://${targetHost}:${targetPort}`, { createConnection: () => net.connect({ host: targetHost, port: targetPort, autoSelectFamily: true }) });
  const server = http2.createServer();
  let downstream: http2.ServerHttp2Session | undefined;
  let closed = false;
  const closeAll = () => {
    if (closed) return;
    closed = true;
    recorder.add({ from: caller, to: target, transport: 'grpc', kind: 'close' });
    upstream.destroy();
    downstream?.destroy();
    client.destroy();
  };
  upstream.on('error', () => undefined);
  upstream.on('close', closeAll);
  client.on('error', () => undefined);
  client.on('close', closeAll);
  server.on('session', (session) => {
    downstream = session;
    session.on('error', () => undefined);
    session.on('close', closeAll);
  });
  server.on('stream', (down, headers) => safely(() => passCall(down, headers, upstream, link, methods)));
  server.emit('connection', client);
}

function passCall(down: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, upstream: http2.ClientHttp2Session, link: Link, methods: () => GrpcMethods): void {
  const { recorder, caller, target } = link;
  const methodPath = String(headers[':path'] ?? '');
  const method = methods().get(methodPath);
  const at = recorder.now();
  const seq = recorder.add({ from: caller, to: target, transport: 'grpc', kind: 'request', pattern: methodPath });

  const up = upstream.request(PASSED_ON(headers), { endStream: false });
  down.on('error', () => undefined);
  up.on('error', () => undefined);
  down.pipe(up);

  // The messages, decoded with the exercise's .proto when the method is known. A single (unary) request
  // message becomes the request's payload and a single response message its reply; stream messages are items.
  const decode = (body: Buffer, compressed: boolean, deserialize?: (b: Buffer) => unknown): unknown => {
    if (compressed || !deserialize) return { bytes: body.length, ...(compressed ? { compressed: true } : {}) };
    try {
      return deserialize(body);
    } catch {
      return { bytes: body.length };
    }
  };
  const requests = new MessageReader();
  down.on('data', (chunk: Buffer) =>
    safely(() => {
      for (const m of requests.push(chunk)) {
        const payload = decode(m.body, m.compressed, method?.requestDeserialize as ((b: Buffer) => unknown) | undefined);
        const request = recorder.get(seq);
        if (method && !method.requestStream && request && request.payload === undefined) request.payload = capPayload(payload);
        else recorder.add({ from: caller, to: target, transport: 'grpc', kind: 'stream-item', pattern: methodPath, payload, replyTo: seq });
      }
    }),
  );
  const responses = new MessageReader();
  up.on('data', (chunk: Buffer) =>
    safely(() => {
      for (const m of responses.push(chunk)) {
        const payload = decode(m.body, m.compressed, method?.responseDeserialize as ((b: Buffer) => unknown) | undefined);
        const unary = method && !method.responseStream;
        recorder.add({ from: target, to: caller, transport: 'grpc', kind: unary ? 'reply' : 'stream-item', pattern: methodPath, payload, replyTo: seq, ...(unary ? { durationMs: recorder.now() - at } : {}) });
      }
    }),
  );

  let statusRecorded = false;
  // The status ends the call: the target's, or the caller's own when it cancelled (then recorded as going from it).
  const recordStatus = (trailers: http2.IncomingHttpHeaders, detail: Record<string, unknown> = {}, fromCaller = false) =>
    safely(() => {
      if (statusRecorded) return;
      statusRecorded = true;
      const [from, to] = fromCaller ? [caller, target] : [target, caller];
      const code = Number(trailers['grpc-status'] ?? 2);
      const message = trailers['grpc-message'] === undefined ? undefined : decodeURIComponent(String(trailers['grpc-message']));
      recorder.add({ from, to, transport: 'grpc', kind: code === 0 ? 'status' : 'error', pattern: methodPath, payload: message === undefined ? { code } : { code, message }, replyTo: seq, durationMs: recorder.now() - at, detail: { code, ...(message === undefined ? {} : { message }), ...detail } });
    });

  let trailersFromTarget: http2.OutgoingHttpHeaders = {};
  up.on('response', (responseHeaders) => {
    if (down.destroyed || down.headersSent) return;
    if (responseHeaders['grpc-status'] !== undefined) {
      // A trailers-only answer (an error before any message): one HEADERS frame that ends the stream.
      recordStatus(responseHeaders);
      down.respond(PASSED_ON(responseHeaders), { endStream: true });
      return;
    }
    down.respond(PASSED_ON(responseHeaders), { waitForTrailers: true });
    up.pipe(down);
  });
  up.on('trailers', (trailers) => {
    trailersFromTarget = PASSED_ON(trailers);
    recordStatus(trailers);
  });
  down.on('wantTrailers', () => safely(() => down.sendTrailers(trailersFromTarget)));

  // A reset on one side (the caller's cancel, the server's abort) resets the other.
  down.on('close', () => {
    if (!up.closed && !up.destroyed) {
      up.close(down.rstCode || http2.constants.NGHTTP2_CANCEL);
      recordStatus({ 'grpc-status': '1', 'grpc-message': 'Cancelled by the caller' }, { cancelledBy: caller }, true);
    }
  });
  up.on('close', () => {
    if (up.rstCode && !down.closed && !down.destroyed) {
      down.close(up.rstCode);
      recordStatus({ 'grpc-status': '1', 'grpc-message': 'Reset by the server' }, { resetBy: target });
    }
  });
}
