import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { expect, test } from 'vitest';
import { repoRoot } from '../support/cli';

/**
 * Smoke test of scripts/transport-bench.js (issue 11): a quick run over all six transports must give a
 * number for every measurement, or an explicit n/a for fan-out on the point-to-point transports, and
 * must leave no RabbitMQ queue or exchange behind. No timing is asserted: the machine is shared.
 */

interface Report {
  date: string;
  machine: { cpu: string; cores: number; node: string; nestMicroservices: string; loadAverage: number[] };
  brokers: Record<string, string>;
  counts: { sequential: number; requests: number; events: number };
  runId: string;
  results: Array<{
    transport: string;
    error?: string;
    requestResponse: { requests: number; medianMs: number; p99Ms: number; throughput: { requests: number; perSecond: number } };
    fanOut:
      | { na: true; reason: string }
      | { na?: undefined; events: number; subscribers: number; perSecond: number | null; delivered: number[]; lost: number[] };
  }>;
  loadAverageAtEnd: number[];
}

const run = promisify(execFile);

/** True when the broker no longer has it: checkQueue/checkExchange fail with 404 (and close the channel). */
async function gone(conn: amqp.ChannelModel, kind: 'queue' | 'exchange', name: string): Promise<boolean> {
  const ch = await conn.createChannel();
  ch.on('error', () => undefined);
  try {
    if (kind === 'queue') await ch.checkQueue(name);
    else await ch.checkExchange(name);
    await ch.close();
    return false;
  } catch (error) {
    return /404|NOT_FOUND/.test(String((error as Error).message));
  }
}

test('transport-bench --quick --json measures every transport and cleans up', { timeout: 240_000 }, async () => {
  const { stdout } = await run(process.execPath, [path.join(repoRoot, 'scripts', 'transport-bench.js'), '--quick', '--json'], {
    cwd: repoRoot,
    timeout: 200_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  const report = JSON.parse(stdout) as Report;

  expect(report.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(report.machine.cpu.length).toBeGreaterThan(0);
  expect(report.machine.cores).toBeGreaterThan(0);
  expect(report.machine.node).toBe(process.version);
  expect(report.machine.nestMicroservices).toMatch(/^12\./);
  expect(report.machine.loadAverage).toHaveLength(3);
  expect(report.loadAverageAtEnd).toHaveLength(3);
  expect(report.results.map((r) => r.transport)).toEqual(['tcp', 'redis', 'nats', 'mqtt', 'rmq', 'grpc']);

  for (const r of report.results) {
    expect(r.error, `${r.transport} failed`).toBeUndefined();
    const rr = r.requestResponse;
    expect(rr.requests, r.transport).toBe(report.counts.sequential);
    expect(rr.medianMs, r.transport).toBeGreaterThan(0);
    expect(rr.p99Ms, r.transport).toBeGreaterThanOrEqual(rr.medianMs);
    expect(rr.throughput.requests, r.transport).toBe(report.counts.requests);
    expect(rr.throughput.perSecond, r.transport).toBeGreaterThan(0);
    if (r.transport === 'tcp' || r.transport === 'grpc') {
      expect(r.fanOut, r.transport).toEqual({ na: true, reason: 'point to point' });
    } else {
      const f = r.fanOut;
      if (f.na) throw new Error(`${r.transport}: fan-out reported n/a`);
      expect(f.subscribers, r.transport).toBe(2);
      expect(f.delivered, `${r.transport}: events each subscriber received`).toEqual([f.events, f.events]);
      expect(f.perSecond, r.transport).toBeGreaterThan(0);
    }
  }

  // RabbitMQ: the run's queues and its fanout exchange are deleted at the end.
  const conn = await amqp.connect(process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672');
  try {
    for (const q of ['rpc', 'sub-1', 'sub-2']) expect(await gone(conn, 'queue', `${report.runId}-${q}`), q).toBe(true);
    expect(await gone(conn, 'exchange', `${report.runId}-fanout`)).toBe(true);
  } finally {
    await conn.close();
  }
});
