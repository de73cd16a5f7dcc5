import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are kebab-case: lowercase letters, digits and dashes');
const localized = z.object({ en: z.string().min(1) }).catchall(z.string().min(1));
export const brokerName = z.enum(['rabbitmq', 'redis', 'nats', 'mqtt']);
export type BrokerName = z.infer<typeof brokerName>;

export const lessonSchema = z.strictObject({
  id,
  order: z.number().int().positive(),
  title: localized,
  summary: localized,
  brokers: z.array(brokerName).default([]),
  exercises: z.array(id).min(1),
});
export type Lesson = z.infer<typeof lessonSchema>;

const envVar = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('port') }),
  z.strictObject({ kind: z.literal('unique'), prefix: id }),
  z.strictObject({ kind: z.literal('broker'), broker: brokerName }),
  // A port of its own where the runner's fault proxy listens, forwarding Nest TCP traffic to the port in `target`.
  z.strictObject({ kind: z.literal('proxy'), target: z.string() }),
]);
export type EnvVarSpec = z.infer<typeof envVar>;

const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'environment variable names are UPPER_SNAKE_CASE');
const relativeFile = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a path inside the exercise folder');

const readiness = z.union([z.strictObject({ port: envName }), z.strictObject({ log: z.string().min(1) })]);
export type Readiness = z.infer<typeof readiness>;

const service = z.strictObject({
  name: id,
  entry: relativeFile,
  ready: readiness,
  /** How many processes of this service the runner starts (`<name>-1` … `<name>-N`), e.g. consumers that share or split a stream. */
  instances: z.number().int().min(1).max(5).default(1),
  /** Other `port` env vars this service listens on besides its ready port (a hybrid app's TCP port): a traced check records them too. */
  listens: z.array(envName).default([]),
});

/**
 * One process the runner starts: a service, or one instance of a service run several times.
 * `name` is what the suite and the output call it (`audit`, or `audit-2`); `group` is the manifest's name.
 */
export interface ServiceSpec {
  name: string;
  group: string;
  entry: string;
  ready: Readiness;
  listens: string[];
}

function expandInstances(services: z.infer<typeof service>[]): ServiceSpec[] {
  return services.flatMap(({ name, entry, ready, instances, listens }) =>
    instances === 1 ? [{ name, group: name, entry, ready, listens }] : Array.from({ length: instances }, (_, i) => ({ name: `${name}-${i + 1}`, group: name, entry, ready, listens })),
  );
}

const diagnosis = z.strictObject({
  mistake: id,
  service: id.optional(),
  logMatches: z.string().optional(),
  notReady: z.boolean().optional(),
  sourceMatches: z.strictObject({ file: relativeFile, pattern: z.string() }).optional(),
});
export type Diagnosis = z.infer<typeof diagnosis>;

export const exerciseSchema = z
  .strictObject({
    id,
    lesson: id,
    title: localized,
    timeoutSeconds: z.number().positive().max(600).default(40),
    brokers: z.array(brokerName).default([]),
    env: z.record(envName, envVar).default({}),
    services: z.array(service).min(1),
    diagnoses: z.array(diagnosis).default([]),
  })
  .superRefine((ex, ctx) => {
    for (const [name, spec] of Object.entries(ex.env)) {
      if (spec.kind === 'proxy' && ex.env[spec.target]?.kind !== 'port') ctx.addIssue({ code: 'custom', path: ['env', name, 'target'], message: `${spec.target} is not declared as a port in env` });
    }
    ex.services.forEach((s, i) => {
      if ('port' in s.ready && ex.env[s.ready.port]?.kind !== 'port') {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'ready', 'port'], message: `${s.ready.port} is not declared as a port in env` });
      }
      // Every instance gets the same env, so they cannot all listen on one port.
      s.listens.forEach((portVar, j) => {
        if (ex.env[portVar]?.kind !== 'port') ctx.addIssue({ code: 'custom', path: ['services', i, 'listens', j], message: `${portVar} is not declared as a port in env` });
      });
      if ('port' in s.ready && s.instances > 1) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'ready'], message: 'a service run as several instances is ready by a log line ({ "log": "…" }), not by a port' });
      }
    });
    const names = [...ex.services.map((s) => s.name), ...expandInstances(ex.services).filter((s) => s.name !== s.group).map((s) => s.name)];
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['services'], message: 'service names must be unique, including the names of instances (<name>-1 …)' });
  })
  .transform((ex) => ({ ...ex, services: expandInstances(ex.services) }));
export type ExerciseManifest = z.infer<typeof exerciseSchema>;

export const hintsSchema = z.array(z.string().min(1)).min(3, 'give at least three hints, a nudge first');

export const feedbackSchema = z.record(
  id,
  z.strictObject({ title: z.string().min(1), explanation: z.string().min(1), fix: z.string().min(1) }),
);
export type FeedbackCatalog = z.infer<typeof feedbackSchema>;

export const quizSchema = z
  .array(
    z
      .strictObject({
        question: z.string().min(1),
        // reasoning: predict what code prints or sends, spot the bug, pick the transport for a need; recall: a fact.
        kind: z.enum(['reasoning', 'recall']).default('recall'),
        choices: z.array(z.string().min(1)).min(2),
        answer: z.array(z.number().int().nonnegative()).min(1),
        explanation: z.string().min(1),
      })
      .refine((q) => q.answer.every((a) => a < q.choices.length), { message: 'an answer index points past the choices', path: ['answer'] }),
  )
  .min(1);
export type Quiz = z.infer<typeof quizSchema>;

export const fixtureSchema = z.strictObject({ description: z.string().min(1), expect: id });
export type FixtureManifest = z.infer<typeof fixtureSchema>;
