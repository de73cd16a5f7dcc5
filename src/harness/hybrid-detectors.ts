/**
 * The named mistakes every hybrid app (HTTP plus a connected microservice, one process) can make,
 * whatever its microservice's transport: the detectors of hybrid-app (TCP) and hybrid-app-redis. The
 * exercise says which of its wire observations is which symptom; the evidence is the same shape of
 * app/main.ts and of the modules, read from the syntax tree (./bootstrap-shapes).
 */
import { bootstrapShape, lateStart, modulesOf, type BootstrapShape } from './bootstrap-shapes';
import { detector, type Detector, type Scene } from './diagnose';

export interface HybridSymptoms<W> {
  /** The microservice side answered nothing (a closed port, a request nobody replied to). */
  microserviceSilent(wire: W): boolean;
  /** A task added over one transport is missing from the list the other one answered with. */
  taskNotShared(wire: W): boolean;
  /** HTTP trimmed a padded title and the microservice side kept it padded. */
  titleUntrimmed(wire: W): boolean;
  /** Where a late startAllMicroservices() may be named: every behaviour right, or a request lost. */
  startOrderMatters(wire: W): boolean;
}

/** The transport's own words for the comments a reader of a detector needs, e.g. 'TCP_PORT is closed'. */
export interface HybridWording {
  /** What the microservice side does when nothing serves it: 'closes TCP_PORT', 'leaves the request unanswered'. */
  silence: string;
}

const MAIN = 'app/main.ts';
const APP = 'app';

/** start-all-microservices-forgotten, provider-not-shared, inherit-app-config-missing, global-pipe-after-connect and http-ready-before-microservices. */
export function hybridDetectors<W>(symptoms: HybridSymptoms<W>, wording: HybridWording): Detector<W>[] {
  const mainShape = (scene: Scene<W>): BootstrapShape => bootstrapShape(scene.source(MAIN), MAIN);
  return [
    detector({
      mistake: 'start-all-microservices-forgotten',
      // A microservice connected with the wrong address, transport or patterns, and started, also
      // ${wording.silence}: the evidence is the missing call, not the silence.
      requires: `main.ts calls connectMicroservice(...) and never calls startAllMicroservices() (nor listen() on the microservice it returns); a started microservice that ${wording.silence} is not this`,
      symptom: symptoms.microserviceSilent,
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
      symptom: symptoms.taskNotShared,
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
      // microservice's title padded too: the evidence needs a global registration and hybrid options without the flag.
      requires: 'the pipe is registered globally (useGlobalPipes or APP_PIPE), and no connectMicroservice call has hybrid options with inheritAppConfig: true',
      symptom: symptoms.titleUntrimmed,
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
      symptom: symptoms.titleUntrimmed,
      evidence: (scene) => {
        const main = mainShape(scene);
        const inheriting = main.connects.find((c) => c.inherit === true && c.defer !== true);
        return !!inheriting && main.globalPipesAt.length > 0 && main.globalPipesAt.every((at) => at > inheriting.at);
      },
    }),
    detector({
      mistake: 'http-ready-before-microservices',
      // The microservice is usually up within milliseconds either way, so behaviour rarely shows it:
      // the evidence is the order of the calls in main.ts (its absence is named by the first detector).
      requires: 'startAllMicroservices() is not awaited, or is awaited only after app.listen(...) (the line is shown)',
      symptom: symptoms.startOrderMatters,
      evidence: (scene) => lateStart(mainShape(scene)) ?? false,
    }),
  ];
}
