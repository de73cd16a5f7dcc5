/**
 * A learner service started ahead of time (see warm-pool.ts): node is up, child-guard and ts-register
 * are preloaded, and so are the libraries every Nest service loads first (about 0.5 CPU-seconds, most of
 * a service's start). It then waits for the supervisor to say which service it becomes: the message
 * carries the entry file and that service's environment; from there it is the same process a plain
 * start would have made, loading the learner's code at that moment (never earlier: the code may have
 * changed since).
 */
import Module from 'node:module';
import path from 'node:path';

export interface Activation {
  entry: string;
  env: Record<string, string>;
  /** The exercise folder: the one this process started in may have been replaced since (a reset deletes and rewrites it). */
  cwd: string;
}

// Resolved from the exercise's folder (this process's cwd), as the learner's own imports are.
const requireHere = Module.createRequire(path.join(process.cwd(), 'warm-start.js'));
for (const name of ['reflect-metadata', '@nestjs/common', '@nestjs/core', '@nestjs/microservices', '@nestjs/platform-express', 'rxjs']) {
  try {
    requireHere(name);
  } catch {
    // Not installed here: the learner's code says so itself, with its own error, when it imports it.
  }
}

process.once('message', (message: Activation) => {
  process.chdir(message.cwd);
  Object.assign(process.env, message.env);
  process.argv[1] = message.entry;
  // Nothing more comes over this channel; it must not keep a finished service alive.
  process.disconnect?.();
  requireHere(message.entry);
});
