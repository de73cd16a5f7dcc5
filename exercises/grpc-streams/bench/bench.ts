/**
 * gRPC (Protobuf over HTTP/2) against Nest's TCP transport (JSON frames), measured on this machine.
 *
 *   node node_modules/ts-node/dist/bin.js --swc exercises/grpc-streams/bench/bench.ts
 *
 * Both servers and both clients are plain NestJS 12 (Transport.GRPC / Transport.TCP) in one process,
 * answering the same requests: Sum over a list of numbers, and Measure over a binary payload (a
 * Buffer, which JSON turns into { type: 'Buffer', data: [...] }). Prints the bytes of one request in
 * each wire format, then the time of calls made one after another (latency) and all at once
 * (throughput).
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientGrpc,
  ClientProxy,
  ClientProxyFactory,
  GrpcMethod,
  MessagePattern,
  MicroserviceOptions,
  Payload,
  Transport,
} from '@nestjs/microservices';
import { Observable, firstValueFrom } from 'rxjs';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = join(__dirname, 'bench.proto');
const GRPC_PORT = Number(process.env.BENCH_GRPC_PORT ?? 50551);
const TCP_PORT = Number(process.env.BENCH_TCP_PORT ?? 50552);
const LOADER = { keepCase: true, arrays: true };

interface Numbers {
  values: number[];
}
interface Total {
  running_total: number;
}
interface Blob {
  data: Buffer;
}
interface Size {
  bytes: number;
}
interface BenchServiceClient {
  sum(request: Numbers): Observable<Total>;
  measure(request: Blob): Observable<Size>;
}

const add = (values: number[]) => values.reduce((total, v) => total + v, 0);
// Over JSON a Buffer arrives as { type: 'Buffer', data: [...] }: count the bytes either way.
const byteLength = (data: Buffer | { data: number[] }) => (Buffer.isBuffer(data) ? data.length : data.data.length);

@Controller()
class GrpcBench {
  @GrpcMethod('BenchService', 'Sum')
  sum({ values }: Numbers): Total {
    return { running_total: add(values) };
  }

  @GrpcMethod('BenchService', 'Measure')
  measure({ data }: Blob): Size {
    return { bytes: byteLength(data) };
  }
}

@Controller()
class TcpBench {
  @MessagePattern('sum')
  sum(@Payload() { values }: Numbers): Total {
    return { running_total: add(values) };
  }

  @MessagePattern('measure')
  measure(@Payload() { data }: { data: { data: number[] } }): Size {
    return { bytes: byteLength(data) };
  }
}

@Module({ controllers: [GrpcBench] })
class GrpcModule {}

@Module({ controllers: [TcpBench] })
class TcpModule {}

type Call = (request: never) => Promise<unknown>;
interface Case {
  name: string;
  rpc: 'Sum' | 'Measure';
  request: Numbers | Blob;
  expected: unknown;
  sequential: number;
  parallel: number;
}

async function main() {
  const grpcServer = await NestFactory.createMicroservice<MicroserviceOptions>(GrpcModule, {
    logger: false,
    transport: Transport.GRPC,
    options: { package: 'bench', protoPath: PROTO, url: `127.0.0.1:${GRPC_PORT}`, loader: LOADER },
  });
  const tcpServer = await NestFactory.createMicroservice<MicroserviceOptions>(TcpModule, {
    logger: false,
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: TCP_PORT },
  });
  await grpcServer.listen();
  await tcpServer.listen();

  const grpcClient = ClientProxyFactory.create({
    transport: Transport.GRPC,
    options: { package: 'bench', protoPath: PROTO, url: `127.0.0.1:${GRPC_PORT}`, loader: LOADER },
  }) as unknown as ClientGrpc;
  const bench = grpcClient.getService<BenchServiceClient>('BenchService');
  const tcpClient = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: TCP_PORT } }) as ClientProxy;
  await tcpClient.connect();

  const viaGrpc = {
    Sum: (r: Numbers) => firstValueFrom(bench.sum(r)).then((t) => t.running_total),
    Measure: (r: Blob) => firstValueFrom(bench.measure(r)).then((s) => s.bytes),
  };
  const viaTcp = {
    Sum: (r: Numbers) => firstValueFrom(tcpClient.send<Total>('sum', r)).then((t) => t.running_total),
    Measure: (r: Blob) => firstValueFrom(tcpClient.send<Size>('measure', r)).then((s) => s.bytes),
  };

  const small = { values: range(10) };
  const large = { values: range(10_000) };
  const blob = { data: Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 151 + 17) % 256)) };
  const cases: Case[] = [
    { name: 'Sum of 10 numbers', rpc: 'Sum', request: small, expected: add(small.values), sequential: 2000, parallel: 5000 },
    { name: 'Sum of 10,000 numbers', rpc: 'Sum', request: large, expected: add(large.values), sequential: 300, parallel: 300 },
    { name: 'Measure of a 64 KiB Buffer', rpc: 'Measure', request: blob, expected: blob.data.length, sequential: 300, parallel: 300 },
  ];

  console.log(`machine: ${cpus().length} cpu(s), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; node ${process.version}`);
  printSizes(cases);
  for (const c of cases) {
    const grpcCall = viaGrpc[c.rpc] as Call;
    const tcpCall = viaTcp[c.rpc] as Call;
    for (const [label, call] of [['gRPC', grpcCall], ['TCP', tcpCall]] as const) {
      const answer = await call(c.request as never);
      if (answer !== c.expected) throw new Error(`${label} answered ${String(answer)} to ${c.name}, expected ${String(c.expected)}`);
    }
    for (let i = 0; i < 100; i++) {
      await grpcCall(c.request as never);
      await tcpCall(c.request as never);
    }
    console.log(`\n${c.name}`);
    const seqGrpc = await oneAfterAnother(grpcCall, c.request, c.sequential);
    const seqTcp = await oneAfterAnother(tcpCall, c.request, c.sequential);
    row(`  ${c.sequential} calls one after another`, seqGrpc, seqTcp, 'µs per call', (ms) => (ms * 1000) / c.sequential, false);
    const parGrpc = await allAtOnce(grpcCall, c.request, c.parallel);
    const parTcp = await allAtOnce(tcpCall, c.request, c.parallel);
    row(`  ${c.parallel} calls at once`, parGrpc, parTcp, 'calls/s', (ms) => c.parallel / (ms / 1000), true);
  }

  tcpClient.close();
  (grpcClient as unknown as ClientProxy).close();
  await grpcServer.close();
  await tcpServer.close();
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
}

function printSizes(cases: Case[]) {
  // The serializer Nest's gRPC transport uses: @grpc/proto-loader's, built from the proto.
  const definition = protoLoader.loadSync(PROTO, LOADER);
  const service = definition['bench.BenchService'] as protoLoader.ServiceDefinition;
  console.log('\nbytes of one request (message body only)');
  for (const c of cases) {
    const proto = service[c.rpc].requestSerialize(c.request).length;
    const frame = { pattern: c.rpc.toLowerCase(), data: c.request, id: '00000000-0000-0000-0000-000000000000' };
    const json = Buffer.byteLength(JSON.stringify(frame));
    console.log(`  ${c.name.padEnd(28)} protobuf ${String(proto).padStart(7)}   JSON (Nest TCP frame) ${String(json).padStart(7)}   JSON is ${(json / proto).toFixed(1)}x the size`);
  }
}

async function oneAfterAnother(call: Call, request: unknown, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await call(request as never);
  return performance.now() - start;
}

async function allAtOnce(call: Call, request: unknown, n: number): Promise<number> {
  const start = performance.now();
  await Promise.all(Array.from({ length: n }, () => call(request as never)));
  return performance.now() - start;
}

function row(label: string, grpcMs: number, tcpMs: number, unit: string, metric: (ms: number) => number, higherIsBetter: boolean) {
  const g = metric(grpcMs);
  const t = metric(tcpMs);
  const speedup = higherIsBetter ? g / t : t / g;
  console.log(`${label.padEnd(34)} gRPC ${fmt(g)} ${unit}   TCP/JSON ${fmt(t)} ${unit}   gRPC is ${speedup.toFixed(2)}x as fast`);
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0).padStart(7) : n.toFixed(1).padStart(7);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
