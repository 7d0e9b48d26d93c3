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
  SupportRuleSchema,
} from '../load/index.ts';
import type { TaskPool } from '../workers/index.ts';
import type { Hub } from './hub.ts';

/** Longest a load plan may search when asked over HTTP (in a worker thread of the pool). */
export const MAX_LOAD_SECONDS = 10;

export const LoadPlanRequestSchema = z
  .object({
    /** A container type of the network (ISO 6346, e.g. 45G1), or an explicit load space. */
    containerType: z.enum(CONTAINER_TYPES).optional(),
    container: ContainerSchema.optional(),
    boxes: z.array(LoadBoxSchema).min(1).max(5_000),
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
  })
  .refine((r) => (r.containerType === undefined) !== (r.container === undefined), {
    message: 'give exactly one of containerType and container',
    path: ['containerType'],
  });
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
        },
      },
      async (request) => {
        const ask = loadAsk(hub, request.body);
        return pool.run('load-plan', ask, {
          timeoutMs: ask.options.timeLimitMs + loadGraceMs(ask.options.timeLimitMs),
        });
      },
    );
  };
}
