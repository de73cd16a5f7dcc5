/**
 * The named mistakes of hybrid-app-redis and the evidence each one requires. The check's flow
 * (hybrid-app-redis.check.ts) decides pass or fail from what HTTP and Redis answer; when a test fails
 * it asks these detectors, through the harness's `diagnose`, whether a known mistake explains it. A
 * request nobody answers, a task missing from the other transport's list or an untrimmed title are
 * symptoms several mistakes share, so every detector also needs what only its mistake leaves: the
 * shape of app/main.ts or of the modules, read from the syntax tree (a comment or a TODO that names an
 * API is not a call). The same shapes as hybrid-app's, kept apart because each exercise ships alone.
 * test/unit/diagnoses.test.ts runs them over every fixture.
 */
import { bootstrapShape, detector, lateStart, modulesOf, type BootstrapShape, type Detector, type Scene } from 'learn-nest-micro/harness';

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

const MAIN = 'app/main.ts';
const APP = 'app';
/** How app/main.ts bootstraps the app, read from its syntax tree. */
const mainShape = (scene: Scene<Wire>): BootstrapShape => bootstrapShape(scene.source(MAIN), MAIN);

export const detectors: Detector<Wire>[] = [
  detector({
    mistake: 'start-all-microservices-forgotten',
    // A microservice connected to the wrong Redis, with the wrong transport, or handlers with other
    // patterns leave the request unanswered too: the evidence is the missing call, not the silence.
    requires: 'main.ts calls connectMicroservice(...) and never calls startAllMicroservices() (nor listen() on the microservice it returns)',
    symptom: (wire) => wire.kind === 'redis-silent',
    evidence: (scene) => {
      const main = mainShape(scene);
      return main.connects.length > 0 && main.startAll.length === 0 && !main.microserviceListened;
    },
  }),
  detector({
    mistake: 'provider-not-shared',
    // A list handler that answers [] loses the task with one
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
    // Redis title padded too: the evidence needs a global registration and hybrid options without the flag.
    requires: 'the pipe is registered globally (useGlobalPipes or APP_PIPE), and no connectMicroservice call has hybrid options with inheritAppConfig: true',
    symptom: (wire) => wire.kind === 'redis-title-untrimmed',
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
    symptom: (wire) => wire.kind === 'redis-title-untrimmed',
    evidence: (scene) => {
      const main = mainShape(scene);
      const inheriting = main.connects.find((c) => c.inherit === true && c.defer !== true);
      return !!inheriting && main.globalPipesAt.length > 0 && main.globalPipesAt.every((at) => at > inheriting.at);
    },
  }),
  detector({
    mistake: 'http-ready-before-microservices',
    // Redis subscribes within milliseconds of the start on this machine, so the check usually finds
    // the app answering anyway; when a request is lost, startAllMicroservices must be there (the
    // detector above names its absence first) and this order is the evidence.
    requires: 'startAllMicroservices() is not awaited, or is awaited only after app.listen(...) (the line is shown)',
    symptom: (wire) => wire.kind === 'works-here' || wire.kind === 'redis-silent',
    evidence: (scene) => lateStart(mainShape(scene)) ?? false,
  }),
];
