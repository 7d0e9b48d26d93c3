import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONTAINER_TYPES, LandbridgeError } from '../domain/index.ts';
import {
  type Container,
  ContainerSchema,
  checkLoadPlan,
  containerOf,
  LoadBoxSchema,
  type LoadRequest,
  loadContainer,
  loadContainers,
  SupportRuleSchema,
} from '../load/index.ts';
import type { Hub } from './hub.ts';

/** Longest a load plan may search when asked over HTTP (it holds the event loop meanwhile). */
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

/** Builds the load plan(s) of a request and checks each with the independent checker. */
export function answerLoadPlan(hub: Hub, request: LoadPlanRequest) {
  const container = loadSpace(hub, request);
  const { support, timeLimitMs, seed, multi } = request.options;
  const options = { support, timeLimitMs, ...(seed !== undefined ? { seed } : {}) };
  const asked: LoadRequest = { container, boxes: request.boxes, options };
  if (!multi) {
    const plan = loadContainer(asked);
    const check = checkLoadPlan(asked, plan, support);
    return { ...plan, check: { valid: check.valid, problems: check.problems.slice(0, 50) } };
  }
  const result = loadContainers(request.boxes, container, options);
  const plans = result.plans.map((plan) => {
    // Each container is checked on its own boxes; boxes left for other containers are not its concern.
    const placed = new Set(plan.placements.map((p) => p.boxId));
    const own = { ...asked, boxes: request.boxes.filter((b) => placed.has(b.id)) };
    const check = checkLoadPlan(own, { placements: plan.placements, unplaced: [] }, support);
    return { ...plan, check: { valid: check.valid, problems: check.problems.slice(0, 50) } };
  });
  return { containers: plans.length, lowerBound: result.lowerBound, unplaced: result.unplaced, plans };
}

/** `POST /v1/load-plans`: where every box goes in a container, checked independently. */
export function loadPlansRoutes(hub: Hub): FastifyPluginAsyncZod {
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
            'With options.multi the boxes go into as few containers as the loader manages, beside the volume/weight lower bound. The search stops at options.timeLimitMs (at most 10 s).',
          security: [{ apiKey: [] }],
          body: LoadPlanRequestSchema,
        },
      },
      async (request) => answerLoadPlan(hub, request.body),
    );
  };
}
