/**
 * The named mistakes of hybrid-app-redis and the evidence each one requires. The check's flow
 * (hybrid-app-redis.check.ts) decides pass or fail from what HTTP and Redis answer; when a test fails
 * it asks these detectors, through the harness's `diagnose`, whether a known mistake explains it. A
 * request nobody answers, a task missing from the other transport's list or an untrimmed title are
 * symptoms several mistakes share, so every detector also needs what only its mistake leaves: the
 * shape of app/main.ts or of the modules, read from the syntax tree. They are the harness's detectors
 * of any hybrid app (hybrid-app's too); this file says which observation is which symptom.
 * test/unit/diagnoses.test.ts runs them over every fixture.
 */
import { hybridDetectors, type Detector } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** A request sent through Redis got no reply within its time (nobody subscribed, or nobody answered). */
  | { kind: 'redis-silent'; pattern: 'whoami' | 'list' | 'add' }
  /** A task added over one transport is missing from the list the other transport answered with. */
  | { kind: 'task-not-shared'; addedVia: 'http' | 'redis' }
  /** POST /tasks trimmed a padded title, the add pattern answered with the title still padded. */
  | { kind: 'redis-title-untrimmed' }
  /** Every behaviour was right: only a mistake that works here by accident can still be named. */
  | { kind: 'works-here' };

export const detectors: Detector<Wire>[] = hybridDetectors<Wire>(
  {
    microserviceSilent: (wire) => wire.kind === 'redis-silent',
    taskNotShared: (wire) => wire.kind === 'task-not-shared',
    titleUntrimmed: (wire) => wire.kind === 'redis-title-untrimmed',
    // Redis subscribes within milliseconds of the start here, so the check usually finds the app
    // answering anyway; when a request is lost, the order of the calls is the evidence.
    startOrderMatters: (wire) => wire.kind === 'works-here' || wire.kind === 'redis-silent',
  },
  { silence: 'leaves a request through Redis unanswered' },
);
