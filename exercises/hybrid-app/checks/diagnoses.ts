/**
 * The named mistakes of hybrid-app and the evidence each one requires. The check's flow
 * (hybrid-app.check.ts) decides pass or fail from what HTTP and TCP answer; when a test fails it asks
 * these detectors, through the harness's `diagnose`, whether a known mistake explains it. A closed
 * TCP port, a task missing from the other transport's list or an untrimmed title are symptoms several
 * mistakes share, so every detector also needs what only its mistake leaves: the shape of app/main.ts
 * or of the modules, read from the syntax tree (a comment or a TODO that names an API is not a call),
 * or the port NestJS's EADDRINUSE line names. test/unit/diagnoses.test.ts runs them over every fixture.
 */
import { bootstrapShape, detector, lateStart, modulesOf, type BootstrapShape, type Detector, type Scene } from 'learn-nest-micro/harness';

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
const APP = 'app';
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
  detector({
    mistake: 'start-all-microservices-forgotten',
    // A microservice connected with the wrong port or transport, and started, closes TCP_PORT too:
    // the evidence is the missing call, not the closed port.
    requires: 'main.ts calls connectMicroservice(...) and never calls startAllMicroservices() (nor listen() on the microservice it returns)',
    symptom: (wire) => wire.kind === 'tcp-down',
    evidence: (scene) => {
      const main = mainShape(scene);
      return main.connects.length > 0 && main.startAll.length === 0 && !main.microserviceListened;
    },
  }),
  detector({
    mistake: 'provider-not-shared',
    // A list handler that answers [] (or a handler missing its pattern) loses the task with one
    // TasksService too: the evidence is the module graph, two modules each providing it.
    requires: 'TasksService is in the providers of two @Module classes, and TasksController and TasksMessagesController are declared in different modules',
    symptom: (wire) => wire.kind === 'task-not-shared',
    evidence: (scene) => {
      const modules = modulesOf(scene.code(APP));
      const providing = modules.filter((m) => m.providers.includes('TasksService'));
      const http = modules.find((m) => m.controllers.includes('TasksController'));
      const messages = modules.find((m) => m.controllers.includes('TasksMessagesController'));
      return providing.length >= 2 && !!http && !!messages && http !== messages;
    },
  }),
  detector({
    mistake: 'inherit-app-config-missing',
    // A TrimPipe put on the HTTP controller alone (@UsePipes), never registered globally, leaves the
    // TCP title padded too: the evidence needs a global registration and hybrid options without the flag.
    requires: 'the pipe is registered globally (useGlobalPipes or APP_PIPE), and no connectMicroservice call has hybrid options with inheritAppConfig: true',
    symptom: (wire) => wire.kind === 'tcp-title-untrimmed',
    evidence: (scene) => {
      const main = mainShape(scene);
      const globalPipe = main.globalPipesAt.length > 0 || /\bAPP_PIPE\b/.test(scene.code(APP));
      return globalPipe && main.connects.length > 0 && main.connects.every((c) => c.inherit === false);
    },
  }),
  detector({
    mistake: 'global-pipe-after-connect',
    // With deferInitialization: true a late pipe does reach the message handlers; a pipe registered
    // both before and after connecting trims. Only "every useGlobalPipes after the connect" is this.
    requires: 'connectMicroservice(...) has inheritAppConfig: true and no deferInitialization: true, and every useGlobalPipes(...) comes after it',
    symptom: (wire) => wire.kind === 'tcp-title-untrimmed',
    evidence: (scene) => {
      const main = mainShape(scene);
      const inheriting = main.connects.find((c) => c.inherit === true && c.defer !== true);
      return !!inheriting && main.globalPipesAt.length > 0 && main.globalPipesAt.every((at) => at > inheriting.at);
    },
  }),
  detector({
    mistake: 'http-ready-before-microservices',
    // Over TCP the port opens within the same few milliseconds either way, so no behaviour shows it:
    // the evidence is the order of the calls in main.ts.
    requires: 'startAllMicroservices() is not awaited, or is awaited only after app.listen(...) (the line is shown)',
    symptom: (wire) => wire.kind === 'works-here',
    evidence: (scene) => lateStart(mainShape(scene)) ?? false,
  }),
];
