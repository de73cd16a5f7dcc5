import { existsSync, lstatSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog';
import { brokerName, type BrokerName } from '../catalog/schema';
import { t } from '../i18n/messages';
import { findPackageDir, packageRoot } from '../paths';
import { brokerInstall, brokerLabels, probeBroker, redactUrl } from '../runner/broker-probe';
import { freePort, portAccepts } from '../runner/ports';
import { brokerDefaults, brokerEnvVar, LINKED_PACKAGES, WORKSPACE_MARKER, type Workspace } from '../workspace/workspace';

export type FindingStatus = 'ok' | 'problem' | 'note';

/** One thing the doctor looked at: what it found and, for a problem, how to fix it. */
export interface Finding {
  area: 'node' | 'tool' | 'content' | 'workspace' | 'broker' | 'ports';
  /** What was checked, for scripts: "node", "workspace", "broker:rabbitmq", … */
  name: string;
  status: FindingStatus;
  message: string;
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  findings: Finding[];
  durationMs: number;
}

export interface DoctorOptions {
  workspace: Workspace;
  /** Loads the lessons; throws when they are invalid. */
  loadCatalog: () => Catalog;
  /** Repair what can be repaired (the workspace's files and package links). */
  fix?: boolean;
  /** Per broker; all brokers are probed at once, so the whole doctor takes about this long at most. */
  probeTimeoutMs?: number;
}

/** Packages the tool itself needs to run a check, besides the ones it links into workspaces. */
const TOOL_PACKAGES = ['ts-node', '@swc/core', 'vitest', 'typescript'] as const;

/**
 * Checks everything a check depends on, all at once: Node, the tool's own install, the lessons, the
 * workspace and its links, every broker at its configured URL, and free ports.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const started = Date.now();
  let catalog: Catalog | undefined;
  const content = checkContent(options.loadCatalog, (c) => (catalog = c));
  const [brokers, ports] = await Promise.all([checkBrokers(options.workspace, catalog, options.probeTimeoutMs ?? 1000), checkPorts()]);
  const findings = [checkNode(process.versions.node, minimumNode()), checkTool(), content, ...checkWorkspace(options.workspace, catalog, options.fix), ...brokers, ports];
  return { ok: findings.every((f) => f.status !== 'problem'), findings, durationMs: Date.now() - started };
}

/** The minimum Node version from the tool's package.json (">=20.19" gives "20.19"). */
export function minimumNode(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  return /(\d+(\.\d+){0,2})/.exec(pkg.engines?.node ?? '')?.[1] ?? '20.19';
}

/** True when `version` ("20.20.2" or "v20.20.2") is at least `minimum` ("20.19"). */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (v: string) => v.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  const have = parts(version);
  const need = parts(minimum);
  for (let i = 0; i < Math.max(have.length, need.length); i++) {
    if ((have[i] ?? 0) !== (need[i] ?? 0)) return (have[i] ?? 0) > (need[i] ?? 0);
  }
  return true;
}

export function checkNode(version: string, minimum: string): Finding {
  return versionAtLeast(version, minimum)
    ? { area: 'node', name: 'node', status: 'ok', message: t('doctor.node.ok', { version, minimum }) }
    : { area: 'node', name: 'node', status: 'problem', message: t('doctor.node.old', { version, minimum }), fix: t('doctor.node.fix', { minimum }) };
}

function checkTool(): Finding {
  const wanted = [...TOOL_PACKAGES, ...LINKED_PACKAGES];
  const missing = wanted.filter((name) => !findPackageDir(name));
  const fix = t('doctor.tool.fix');
  if (missing.length > 0) return { area: 'tool', name: 'tool', status: 'problem', message: t('doctor.tool.missing', { names: missing.join(', ') }), fix };
  try {
    // The native binding is what breaks when an install was copied between machines.
    require(findPackageDir('@swc/core')!);
  } catch (error) {
    return { area: 'tool', name: 'tool', status: 'problem', message: t('doctor.tool.swcBroken', { reason: firstLine(error) }), fix };
  }
  return { area: 'tool', name: 'tool', status: 'ok', message: t('doctor.tool.ok', { count: wanted.length }) };
}

function checkContent(loadCatalog: () => Catalog, loaded: (c: Catalog) => void): Finding {
  try {
    const catalog = loadCatalog();
    catalog.validateAll();
    loaded(catalog);
    return { area: 'content', name: 'content', status: 'ok', message: t('doctor.content.ok', { lessons: catalog.lessons.length, exercises: catalog.exercises.length }) };
  } catch (error) {
    return { area: 'content', name: 'content', status: 'problem', message: t('doctor.content.broken', { reason: firstLine(error) }), fix: t('doctor.content.fix') };
  }
}

type LinkState = 'ok' | 'missing' | 'dangling';

/** Whether each package the workspace links from the tool resolves to a real package folder. */
export function linkStates(workspace: Workspace): { name: string; state: LinkState }[] {
  return LINKED_PACKAGES.filter((name) => findPackageDir(name)).map((name) => {
    const link = path.join(workspace.root, 'node_modules', name);
    let isLink = false;
    try {
      isLink = lstatSync(link).isSymbolicLink();
    } catch {
      return { name, state: 'missing' as const };
    }
    if (existsSync(path.join(link, 'package.json'))) return { name, state: 'ok' as const };
    return { name, state: isLink ? ('dangling' as const) : ('missing' as const) };
  });
}

