import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONTAINER_TYPES, LandbridgeError } from '../domain/index.ts';
import {
  answerLoad,
  type Container,
  ContainerSchema,
  containerOf,
  type LoadAnswer,
  type LoadAsk,
  LoadBoxSchema,
  PlacementSchema,
  SupportRuleSchema,
} from '../load/index.ts';
import type { TaskPool } from '../workers/index.ts';
import type { Hub } from './hub.ts';
import { batchValidator, checkSliced } from './sliced-validation.ts';

/** Longest a load plan may search when asked over HTTP (in a worker thread of the pool). */
export const MAX_LOAD_SECONDS = 10;

/** A load plan request's fields beside its boxes. */
const loadPlanFields = {
  /** A container type of the network (ISO 6346, e.g. 45G1), or an explicit load space. */
  containerType: z.enum(CONTAINER_TYPES).optional(),
  container: ContainerSchema.optional(),
  options: z
    .object({
      support: SupportRuleSchema.default('full'),
      timeLimitMs: z
        .number()
        .int()
        .min(50)
        .max(MAX_LOAD_SECONDS * 1000)
        .default(2_000),
      seed: z.number().int().optional(),
      /** Load every box into as few containers as possible instead of the best single container. */
      multi: z.boolean().default(false),
    })
    .default({ support: 'full', timeLimitMs: 2_000, multi: false }),
};
const oneLoadSpace: [
  (r: { containerType?: unknown; container?: unknown }) => boolean,
  { message: string; path: string[] },
] = [
  (r) => (r.containerType === undefined) !== (r.container === undefined),
  { message: 'give exactly one of containerType and container', path: ['containerType'] },
];

/** Most boxes one load plan request may carry. */
export const MAX_LOAD_BOXES = 5_000;

export const LoadPlanRequestSchema = z
  .object({ ...loadPlanFields, boxes: z.array(LoadBoxSchema).min(1).max(MAX_LOAD_BOXES) })
  .refine(...oneLoadSpace);

/**
 * The request without its boxes: the route checks this envelope before its handler and the boxes in
 * the handler a slice at a time (5,000 boxes held the loop 10–40 ms in one call; see
 * sliced-validation.ts), with the problems the whole schema names.
 */
const LoadPlanEnvelope = z.object(loadPlanFields).refine(...oneLoadSpace);
export type LoadPlanRequest = z.output<typeof LoadPlanRequestSchema>;

/** The load space a request names, from the network's equipment or as given. */
export function loadSpace(hub: Hub, request: LoadPlanRequest): Container {
  if (request.container) return request.container;
  const e = hub.network.equipment.find((x) => x.type === request.containerType);
  if (!e)
    throw new LandbridgeError('invalid-input', `the network has no ${request.containerType} containers`, [
      { where: { field: 'containerType' }, why: 'unknown container type' },
    ]);
  return containerOf(e);
}

/** The loader's own request of an API request: the load space resolved, the options filled in. */
export function loadAsk(hub: Hub, request: LoadPlanRequest): LoadAsk {
  const { support, timeLimitMs, seed, multi } = request.options;
  return {
    container: loadSpace(hub, request),
    boxes: request.boxes,
    options: { support, timeLimitMs, multi, ...(seed !== undefined ? { seed } : {}) },
  };
}

/** Builds the load plan(s) of a request and checks each with the independent checker, in this thread. */
export function answerLoadPlan(hub: Hub, request: LoadPlanRequest): LoadAnswer {
  return answerLoad(loadAsk(hub, request));
}

/**
 * How long past its limit a load plan may take (checking it and sending it back) before its worker is
 * terminated: the limit is honoured inside the loader; this is the backstop.
 */
export function loadGraceMs(timeLimitMs: number): number {
  return Math.max(2_000, Math.round(timeLimitMs * 0.2));
}

const CheckView = z.object({
  valid: z.boolean().describe('The independent checker’s verdict'),
  problems: z.array(z.unknown()).describe('The first 50 problems the checker found'),
});
/** One container's load plan (LoadPlanSchema) with the checker's verdict. */
const OneContainerView = z.looseObject({
  container: z.looseObject({ lengthMm: z.number(), widthMm: z.number(), heightMm: z.number() }),
  placements: z.array(PlacementSchema),
  unplaced: z.array(z.string()),
  volumeUtilisation: z.number(),
  weightUtilisation: z.number(),
  check: CheckView,
});
/** With options.multi: as few containers as the loader manages, beside the lower bound. */
const ManyContainersView = z.looseObject({
  containers: z.number().int(),
  lowerBound: z.number().int(),
  unplaced: z.array(z.string()),
  plans: z.array(OneContainerView),
});

/** The answer of `POST /v1/load-plans`: one container's plan, or several with options.multi. */
export const LoadPlanAnswerView = z.union([OneContainerView, ManyContainersView]);

/**
 * The JSON of a load plan's answer as the route's serialiser writes it (the view's encoding, then
 * `JSON.stringify`): written in the worker that computed it, so that the loop neither receives the
 * object (5,000 placements) nor serialises it.
 */
export function loadAnswerJson(answer: LoadAnswer): string {
  return JSON.stringify(
    z.encode(LoadPlanAnswerView, answer as unknown as z.output<typeof LoadPlanAnswerView>),
  );
}

/** `POST /v1/load-plans`: where every box goes in a container, checked independently. */
export function loadPlansRoutes(hub: Hub, pool: TaskPool): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/load-plans',
      {
        schema: {
          tags: ['load plans'],
          summary:
            'A 3D load plan: each box with its position and dimensions as placed, utilisation, and the checker’s verdict',
          description:
            'Boxes carry their allowed orientations, this-side-up, stackable and max load on top; support is full by default (or none, or a ratio). ' +
            'With options.multi the boxes go into as few containers as the loader manages, beside the volume/weight lower bound. The search stops at options.timeLimitMs (at most 10 s), ' +
            'boxes it had no time for left unplaced; it runs in a worker thread, and one that has not answered 2 s (or 20 %) past its limit is stopped (503 with Retry-After).',
          security: [{ apiKey: [] }],
          body: LoadPlanRequestSchema,
          response: { 200: LoadPlanAnswerView },
        },
        validatorCompiler: batchValidator('boxes', 1, MAX_LOAD_BOXES, LoadPlanEnvelope),
      },
      async (request, reply) => {
        const boxes = await checkSliced(request.body.boxes, LoadBoxSchema, 'boxes');
        const ask = loadAsk(hub, { ...request.body, boxes });
        // the answer's JSON, encoded by the response schema in the worker (see loadAnswerJson)
        const bytes = await pool.run('load-plan', ask, {
          timeoutMs: ask.options.timeLimitMs + loadGraceMs(ask.options.timeLimitMs),
        });
        const json = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        reply.type('application/json; charset=utf-8').send(json as never);
        return reply;
      },
    );
  };
}
