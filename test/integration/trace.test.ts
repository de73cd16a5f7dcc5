import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { Trace, TraceEvent } from '../../src/trace/model';
import { takeTurnsWithRabbitMQ } from '../support/rabbit';
import { cli, repoRoot, tempDir } from '../support/cli';

takeTurnsWithRabbitMQ();

/** Runs `check <id> --trace` on the reference solution in a fresh workspace; returns the saved trace. */
async function tracedSolution(id: string): Promise<{ trace: Trace; ws: string; stdout: string }> {
  const ws = tempDir(`lnm-trace-${id}-`);
  expect((await cli(['scaffold', id, '--dir', ws])).exitCode).toBe(0);
  cpSync(path.join(repoRoot, 'solutions', id), path.join(ws, id), { recursive: true });
  const r = await cli(['check', id, '--dir', ws, '--trace']);
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
  const trace = JSON.parse(readFileSync(path.join(ws, '.learn-nest-micro', 'traces', 'last.json'), 'utf8')) as Trace;
  return { trace, ws, stdout: r.stdout };
}

test('send-vs-emit: the gateway emits order_created to both consumers as events (no reply), and asks inventory for the stock as a request answered by a reply', async () => {
  const { trace, ws, stdout } = await tracedSolution('send-vs-emit');
  expect(trace).toMatchObject({ exercise: 'send-vs-emit', source: 'check', status: 'pass' });
  expect(trace.tests?.length).toBeGreaterThan(3);

  const events = trace.events;
  for (const consumer of ['inventory', 'notification']) {
    const emitted = events.filter((e) => e.from === 'gateway' && e.to === consumer && e.pattern === 'order_created');
    expect(emitted.length, consumer).toBeGreaterThan(0);
    expect(emitted.every((e) => e.kind === 'event' && e.transport === 'tcp'), consumer).toBe(true);
    // Nothing answers an event.
    expect(events.some((e) => emitted.some((x) => e.replyTo === x.seq))).toBe(false);
  }
  // GET /stock: the suite asks the gateway over HTTP, the gateway asks inventory over TCP and passes the answer on.
  const get = events.find((e) => e.from === 'suite' && e.to === 'gateway' && e.pattern === 'GET /stock')!;
  expect(get).toMatchObject({ kind: 'request', transport: 'http' });
  const ask = events.find((e) => e.from === 'gateway' && e.to === 'inventory' && e.pattern === '{"cmd":"stock"}' && e.seq > get.seq)!;
  expect(ask).toMatchObject({ kind: 'request', transport: 'tcp' });
  const answer = events.find((e) => e.replyTo === ask.seq)!;
  expect(answer).toMatchObject({ from: 'inventory', to: 'gateway', kind: 'reply' });
  expect(answer.payload).toHaveProperty('stock');
  const httpAnswer = events.find((e) => e.replyTo === get.seq)!;
  expect(httpAnswer).toMatchObject({ from: 'gateway', to: 'suite', kind: 'reply', detail: { status: 200 } });
  expect(httpAnswer.atMs).toBeGreaterThanOrEqual(answer.atMs);

  // The report ends with the diagram and where the trace went; `trace --html` writes the page.
  expect(stdout).toContain('order_created');
  expect(stdout).toMatch(/Trace saved as .*send-vs-emit-\d{8}-\d{6}\.json/);
  const html = await cli(['trace', '--html', '--dir', ws]);
  expect(html.exitCode, html.stderr).toBe(0);
  const page = /Wrote the page (\S+\.html)/.exec(html.stdout)?.[1];
  expect(page && existsSync(page), html.stdout).toBe(true);
}, 300_000);

test('rmq-ack: user_create is published, delivered to users, and acknowledged only after the work (the audit event published)', async () => {
  const { trace } = await tracedSolution('rmq-ack');
  const events = [...trace.events].sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  const publish = events.find((e) => e.kind === 'publish' && e.from === 'suite' && e.pattern === 'user_create')!;
  expect(publish).toMatchObject({ to: 'rabbitmq', transport: 'rmq' });
  const deliver = events.find((e) => e.kind === 'deliver' && e.replyTo === publish.seq)!;
  expect(deliver).toMatchObject({ from: 'rabbitmq', to: 'users', pattern: 'user_create' });
  const ack = events.find((e) => e.kind === 'ack' && e.replyTo === deliver.seq)!;
  expect(ack).toMatchObject({ from: 'users', to: 'rabbitmq', detail: { deliveryTag: deliver.detail?.deliveryTag } });
  const work = events.find((e) => e.kind === 'publish' && e.from === 'users' && e.pattern === 'user_created' && e.seq > deliver.seq)!;
  const order = (e: TraceEvent) => events.indexOf(e);
  expect(order(publish)).toBeLessThan(order(deliver));
  expect(order(deliver)).toBeLessThan(order(work));
  expect(order(work)).toBeLessThan(order(ack));
  // The answer goes back to the suite, named like its question.
  expect(events.some((e) => e.kind === 'deliver' && e.to === 'suite' && e.pattern === 'user_create')).toBe(true);
}, 300_000);

test('grpc-streams: gRPC calls are recorded by method, with their messages decoded from the .proto, stream items, and status', async () => {
  const { trace } = await tracedSolution('grpc-streams');
  const grpcEvents = trace.events.filter((e) => e.transport === 'grpc');
  // The gateway's GET /squares asks the math service for Squares, a server stream: items, then status OK.
  const squares = grpcEvents.find((e) => e.from === 'gateway' && e.to === 'math' && e.kind === 'request' && e.pattern === '/math.MathService/Squares')!;
  expect(squares).toBeDefined();
  const after = grpcEvents.filter((e) => e.replyTo === squares.seq);
  expect(after.some((e) => e.kind === 'stream-item' && e.from === 'math' && typeof (e.payload as { value?: unknown }).value === 'number')).toBe(true);
  expect(after.at(-1)).toMatchObject({ kind: 'status', detail: { code: 0 } });
  // The suite's unary Sum: the request carries its numbers, the reply the total.
  const sum = grpcEvents.find((e) => e.from === 'suite' && e.kind === 'request' && e.pattern === '/math.MathService/Sum' && Array.isArray((e.payload as { values?: unknown }).values))!;
  expect(grpcEvents.find((e) => e.replyTo === sum.seq && e.kind === 'reply')?.payload).toHaveProperty('running_total');
  // The cancelled Squares: the caller's cancel is the call's end.
  expect(grpcEvents.some((e) => e.kind === 'error' && e.from === 'suite' && (e.detail as { code?: number }).code === 1)).toBe(true);
}, 300_000);
