import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors';
import { t } from '../i18n/messages';
import { contentDirs, findPackageDir, packageRoot } from '../paths';
import type { BrokerName } from '../catalog/schema';
import { brokerName } from '../catalog/schema';
import { writeFileAtomic } from './atomic-write';

export const WORKSPACE_MARKER = 'learn-nest-micro.json';
export const STATE_DIR = '.learn-nest-micro';
/** Outside a workspace, the course goes into a folder of its own, never into the folder's own project. */
export const DEFAULT_WORKSPACE_DIR = 'learn-nest-micro';

/** Packages the learner's code imports; linked from the tool's own install so the workspace works offline. */
export const LINKED_PACKAGES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/microservices',
  '@nestjs/platform-express',
  'rxjs',
  'reflect-metadata',
  'typescript',
  '@types/node',
  'amqplib',
  'amqp-connection-manager',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'ioredis',
  '@nats-io/transport-node',
  'mqtt',
  'class-validator',
  'class-transformer',
] as const;

const configSchema = z.strictObject({
  version: z.literal(1),
  brokers: z.partialRecord(brokerName, z.string().url()).default({}),
  language: z.string().optional(),
  assignment: z.string().optional(),
});
export type WorkspaceConfig = z.infer<typeof configSchema>;

export class Workspace {
  constructor(readonly root: string) {}

  get stateDir(): string {
    return path.join(this.root, STATE_DIR);
  }
  exerciseDir(id: string): string {
    return path.join(this.root, id);
  }
  has(id: string): boolean {
    return existsSync(this.exerciseDir(id));
  }
  get exists(): boolean {
    return existsSync(path.join(this.root, WORKSPACE_MARKER));
  }

  config(): WorkspaceConfig {
    const file = path.join(this.root, WORKSPACE_MARKER);
    if (!existsSync(file)) return { version: 1, brokers: {} };
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new UserError(t('error.contentInvalid', { file, problems: (cause as Error).message }), { cause });
    }
    const parsed = configSchema.safeParse(raw);
    if (!parsed.success) {
      throw new UserError(t('error.contentInvalid', { file, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }));
    }
    return parsed.data;
  }

  /** Remembers settings in learn-nest-micro.json, keeping every other one as it is, and validates the result. */
  saveSettings(settings: Partial<Pick<WorkspaceConfig, 'language' | 'assignment'>>): void {
    const file = path.join(this.root, WORKSPACE_MARKER);
    const config = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : { version: 1, brokers: {} };
    writeFileAtomic(file, JSON.stringify({ ...config, ...settings }, null, 2) + '\n');
    // Read back through the schema, so that a bad write shows here and not in a later command.
    this.config();
  }

  /** The broker URL the learner configured: environment first, then the workspace file, then the local default. */
  brokerUrl(broker: BrokerName): string {
    const fromEnv = process.env[brokerEnvVar[broker]];
    return fromEnv || this.config().brokers[broker] || brokerDefaults[broker];
  }

  /** Creates the workspace on first use and repairs its links to the tool's packages. Returns true when it was created. */
  ensure(): boolean {
    const created = !this.exists;
    mkdirSync(this.stateDir, { recursive: true });
    const template = contentDirs.workspaceTemplate;
    writeIfMissing(path.join(this.root, WORKSPACE_MARKER), JSON.stringify({ version: 1, brokers: {} }, null, 2) + '\n');
    writeIfMissing(path.join(this.root, 'package.json'), JSON.stringify(workspacePackageJson(), null, 2) + '\n');
    writeIfMissing(path.join(this.root, 'tsconfig.json'), readFileSync(path.join(template, 'tsconfig.json'), 'utf8'));
    writeIfMissing(path.join(this.root, '.gitignore'), readFileSync(path.join(template, 'gitignore'), 'utf8'));
    if (!existsSync(path.join(this.root, '.vscode'))) cpSync(path.join(template, 'vscode'), path.join(this.root, '.vscode'), { recursive: true });
    this.linkPackages();
    this.linkTool();
    return created;
  }

  /**
   * Links the tool itself into node_modules (and its command into node_modules/.bin), so that inside the
   * workspace `npx learn-nest-micro …` and `npm run check` find it offline, however it was started.
   */
  private linkTool(): void {
    relink(path.join(this.root, 'node_modules', 'learn-nest-micro'), packageRoot);
    relink(path.join(this.root, 'node_modules', '.bin', 'learn-nest-micro'), path.join(packageRoot, 'bin', 'learn-nest-micro.js'));
  }

  /** Symlinks each package into the workspace's node_modules, leaving real installs alone. */
  private linkPackages(): void {
    for (const name of LINKED_PACKAGES) {
      const target = findPackageDir(name);
      if (!target) continue;
      relink(path.join(this.root, 'node_modules', name), target);
    }
  }
}

/** Points a symlink at target, leaving a real install at that place alone. */
function relink(link: string, target: string): void {
  const existing = lstatOrUndefined(link);
  if (existing && !existing.isSymbolicLink()) return;
  if (existing && readlinkSync(link) === target && existsSync(link)) return;
  if (existing) rmSync(link, { force: true });
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(target, link, 'junction');
}

export const brokerEnvVar: Record<BrokerName, string> = {
  rabbitmq: 'RABBITMQ_URL',
  redis: 'REDIS_URL',
  nats: 'NATS_URL',
  mqtt: 'MQTT_URL',
};

export const brokerDefaults: Record<BrokerName, string> = {
  rabbitmq: 'amqp://guest:guest@127.0.0.1:5672',
  redis: 'redis://127.0.0.1:6379',
  nats: 'nats://127.0.0.1:4222',
  mqtt: 'mqtt://127.0.0.1:1883',
};

/**
 * The workspace for a command: `--dir` when given, else the nearest folder above the current one
 * holding learn-nest-micro.json, else `./learn-nest-micro/` (as `rustlings init` makes `rustlings/`):
 * the course never mixes into a project that happens to be the current folder.
 */
export function resolveWorkspace(dir?: string, cwd = process.cwd()): Workspace {
  if (dir) return new Workspace(path.resolve(cwd, dir));
  let current = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(current, WORKSPACE_MARKER))) return new Workspace(current);
    const parent = path.dirname(current);
    if (parent === current) return new Workspace(path.resolve(cwd, DEFAULT_WORKSPACE_DIR));
    current = parent;
  }
}

/** The exercise the current folder belongs to, when the command runs inside `<workspace>/<id>/`. */
export function exerciseIdFromCwd(workspace: Workspace, cwd = process.cwd()): string | undefined {
  const relative = path.relative(workspace.root, path.resolve(cwd));
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep)[0];
}

function workspacePackageJson(): object {
  const tool = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  const dependencies = Object.fromEntries(LINKED_PACKAGES.filter((p) => tool.dependencies[p]).map((p) => [p, tool.dependencies[p]]));
  return {
    name: 'learn-nest-micro-workspace',
    private: true,
    description: `Exercises for learn-nest-micro ${tool.version}. Dependencies are linked from the tool; npm install is optional.`,
    scripts: { check: 'learn-nest-micro check', watch: 'learn-nest-micro watch' },
    dependencies,
  };
}

function writeIfMissing(file: string, content: string): void {
  if (!existsSync(file)) writeFileSync(file, content);
}

function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}
