import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { Catalog } from '../catalog/catalog';
import { closestId } from '../catalog/closest-id';
import { ExitCode, UserError } from '../errors';
import { t } from '../i18n/messages';
import { writeFileAtomic } from '../workspace/atomic-write';
import { WORKSPACE_MARKER, type Workspace } from '../workspace/workspace';
import { assignmentSchema, type Assignment, type AssignmentInput } from './assignment-schema';

/** An assignment and the file it came from (messages name the file). */
export interface LoadedAssignment {
  file: string;
  assignment: Assignment;
}

const isYaml = (file: string) => /\.ya?ml$/i.test(file);

/**
 * Reads and validates an assignment file (JSON, or YAML for .yaml/.yml). Every problem names the
 * file and the field; with a catalog, exercise ids are checked against the course too.
 */
export function loadAssignment(file: string, catalog?: Catalog): LoadedAssignment {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new UserError(t('assignment.missing', { file }));
  let raw: unknown;
  try {
    // A file saved by an editor that writes a UTF-8 byte order mark is still JSON.
    const text = readFileSync(absolute, 'utf8').replace(/^\uFEFF/, '');
    raw = isYaml(absolute) ? yaml().parse(text) : JSON.parse(text);
  } catch (cause) {
    throw new UserError(t('assignment.invalid', { file, problems: (cause as Error).message.trim() }), { cause });
  }
  return { file: absolute, assignment: parseAssignment(raw, file, catalog) };
}

/** Validates an assignment's content; `file` is only for messages. */
export function parseAssignment(raw: unknown, file: string, catalog?: Catalog): Assignment {
  const parsed = assignmentSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(t('assignment.invalid', { file, problems: describeIssues(parsed.error.issues) }));
  const assignment = parsed.data;
  if (catalog) {
    const ids = catalog.exercises.map((e) => e.id);
    const problems = assignment.exercises.flatMap((e, i) => {
      if (ids.includes(e.id)) return [];
      const suggestion = closestId(e.id, ids);
      return [`exercises.${i}.id: ${t('assignment.unknownExercise', { id: e.id })}${suggestion ? ` ${t('error.didYouMean', { id: suggestion })}` : ''}`];
    });
    if (problems.length) throw new UserError(t('assignment.invalid', { file, problems: problems.join('; ') }));
  }
  return assignment;
}

/** "field.path: what is wrong", one per issue; an unknown key is named with the closest known one. */
function describeIssues(issues: z.core.$ZodIssue[]): string {
  const known = Object.keys(assignmentSchema.shape);
  return issues
    .map((issue) => {
      const where = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys
          .map((key) => {
            const field = where ? `${where}.${key}` : key;
            const suggestion = where ? undefined : closestId(key, known);
            return `${field}: ${t('assignment.unknownField')}${suggestion ? ` (${t('error.didYouMean', { id: suggestion })})` : ''}`;
          })
          .join('; ');
      }
      return `${where || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Writes an assignment as YAML (for .yaml/.yml) or JSON, after validating it. */
export function writeAssignment(file: string, assignment: AssignmentInput): void {
  const valid = assignmentSchema.parse(assignment);
  writeFileAtomic(path.resolve(file), isYaml(file) ? yaml().stringify(valid) : JSON.stringify(valid, null, 2) + '\n');
}

/**
 * Makes a workspace follow an assignment: validates it, keeps a copy inside the workspace (unless it
 * already lives there) and records it in learn-nest-micro.json, with its language as the
 * workspace's default when none is set. For `start --assignment FILE`.
 */
export function applyAssignment(workspace: Workspace, file: string, catalog?: Catalog): LoadedAssignment {
  const loaded = loadAssignment(file, catalog);
  workspace.ensure();
  let relative = path.relative(workspace.root, loaded.file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    relative = `assignment${isYaml(loaded.file) ? '.yaml' : '.json'}`;
    copyFileSync(loaded.file, path.join(workspace.root, relative));
  }
  // The assignment's language, unless the learner already chose one.
  const language = workspace.config().language ?? loaded.assignment.language;
  workspace.saveSettings({ assignment: relative.split(path.sep).join('/'), ...(language ? { language } : {}) });
  return { file: path.join(workspace.root, relative), assignment: loaded.assignment };
}

/** The assignment the workspace follows, if any. */
export function workspaceAssignment(workspace: Workspace, catalog?: Catalog): LoadedAssignment | undefined {
  if (!workspace.exists) return undefined;
  const name = workspace.config().assignment;
  if (!name) return undefined;
  const file = path.resolve(workspace.root, name);
  const config = path.join(workspace.root, WORKSPACE_MARKER);
  if (!existsSync(file)) throw new UserError(t('assignment.missingFromWorkspace', { file, config }), { hint: t('assignment.missingFromWorkspaceHint', { config }) });
  return loadAssignment(file, catalog);
}

/** The assignment named on the command line, else the workspace's. */
export function resolveAssignment(workspace: Workspace, file: string | undefined, catalog?: Catalog): LoadedAssignment | undefined {
  return file ? loadAssignment(file, catalog) : workspaceAssignment(workspace, catalog);
}

/**
 * Refuses (exit 1) a hint or solution of an assigned exercise when the workspace's assignment turns
 * them off. Exercises outside the assignment are not affected.
 */
export function assertHelpAllowed(workspace: Workspace, exerciseId: string, kind: 'hints' | 'solutions'): void {
  const loaded = workspaceAssignment(workspace);
  if (!loaded || loaded.assignment[kind] || !loaded.assignment.exercises.some((e) => e.id === exerciseId)) return;
  const key = kind === 'hints' ? 'assignment.hintsOff' : 'assignment.solutionsOff';
  throw new UserError(t(key, { id: exerciseId, file: loaded.file }), { hint: t('assignment.rulesHint'), exitCode: ExitCode.fail });
}

/** The exercise ids a workspace's assignment names, or undefined when it follows the whole course. */
export function assignedExerciseIds(workspace: Workspace): string[] | undefined {
  return workspaceAssignment(workspace)?.assignment.exercises.map((e) => e.id);
}

/** Loaded only for a YAML assignment: every `check` reads this module, few of them a YAML file. */
function yaml(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml') as typeof import('yaml');
}
