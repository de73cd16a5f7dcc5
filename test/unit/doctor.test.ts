import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import { checkNode, runDoctor, versionAtLeast } from '../../src/doctor/doctor';
import { redactUrl } from '../../src/runner/broker-probe';
import { contentDirs } from '../../src/paths';
import { Workspace } from '../../src/workspace/workspace';
import { fixtureContent, tempDir } from '../support/cli';

/** The fixture lessons, with the echo lesson needing RabbitMQ. */
function catalogNeedingRabbit(): Catalog {
  const root = tempDir();
  cpSync(fixtureContent, root, { recursive: true });
  const file = path.join(root, 'lessons', 'echo', 'lesson.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), brokers: ['rabbitmq'] }));
  return new Catalog({ lessons: path.join(root, 'lessons'), exercises: path.join(root, 'exercises'), solutions: path.join(root, 'solutions'), workspaceTemplate: contentDirs.workspaceTemplate });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('Node version', () => {
  test('compares versions part by part', () => {
    expect(versionAtLeast('20.19.0', '20.19')).toBe(true);
    expect(versionAtLeast('v20.20.2', '20.19')).toBe(true);
    expect(versionAtLeast('22.0.0', '20.19')).toBe(true);
    expect(versionAtLeast('20.18.3', '20.19')).toBe(false);
    expect(versionAtLeast('18.20.0', '20.19')).toBe(false);
  });

  test('an old Node is a problem with the fix', () => {
    const finding = checkNode('18.20.0', '20.19');
    expect(finding.status).toBe('problem');
    expect(finding.message).toContain('18.20.0 is too old');
    expect(finding.fix).toContain('20.19 or newer');
    expect(checkNode(process.versions.node, '20.19').status).toBe('ok');
  });
});

test('passwords in broker URLs are hidden', () => {
  expect(redactUrl('amqp://guest:guest@127.0.0.1:5672')).toBe('amqp://guest:***@127.0.0.1:5672');
  expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
});

describe('the workspace', () => {
  test('no workspace yet is a note, not a problem', async () => {
    const report = await runDoctor({ workspace: new Workspace(tempDir()), loadCatalog: catalogNeedingRabbit });
    const finding = report.findings.find((f) => f.area === 'workspace');
    expect(finding).toMatchObject({ status: 'note' });
    expect(finding?.message).toContain('scaffold echo');
  });

  test('broken package links are reported with the fix, and --fix repairs them', async () => {
    const workspace = new Workspace(tempDir());
    workspace.ensure();
    rmSync(path.join(workspace.root, 'node_modules', 'rxjs'));
    rmSync(path.join(workspace.root, 'node_modules', '@nestjs', 'core'));
    symlinkSync(path.join(workspace.root, 'gone'), path.join(workspace.root, 'node_modules', '@nestjs', 'core'));

    const report = await runDoctor({ workspace, loadCatalog: catalogNeedingRabbit });
    const links = report.findings.find((f) => f.name === 'workspace:links');
    expect(report.ok).toBe(false);
    expect(links?.message).toContain('rxjs (missing)');
    expect(links?.message).toContain('@nestjs/core (points to a folder that is gone)');
    expect(links?.fix).toContain('learn-nest-micro doctor --fix');

    const fixed = await runDoctor({ workspace, loadCatalog: catalogNeedingRabbit, fix: true });
    expect(fixed.findings.find((f) => f.name === 'workspace:repair')?.message).toContain('node_modules/rxjs');
    expect(fixed.findings.find((f) => f.name === 'workspace')?.status).toBe('ok');
    expect(fixed.findings.filter((f) => f.area === 'workspace' && f.status === 'problem')).toEqual([]);
  });

  test('unreadable settings are a problem naming the file', async () => {
    const workspace = new Workspace(tempDir());
    workspace.ensure();
    writeFileSync(path.join(workspace.root, 'learn-nest-micro.json'), '{ nope');
    const report = await runDoctor({ workspace, loadCatalog: catalogNeedingRabbit });
    const config = report.findings.find((f) => f.name === 'workspace:config');
    expect(config?.status).toBe('problem');
    expect(config?.fix).toContain(path.join(workspace.root, 'learn-nest-micro.json'));
  });
});

describe('brokers', () => {
  test('an unreachable broker a lesson needs is a problem naming the lesson, with how to start it', async () => {
    process.env.RABBITMQ_URL = `amqp://guest:guest@127.0.0.1:${await closedPort()}`;
    process.env.NATS_URL = `nats://127.0.0.1:${await closedPort()}`;
    const report = await runDoctor({ workspace: new Workspace(tempDir()), loadCatalog: catalogNeedingRabbit, probeTimeoutMs: 500 });
    const rabbit = report.findings.find((f) => f.name === 'broker:rabbitmq');
    expect(rabbit?.status).toBe('problem');
    expect(rabbit?.message).toContain('Needed by echo');
    expect(rabbit?.message).not.toContain('guest:guest');
    expect(rabbit?.fix).toContain('RABBITMQ_URL=<url>');
    expect(report.ok).toBe(false);
    const nats = report.findings.find((f) => f.name === 'broker:nats');
    expect(nats?.status).toBe('note');
    expect(nats?.message).toContain('No lesson needs it yet');
  });

  test('every broker is probed', async () => {
    const report = await runDoctor({ workspace: new Workspace(tempDir()), loadCatalog: catalogNeedingRabbit });
    expect(report.findings.filter((f) => f.area === 'broker').map((f) => f.name)).toEqual(['broker:rabbitmq', 'broker:redis', 'broker:nats', 'broker:mqtt']);
  });
});

test('invalid lessons are a problem naming the file', async () => {
  const report = await runDoctor({
    workspace: new Workspace(tempDir()),
    loadCatalog: () => {
      throw new Error('Invalid content in /x/lesson.json: order: expected number');
    },
  });
  expect(report.findings.find((f) => f.area === 'content')).toMatchObject({ status: 'problem', message: expect.stringContaining('/x/lesson.json') });
});

test('free ports can be allocated and connected to', async () => {
  const report = await runDoctor({ workspace: new Workspace(tempDir()), loadCatalog: catalogNeedingRabbit });
  expect(report.findings.find((f) => f.area === 'ports')?.status).toBe('ok');
});
