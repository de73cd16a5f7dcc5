import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freePort } from '../../src/runner/ports';
import { AmqpIndex } from '../../src/trace/decoders/amqp';
import { NatsIndex } from '../../src/trace/decoders/nats';
import { MqttIndex } from '../../src/trace/decoders/mqtt';
import type { TraceEvent } from '../../src/trace/model';
import { TraceRecorder } from '../../src/trace/recorder';
import { RecordingProxy } from '../../src/trace/recording-proxy';
import { waitFor } from '../support/wait';

// gRPC through a RecordingProxy: a real grpc-js server and client (no mock), the proxy terminating
// HTTP/2 on both sides. Proves calls are passed on (answers, statuses, a cancel that reaches the
// server) and recorded with their method, messages decoded with the .proto, and status.
const PROTO = `syntax = "proto3";
package demo;
service Calc {
  rpc Add (Pair) returns (Sum);
  rpc Count (Upto) returns (stream Num);
  rpc Fail (Upto) returns (Sum);
}
message Pair { int32 a = 1; int32 b = 2; }
message Sum { int32 sum = 1; }
message Upto { int32 n = 1; }
message Num { int32 n = 1; }
`;

type Client = grpc.Client & Record<string, (...args: any[]) => any>;
let protoDir: string;
let server: grpc.Server;
let client: Client;
let recorder: TraceRecorder;
let proxy: RecordingProxy;
/** Set when the server sees the Count call cancelled. */
let serverSawCancel = false;

beforeAll(async () => {
  protoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lnm-trace-grpc-'));
  fs.mkdirSync(path.join(protoDir, 'proto'));
  fs.writeFileSync(path.join(protoDir, 'proto', 'calc.proto'), PROTO);
  const definition = grpc.loadPackageDefinition(protoLoader.loadSync(path.join(protoDir, 'proto', 'calc.proto'), { keepCase: true }));
  const Calc = (definition.demo as grpc.GrpcObject).Calc as grpc.ServiceClientConstructor;

  server = new grpc.Server();
  server.addService(Calc.service, {
    Add: (call: grpc.ServerUnaryCall<{ a: number; b: number }, unknown>, done: grpc.sendUnaryData<unknown>) => done(null, { sum: call.request.a + call.request.b }),
    // Endless unless cancelled: one number every 20 ms.
    Count: (call: grpc.ServerWritableStream<{ n: number }, unknown>) => {
      let n = 0;
      const timer = setInterval(() => call.write({ n: ++n }), 20);
      call.on('cancelled', () => {
        serverSawCancel = true;
        clearInterval(timer);
      });
    },
    Fail: (_call: unknown, done: grpc.sendUnaryData<unknown>) => done({ code: grpc.status.NOT_FOUND, details: 'no such thing' }),
  });
  const serverPort = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));

  recorder = new TraceRecorder('test', 'check');
  proxy = new RecordingProxy({ recorder, caller: 'caller', target: 'calc', protocol: 'service', targetHost: '127.0.0.1', targetPort: serverPort, shared: { amqp: new AmqpIndex(), redis: new Map(), nats: new NatsIndex(), mqtt: new MqttIndex() }, protoDir });
  const proxyPort = await freePort();
  await proxy.listen(proxyPort);
  client = new Calc(`127.0.0.1:${proxyPort}`, grpc.credentials.createInsecure()) as Client;
});

afterAll(async () => {
  client?.close();
  server?.forceShutdown();
  await proxy?.close();
  if (protoDir) fs.rmSync(protoDir, { recursive: true, force: true });
});

const callsOf = (method: string) => {
  const events = recorder.toTrace().events;
  const request = events.find((e) => e.kind === 'request' && e.pattern === `/demo.Calc/${method}`);
  return { request, after: request ? events.filter((e) => e.replyTo === request.seq) : ([] as TraceEvent[]) };
};

test('a unary call: the request with its message, the reply, and status OK', async () => {
  const answer = await new Promise<unknown>((resolve, reject) => client.Add({ a: 2, b: 3 }, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
  expect(answer).toEqual({ sum: 5 });
  await waitFor(async () => callsOf('Add').after.some((e) => e.kind === 'status'), 5000);
  const { request, after } = callsOf('Add');
  expect(request).toMatchObject({ from: 'caller', to: 'calc', transport: 'grpc', payload: { a: 2, b: 3 } });
  expect(after.map((e) => `${e.from}>${e.to} ${e.kind}`)).toEqual(['calc>caller reply', 'calc>caller status']);
  expect(after[0]!.payload).toEqual({ sum: 5 });
  expect(after[1]!.detail).toMatchObject({ code: 0 });
});

test('a failed unary call: its status is recorded as an error with code and message, and reaches the client', async () => {
  const error = await new Promise<grpc.ServiceError>((resolve) => client.Fail({ n: 1 }, (e: grpc.ServiceError) => resolve(e)));
  expect(error.code).toBe(grpc.status.NOT_FOUND);
  expect(error.details).toBe('no such thing');
  await waitFor(async () => callsOf('Fail').after.length > 0, 5000);
  expect(callsOf('Fail').after).toMatchObject([{ kind: 'error', detail: { code: grpc.status.NOT_FOUND, message: 'no such thing' } }]);
});

test('a server stream: every item recorded in order, and the caller cancel reaches the server', async () => {
  const call = client.Count({ n: 0 }) as grpc.ClientReadableStream<{ n: number }>;
  const received: number[] = [];
  call.on('error', () => undefined);
  await new Promise<void>((resolve) =>
    call.on('data', (item: { n: number }) => {
      received.push(item.n);
      if (received.length === 3) {
        call.cancel();
        resolve();
      }
    }),
  );
  expect(received).toEqual([1, 2, 3]);
  await waitFor(async () => serverSawCancel, 5000);
  expect(serverSawCancel).toBe(true);
  const { request, after } = callsOf('Count');
  expect(request).toMatchObject({ payload: { n: 0 } });
  const items = after.filter((e) => e.kind === 'stream-item');
  expect(items.slice(0, 3).map((e) => [e.from, e.payload])).toEqual([
    ['calc', { n: 1 }],
    ['calc', { n: 2 }],
    ['calc', { n: 3 }],
  ]);
  await waitFor(async () => callsOf('Count').after.some((e) => e.kind === 'error'), 5000);
  expect(callsOf('Count').after.find((e) => e.kind === 'error')).toMatchObject({ from: 'caller', to: 'calc', detail: { code: grpc.status.CANCELLED } });
});