function workspaceProblems(workspace: Workspace): { config?: string; missingFiles: string[]; brokenLinks: { name: string; state: LinkState }[] } {
  let config: string | undefined;
  try {
    workspace.config();
  } catch (error) {
    config = firstLine(error);
  }
  const missingFiles = ['tsconfig.json', 'package.json'].filter((f) => !existsSync(path.join(workspace.root, f)));
  const brokenLinks = linkStates(workspace).filter((l) => l.state !== 'ok');
  return { config, missingFiles, brokenLinks };
}

function checkWorkspace(workspace: Workspace, catalog: Catalog | undefined, fix = false): Finding[] {
  const dir = workspace.root;
  if (!workspace.exists) {
    return [{ area: 'workspace', name: 'workspace', status: 'note', message: t('doctor.workspace.none', { dir, id: catalog?.exercises[0]?.id ?? '<id>' }) }];
  }
  let problems = workspaceProblems(workspace);
  const findings: Finding[] = [];
  const repairable = problems.missingFiles.length > 0 || problems.brokenLinks.length > 0;
  if (fix && repairable && !problems.config) {
    const what = [...problems.missingFiles, ...problems.brokenLinks.map((l) => `node_modules/${l.name}`)].join(', ');
    workspace.ensure();
    problems = workspaceProblems(workspace);
    findings.push({ area: 'workspace', name: 'workspace:repair', status: 'note', message: t('doctor.workspace.repaired', { dir, what }) });
  }
  if (problems.config) {
    findings.push({
      area: 'workspace',
      name: 'workspace:config',
      status: 'problem',
      message: t('doctor.workspace.badConfig', { reason: problems.config }),
      fix: t('doctor.workspace.badConfigFix', { file: path.join(dir, WORKSPACE_MARKER) }),
    });
  }
  if (problems.missingFiles.length > 0) {
    findings.push({ area: 'workspace', name: 'workspace:files', status: 'problem', message: t('doctor.workspace.missingFiles', { dir, files: problems.missingFiles.join(', ') }), fix: t('doctor.workspace.fix') });
  }
  if (problems.brokenLinks.length > 0) {
    const names = problems.brokenLinks.map((l) => t(l.state === 'dangling' ? 'doctor.workspace.linkDangling' : 'doctor.workspace.linkMissing', { name: l.name })).join(', ');
    findings.push({ area: 'workspace', name: 'workspace:links', status: 'problem', message: t('doctor.workspace.brokenLinks', { dir, names }), fix: t('doctor.workspace.fix') });
  }
  if (!findings.some((f) => f.status === 'problem')) {
    findings.push({ area: 'workspace', name: 'workspace', status: 'ok', message: t('doctor.workspace.ok', { dir, links: linkStates(workspace).length }) });
  }
  return findings;
}

/** Which lessons need each broker, from the lessons' and exercises' manifests. */
function lessonsNeeding(catalog: Catalog | undefined, broker: BrokerName): string[] {
  if (!catalog) return [];
  return catalog.lessons
    .filter((l) => l.meta.brokers.includes(broker) || l.meta.exercises.some((id) => catalog.exercises.find((e) => e.id === id)?.manifest.brokers.includes(broker)))
    .map((l) => l.id);
}

async function checkBrokers(workspace: Workspace, catalog: Catalog | undefined, timeoutMs: number): Promise<Finding[]> {
  return Promise.all(
    brokerName.options.map(async (broker): Promise<Finding> => {
      const url = brokerUrlOrDefault(workspace, broker);
      const shown = redactUrl(url);
      // A hard limit besides the socket's own, since resolving an unknown host can take longer.
      const probe = await Promise.race([
        probeBroker(broker, url, timeoutMs),
        new Promise<{ ok: false; reason: string }>((resolve) => setTimeout(() => resolve({ ok: false, reason: t('doctor.broker.timeout', { ms: timeoutMs }) }), timeoutMs + 250).unref()),
      ]);
      const name = `broker:${broker}`;
      if (probe.ok) return { area: 'broker', name, status: 'ok', message: t('doctor.broker.ok', { broker: brokerLabels[broker], url: shown }) };
      const needed = lessonsNeeding(catalog, broker);
      const down = t('doctor.broker.down', { broker: brokerLabels[broker], url: shown, reason: probe.reason ?? '' });
      return {
        area: 'broker',
        name,
        // A broker no lesson uses is worth knowing about, but is not a problem.
        status: needed.length > 0 ? 'problem' : 'note',
        message: `${down} ${needed.length > 0 ? t('doctor.broker.neededBy', { lessons: needed.join(', ') }) : t('doctor.broker.notNeeded')}`,
        fix: t('doctor.broker.fix', { install: brokerInstall[broker], envVar: brokerEnvVar[broker] }),
      };
    }),
  );
}

/** The configured URL; a broken settings file is reported by the workspace check, so fall back here. */
function brokerUrlOrDefault(workspace: Workspace, broker: BrokerName): string {
  try {
    return workspace.brokerUrl(broker);
  } catch {
    return process.env[brokerEnvVar[broker]] || brokerDefaults[broker];
  }
}

async function checkPorts(): Promise<Finding> {
  const fix = t('doctor.ports.fix');
  let server: net.Server | undefined;
  try {
    const port = await freePort();
    server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', resolve);
    });
    if (!(await portAccepts(port, 'localhost', 1000))) throw new Error(t('doctor.ports.noAnswer', { port }));
    return { area: 'ports', name: 'ports', status: 'ok', message: t('doctor.ports.ok', { port }) };
  } catch (error) {
    return { area: 'ports', name: 'ports', status: 'problem', message: t('doctor.ports.broken', { reason: firstLine(error) }), fix };
  } finally {
    server?.close();
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
