import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LandbridgeError } from '../domain/index.ts';
import { PlanParamsSchema, type ReplanResult } from '../jobs/index.ts';
import { type PlanDocument, planCsv } from '../plan/index.ts';
import type { PlanJob, Store } from '../store/index.ts';
import { principalOf } from './auth.ts';

function view(job: PlanJob) {
  const doc = job.result as
    | (PlanDocument & { replan?: ReplanResult; moved?: unknown; disruption?: string })
    | undefined;
  return {
    id: job.id,
    status: job.status,
    progress: job.progress,
    params: job.params,
    createdAt: new Date(job.createdAtMs).toISOString(),
    updatedAt: new Date(job.updatedAtMs).toISOString(),
    ...(job.sellerId ? { sellerId: job.sellerId } : {}),
    ...(job.error ? { error: job.error } : {}),
    ...(doc
      ? {
          result: {
            network: doc.network,
            horizon: doc.horizon,
            settings: doc.settings,
            summary: doc.summary,
            ...(doc.baseline ? { baseline: doc.baseline } : {}),
            departures: doc.departures,
            held: doc.held.length,
            ...(doc.replan
              ? { replan: doc.replan, moved: doc.replan.moved, disruption: doc.replan.disruption }
              : {}),
          },
        }
      : {}),
  };
}

/** Plan jobs a seller may have queued or running at once: `LANDBRIDGE_PLAN_JOBS_PER_SELLER`, default 2. */
export function planJobsPerSeller(): number {
  const env = process.env.LANDBRIDGE_PLAN_JOBS_PER_SELLER;
  return env && /^\d+$/.test(env) && Number(env) >= 1 ? Number(env) : 2;
}

/** Plans as jobs: queue one (202), follow it, read its result and its parcels as CSV. */
export function plansRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    const own = async (id: string, principal: ReturnType<typeof principalOf>) => {
      const job = await store.plans.get(id);
      if (!job || (principal.role === 'seller' && job.sellerId !== principal.sellerId)) {
        throw new LandbridgeError('not-found', `no plan ${id}`);
      }
      return job;
    };

    app.post(
      '/v1/plans',
      {
        schema: {
          tags: ['plans'],
          summary:
            'Queue a consolidation plan of the parcels ready in a window (a seller key: its own parcels)',
          security: [{ apiKey: [] }],
          body: PlanParamsSchema,
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        if (principal.role === 'seller') {
          // a seller's jobs wait in line with the others': a few at a time, the rest refused (429)
          const limit = planJobsPerSeller();
          const open =
            (await store.plans.list({ sellerId: principal.sellerId!, status: 'queued' })).length +
            (await store.plans.list({ sellerId: principal.sellerId!, status: 'running' })).length;
          if (open >= limit) {
            reply
              .code(429)
              .header('retry-after', '30')
              .type('application/problem+json')
              .send({
                type: 'https://landbridge.dev/problems/rate-limited',
                title: 'Too many requests',
                status: 429,
                detail: `this seller has ${open} plan jobs queued or running (at most ${limit}); try again when one has finished`,
                code: 'rate-limited',
                instance: request.url,
              });
            return reply;
          }
        }
        const job = await store.plans.create(
          request.body,
          principal.role === 'seller' ? principal.sellerId : undefined,
        );
        reply.code(202).header('location', `/v1/plans/${job.id}`);
        return view(job);
      },
    );

    app.get(
      '/v1/plans',
      { schema: { tags: ['plans'], summary: 'Plans, newest first', security: [{ apiKey: [] }] } },
      async (request) => {
        const principal = principalOf(request);
        const jobs = await store.plans.list(
          principal.role === 'seller' ? { sellerId: principal.sellerId! } : {},
        );
        return {
          plans: jobs.map((j) => ({
            ...view({ ...j, result: undefined }),
            hasResult: j.result !== undefined,
          })),
        };
      },
    );

    app.get(
      '/v1/plans/:id',
      {
        schema: {
          tags: ['plans'],
          summary:
            'A plan: status, progress, and when done its summary (cost, bound, gap, on-time rate), baseline and departures',
          security: [{ apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(100) }),
        },
      },
      async (request) => view(await own(request.params.id, principalOf(request))),
    );

    app.get(
      '/v1/plans/:id/parcels/:parcelId',
      {
        schema: {
          tags: ['plans'],
          summary:
            "One parcel's place in a plan: its departures, containers, gateway, dates and cost (or why it was held)",
          security: [{ apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(100), parcelId: z.string().min(1).max(100) }),
        },
      },
      async (request) => {
        const job = await own(request.params.id, principalOf(request));
        if (job.status !== 'done' || !job.result)
          throw new LandbridgeError('conflict', `plan ${job.id} is ${job.status}`);
        const doc = job.result as PlanDocument;
        const planned = doc.parcels.find((p) => p.id === request.params.parcelId);
        if (planned) return { planId: job.id, status: 'planned' as const, ...planned };
        const held = doc.held.find((h) => h.id === request.params.parcelId);
        if (held) return { planId: job.id, status: 'held' as const, id: held.id, reason: held.reason };
        throw new LandbridgeError('not-found', `parcel ${request.params.parcelId} is not in plan ${job.id}`);
      },
    );

    app.get(
      '/v1/plans/:id/parcels.csv',
      {
        schema: {
          tags: ['plans'],
          summary: 'The plan as CSV: a row a parcel (departures, containers, gateway, dates, cost)',
          security: [{ apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(100) }),
        },
      },
      async (request, reply) => {
        const job = await own(request.params.id, principalOf(request));
        if (job.status !== 'done' || !job.result)
          throw new LandbridgeError('conflict', `plan ${job.id} is ${job.status}`);
        reply.type('text/csv; charset=utf-8');
        return planCsv(job.result as PlanDocument);
      },
    );
  };
}
