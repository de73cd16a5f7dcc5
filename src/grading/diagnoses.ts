import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog';
import type { StartFailure } from '../runner/service-supervisor';

/**
 * Identifies a known mistake when a service crashes or never becomes ready, before any test can
 * run, from the manifest's `diagnoses`: every condition given must hold.
 */
export function diagnoseStartFailure(exercise: Exercise, exerciseDir: string, failure: StartFailure, logs: Record<string, string>): string | undefined {
  // A diagnosis may name a service run as several instances by its manifest name: it covers each one.
  const group = exercise.manifest.services.find((s) => s.name === failure.service)?.group;
  for (const d of exercise.manifest.diagnoses) {
    if (d.service && d.service !== failure.service && d.service !== group) continue;
    if (d.notReady && failure.kind !== 'notReady') continue;
    const log = d.service ? logs[failure.service] ?? '' : Object.values(logs).join('\n');
    if (d.logMatches && !new RegExp(d.logMatches).test(log)) continue;
    if (d.sourceMatches) {
      let text = '';
      try {
        text = readFileSync(path.join(exerciseDir, d.sourceMatches.file), 'utf8');
      } catch {
        continue;
      }
      if (!new RegExp(d.sourceMatches.pattern).test(text)) continue;
    }
    return d.mistake;
  }
  return undefined;
}

/** Variables every service gets besides the manifest's `env`, and those Node and the tools set themselves. */
const ALWAYS_SET = new Set(['INSTANCE_ID', 'NODE_ENV', 'PATH', 'HOME', 'TZ']);

/**
 * The `process.env.X` names a service's code reads that the exercise does not provide, for the near
 * miss of a misspelled variable (MATH_SERVICE_PORT for MATH_PORT): the port then arrives as NaN and
 * the service crashes with ERR_SOCKET_BAD_PORT, or, left a string, listens on a default port.
 */
export function envReadsNotProvided(exercise: Exercise, exerciseDir: string, service: string): { read: string[]; provided: string[] } {
  // An instance of a service run several times is named <name>-<n>.
  const spec = exercise.manifest.services.find((s) => s.name === service || service.replace(/-\d+$/, '') === s.name);
  const provided = Object.keys(exercise.manifest.env);
  if (!spec) return { read: [], provided };
  const folder = path.join(exerciseDir, path.dirname(spec.entry));
  const read = new Set<string>();
  for (const file of tsFiles(folder)) {
    // Comments removed: a note about an old variable is not a read.
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    for (const m of code.matchAll(/process\.env(?:\.([A-Za-z_]\w*)|\[\s*['"`]([A-Za-z_]\w*)['"`]\s*\])/g)) read.add(m[1] ?? m[2]);
  }
  return { read: [...read].filter((name) => !provided.includes(name) && !ALWAYS_SET.has(name)).sort(), provided };
}

function tsFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}
