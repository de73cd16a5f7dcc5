/**
 * The named mistakes of hybrid-app and the evidence each one requires. The check's flow
 * (hybrid-app.check.ts) decides pass or fail from what HTTP and TCP answer; when a test fails it asks
 * these detectors, through the harness's `diagnose`, whether a known mistake explains it. A closed
 * TCP port, a task missing from the other transport's list or an untrimmed title are symptoms several
 * mistakes share, so every detector also needs what only its mistake leaves: the shape of app/main.ts
 * or of the modules, read from the syntax tree (a comment or a TODO that names an API is not a call),
 * or the port NestJS's EADDRINUSE line names. test/unit/diagnoses.test.ts runs them over every fixture.
 */
import { bootstrapShape, detector, hybridDetectors, type BootstrapShape, type Detector, type Scene } from 'learn-nest-micro/harness';

/** What the check saw, in the shapes the detectors explain. */
export type Wire =
  /** GET /whoami got no answer at all (status 0) on HTTP_PORT. */
  | { kind: 'http-down'; httpPort: number; tcpPort: number }
  /** Nothing accepted a connection on TCP_PORT. */
  | { kind: 'tcp-down'; httpPort: number; tcpPort: number }
  /** A task added over one transport is missing from the list the other transport answered with. */
  | { kind: 'task-not-shared'; addedVia: 'http' | 'tcp' }
  /** POST /tasks trimmed a padded title, { cmd: 'add_task' } answered with the title still padded. */
  | { kind: 'tcp-title-untrimmed' }
  /** Every behaviour was right: only a mistake that works here by accident can still be named. */
  | { kind: 'works-here' };

const MAIN = 'app/main.ts';
/** How app/main.ts bootstraps the app, read from its syntax tree. */
const mainShape = (scene: Scene<Wire>): BootstrapShape => bootstrapShape(scene.source(MAIN), MAIN);

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'same-port',
    // A port hard-coded to one another program holds also ends in EADDRINUSE: only a clash on one of
    // the two ports the checker chose for this app (free when it chose them) is the app's own two
    // servers colliding. Two connectMicroservice calls on TCP_PORT would collide there too.
    requires: "the app's log has NestJS's `listen EADDRINUSE` line for HTTP_PORT or TCP_PORT, and main.ts connects one microservice",
    logsOf: ['app'],
    symptom: (wire) => wire.kind === 'http-down' || wire.kind === 'tcp-down',
    evidence: (scene) => {
      if (scene.wire.kind !== 'http-down' && scene.wire.kind !== 'tcp-down') return false;
      const m = /listen EADDRINUSE: address already in use \S*?:(\d+)/.exec(scene.log('app'));
      if (!m || ![scene.wire.httpPort, scene.wire.tcpPort].includes(Number(m[1]))) return false;
      return mainShape(scene).connects.length === 1 ? m[0] : false;
    },
  }),
  detector({
    mistake: 'options-in-create',
    requires: 'NestFactory.create(...) is given an options object with a `transport`, and main.ts never calls connectMicroservice',
    symptom: (wire) => wire.kind === 'tcp-down',
    evidence: (scene) => {
      const main = mainShape(scene);
      return main.createWithTransport && main.connects.length === 0;
    },
  }),
  ...hybridDetectors<Wire>(
    {
      microserviceSilent: (wire) => wire.kind === 'tcp-down',
      taskNotShared: (wire) => wire.kind === 'task-not-shared',
      titleUntrimmed: (wire) => wire.kind === 'tcp-title-untrimmed',
      // Over TCP the port opens within the same few milliseconds either way: only the order shows it.
      startOrderMatters: (wire) => wire.kind === 'works-here',
    },
    { silence: 'closes TCP_PORT' },
  ),
];
