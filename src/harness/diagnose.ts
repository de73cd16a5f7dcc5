/**
 * The diagnosis layer of a hidden suite. The suite's flow decides pass or fail from behaviour; when a
 * test fails it asks `diagnose(...)` which named mistake, if any, explains the failure. Each detector
 * states the mistake it names, the symptom it explains (what the check saw on the wire) and the
 * evidence that only that mistake leaves (the source's shape, a log line NestJS writes for it). A
 * mistake is named only when both are there; otherwise the failure says plainly what was expected,
 * what came back and what the symptom can mean. Detectors are pure functions of a `Scene`, so a unit
 * test can run them over every mistake fixture's files without starting anything.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** What a detector may look at: the learner's files, the services' logs, and what the check observed. */
export interface Scene<W> {
  /** What the check observed on the wire (a status code, a reply, counts): the exercise's own shape. */
  readonly wire: W;
  /** A learner's file as written, relative to the exercise folder; '' when it does not exist. */
  source(relPath: string): string;
  /** The code of a file, or of every .ts file under a folder, with comments removed (a TODO is not code). */
  code(relPath: string): string;
  /** A service's captured output, colours removed; '' when it wrote nothing. */
  log(service: string): string;
}

export interface Detector<W> {
  /** The id in `<lang>/feedback.json` this detector names. */
  mistake: string;
  /** The evidence it requires, in one sentence: what this mistake leaves that no other does. */
  requires: string;
  /** The services whose logs `evidence` reads (the check fetches only these). */
  logsOf?: string[];
  /** The symptom it explains: the wire observation, checked first. */
  symptom(wire: W): boolean;
  /** The distinguishing evidence: false when absent; true, or a line to show verbatim (NestJS's own words). */
  evidence(scene: Scene<W>): boolean | string;
}

/** Declares a detector (an identity function, for the types and for a reader looking for them). */
export function detector<W>(d: Detector<W>): Detector<W> {
  return d;
}

export interface Finding {
  mistake: string;
  /** The evidence line to show, when the detector gave one. */
  line?: string;
}

/** Every detector whose symptom and evidence are both present, in declaration order. */
export function detect<W>(detectors: readonly Detector<W>[], scene: Scene<W>): Finding[] {
  const found: Finding[] = [];
  for (const d of detectors) {
    if (!d.symptom(scene.wire)) continue;
    const evidence = d.evidence(scene);
    if (evidence === false || evidence === '') continue;
    found.push(typeof evidence === 'string' ? { mistake: d.mistake, line: evidence } : { mistake: d.mistake });
  }
  return found;
}

/** A scene over files on disk and logs already read: the live check's, or a fixture's in a unit test. */
export function sceneOf<W>(root: string, wire: W, logs: Record<string, string> = {}): Scene<W> {
  const read = (rel: string): string => {
    try {
      return readFileSync(path.join(root, rel), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    wire,
    source: read,
    code(rel) {
      const full = path.join(root, rel);
      let texts: string[];
      try {
        texts = statSync(full).isDirectory() ? tsFilesUnder(full).map((f) => readFileSync(f, 'utf8')) : [readFileSync(full, 'utf8')];
      } catch {
        return '';
      }
      return texts.map(withoutComments).join('\n');
    },
    log: (service) => stripColours(logs[service] ?? ''),
  };
}

function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...tsFilesUnder(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Block and line comments removed (not `//` inside a URL such as `redis://`). */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

export function stripColours(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
