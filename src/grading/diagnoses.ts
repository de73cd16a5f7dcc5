import { readFileSync } from 'node:fs';
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
