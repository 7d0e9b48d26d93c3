import { gunzipSync } from 'node:zlib';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LandbridgeError } from '../domain/index.ts';
import {
  disruptionProblems,
  type JobQueue,
  PlanParamsSchema,
  type ReplanResult,
  sendPlanJob,
} from '../jobs/index.ts';
import { type PlanDocument, planCsv } from '../plan/index.ts';
import type { PlanJob, Store } from '../store/index.ts';
import type { TaskPool } from '../workers/index.ts';
import { principalOf } from './auth.ts';
import type { Hub } from './hub.ts';
import { ProblemSchema } from './journey.schemas.ts';
import { PlanContainerContents, PlanListView, PlanParcelView, PlanView } from './plans.schemas.ts';

/** The JSON a plan route answers; the plan document's own interfaces are its open parts. */
type PlanBody = z.input<typeof PlanView>;

/** A plan job as the API shows it: status and, once done, the plan's summary and departures. */
export function view(job: PlanJob): PlanBody {
  const doc = job.result as
    | (PlanDocument & { replan?: ReplanResult; moved?: unknown; disruption?: string })
    | undefined;
  const body = {
    id: job.id,
    status: job.status,
    progress: job.progress,
    params: job.params as Record<string, unknown>,
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
            heldByReason: heldByReason(doc.held),
            ...(doc.containerProof ? { containerProof: doc.containerProof } : {}),
            ...(doc.replan
              ? { replan: doc.replan, moved: doc.replan.moved, disruption: doc.replan.disruption }
              : {}),
          },
        }
      : {}),
  };
  return body as unknown as PlanBody;
}

/** Held parcels counted by reason, most first. */
function heldByReason(held: PlanDocument['held']): { reason: string; parcels: number }[] {
  const counts = new Map<string, number>();
  for (const h of held) counts.set(h.reason, (counts.get(h.reason) ?? 0) + 1);
  return [...counts]
    .map(([reason, parcels]) => ({ reason, parcels }))
    .sort((a, b) => b.parcels - a.parcels || (a.reason < b.reason ? -1 : 1));
}

/** Stored plans longer than this (characters of JSON) are read in a worker thread. */
const PLAN_INLINE_CHARS = 256 * 1024;

/** What reading a stored plan asks: the API's view, one parcel's place, or the CSV. */
export type PlanRead = {
  readonly job: Omit<PlanJob, 'result'>;
  readonly resultJson?: string;
  /** A big plan as stored, gzip-compressed: gunzipped where it is read (a worker thread). */
  readonly resultGzip?: Uint8Array;
} & (
  | { readonly kind: 'view' }
  | { readonly kind: 'parcel'; readonly parcelId: string }
  | { readonly kind: 'csv'; readonly only?: readonly string[] }
  | { readonly kind: 'container'; readonly containerId: string }
);

const encoder = new TextEncoder();

/**
 * Reads a stored plan (in whichever thread runs it): the view and the CSV come back as bytes to send
 * as they are; one parcel's place as a small object.
 */
export function readPlan(input: PlanRead): unknown {
  const json =
    input.resultJson ??
    (input.resultGzip === undefined ? undefined : gunzipSync(input.resultGzip).toString('utf8'));
  const result = json === undefined ? undefined : (JSON.parse(json) as unknown);
  const job: PlanJob = { ...input.job, ...(result === undefined ? {} : { result }) };
  if (input.kind === 'view') return encoder.encode(JSON.stringify(view(job)));
  let doc = result as PlanDocument;
  if (input.kind === 'csv') {
    if (input.only) {
      const mine = new Set(input.only);
      doc = {
        ...doc,
        parcels: doc.parcels.filter((p) => mine.has(p.id)),
        held: doc.held.filter((h) => mine.has(h.id)),
      };
    }
    return encoder.encode(planCsv(doc));
  }
  if (input.kind === 'container') {
    const departure = doc.departures.find((d) => d.containers.some((c) => c.id === input.containerId));
    const container = departure?.containers.find((c) => c.id === input.containerId);
    if (!departure || !container)
      throw new LandbridgeError('not-found', `no container ${input.containerId} in plan ${job.id}`);
    const ids = doc.parcels
      .filter((p) => p.rides.some((r) => r.containerId === input.containerId))
      .map((p) => p.id);
    return { departureId: departure.id, container: { ...container }, ids };
  }
  const planned = doc.parcels.find((p) => p.id === input.parcelId);
  if (planned) return { planId: job.id, status: 'planned' as const, ...planned };
  const held = doc.held.find((h) => h.id === input.parcelId);
  if (held) return { planId: job.id, status: 'held' as const, id: held.id, reason: held.reason };
  throw new LandbridgeError('not-found', `parcel ${input.parcelId} is not in plan ${job.id}`);
}

/** Plan jobs a seller may have queued or running at once: `LANDBRIDGE_PLAN_JOBS_PER_SELLER`, default 2. */
export function planJobsPerSeller(): number {
  const env = process.env.LANDBRIDGE_PLAN_JOBS_PER_SELLER;
  return env && /^\d+$/.test(env) && Number(env) >= 1 ? Number(env) : 2;
}

/** Plans as jobs: queue one (202), follow it, read its result and its parcels as CSV. */
export function plansRoutes(
  store: Store,
  pool?: TaskPool,
  jobs?: JobQueue,
  hub?: Pick<Hub, 'network'>,
): FastifyPluginAsyncZod {
  return async (app) => {
    /** The caller's job with its plan as stored JSON text (not parsed here). */
    const own = async (id: string, principal: ReturnType<typeof principalOf>) => {
      const job = await store.plans.getText(id);
      // Plans are the hub's (the operator starts them); a seller reads its own parcels' place in them.
      if (
        !job ||
        (principal.role === 'seller' && job.sellerId !== undefined && job.sellerId !== principal.sellerId)
      ) {
        throw new LandbridgeError('not-found', `no plan ${id}`);
      }
      return job;
    };
    /** The ids of a seller's parcels, to cut a plan down to them. */
    const sellerParcelIds = async (sellerId: string): Promise<Set<string>> => {
      const ids = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await store.parcels.list({ sellerId, limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const p of page.items) ids.add(p.id);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };
    /** Reads a stored plan: a big one in a worker thread (parsing 30 MB holds a loop 0.3 s), a small one here. */
    const read = async <K extends PlanRead['kind']>(
      job: Awaited<ReturnType<typeof own>>,
      ask: Omit<Extract<PlanRead, { kind: K }>, 'job' | 'resultJson' | 'resultGzip'> & { kind: K },
    ) => {
      const { resultJson, resultGzip, ...meta } = job;
      const input = {
        ...ask,
        job: meta,
        ...(resultJson !== undefined ? { resultJson } : {}),
        ...(resultGzip !== undefined ? { resultGzip } : {}),
      } as PlanRead;
      if (
        pool &&
        (resultGzip !== undefined || (resultJson !== undefined && resultJson.length > PLAN_INLINE_CHARS))
      )
        return pool.run('plan-read', input, { timeoutMs: 60_000 });
      return readPlan(input);
    };
    const done = (job: Awaited<ReturnType<typeof own>>) => {
      if (job.status !== 'done' || (job.resultJson === undefined && job.resultGzip === undefined))
        throw new LandbridgeError('conflict', `plan ${job.id} is ${job.status}`);
    };
    const send = (reply: FastifyReply, out: unknown, type: string) => {
      if (!(out instanceof Uint8Array)) return out;
      reply.type(type).send(Buffer.from(out.buffer, out.byteOffset, out.byteLength) as never);
      return reply;
    };

    app.post(
      '/v1/plans',
      {
        schema: {
          tags: ['plans'],
          summary: 'Queue a consolidation plan of the parcels ready in a window (the operator’s)',
          description:
            'Answers 202 Accepted at once with the queued job and a Location header; follow it at GET /v1/plans/{id}. ' +
            'With basePlanId and a disruption, re-plans a finished plan around it.',
          security: [{ apiKey: [] }],
          body: PlanParamsSchema,
          response: { 202: PlanView, 429: ProblemSchema },
        },
      },
      async (request, reply) => {
        const problems = hub ? disruptionProblems(hub.network, request.body.disruption) : [];
        if (problems.length > 0)
          throw new LandbridgeError(
            'invalid-input',
            problems[0]!.why,
            problems.map((p) => ({ where: { field: p.field }, why: p.why })),
          );
        // Planning is the operator's (the access table refuses a seller key with 403 before this runs).
        const job = await store.plans.create(request.body);
        // On pg-boss the plan's job is sent now; a send lost here is sent by the workers' reconciler.
        if (jobs) await sendPlanJob(jobs, job.id).catch(() => {});
        reply.code(202).header('location', `/v1/plans/${job.id}`);
        return view(job);
      },
    );

    app.get(
      '/v1/plans',
      {
        schema: {
          tags: ['plans'],
          summary: 'Plans, newest first',
          security: [{ apiKey: [] }],
          response: { 200: PlanListView },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const jobs = (await store.plans.listSummaries({})).filter(
          (j) =>
            principal.role === 'operator' || j.sellerId === undefined || j.sellerId === principal.sellerId,
        );
        return { plans: jobs.map(({ hasResult, ...j }) => ({ ...view(j), hasResult })) };
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
          response: { 200: PlanView },
        },
      },
      async (request, reply) => {
        const job = await own(request.params.id, principalOf(request));
        // Bytes written by `read` (in a worker for a big plan) go out as they are, past the serializer.
        return send(reply, await read(job, { kind: 'view' }), 'application/json') as unknown as PlanBody;
      },
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
          response: { 200: PlanParcelView },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const job = await own(request.params.id, principal);
        if (
          principal.role === 'seller' &&
          !(await store.parcels.get(request.params.parcelId, { sellerId: principal.sellerId! }))
        )
          throw new LandbridgeError(
            'not-found',
            `parcel ${request.params.parcelId} is not in plan ${job.id}`,
          );
        done(job);
        return (await read(job, { kind: 'parcel', parcelId: request.params.parcelId })) as z.input<
          typeof PlanParcelView
        >;
      },
    );

    app.get(
      '/v1/plans/:id/containers/:containerId',
      {
        schema: {
          tags: ['plans'],
          summary:
            "One container of a plan with its parcels' ids, sizes and weights (a seller key: its own parcels in it)",
          security: [{ apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(100), containerId: z.string().min(1).max(200) }),
          response: { 200: PlanContainerContents },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const job = await own(request.params.id, principal);
        done(job);
        const { departureId, container, ids } = (await read(job, {
          kind: 'container',
          containerId: request.params.containerId,
        })) as { departureId: string; container: Record<string, unknown>; ids: string[] };
        const sellerId = principal.role === 'seller' ? principal.sellerId! : undefined;
        const found = await Promise.all(ids.map((id) => store.parcels.get(id, sellerId ? { sellerId } : {})));
        return {
          planId: job.id,
          departureId,
          container,
          parcels: found
            .filter((p) => p !== undefined)
            .map((p) => ({
              id: p.id,
              externalOrderId: p.externalOrderId,
              sellerId: p.sellerId,
              grossWeightG: p.grossWeightG,
              lengthMm: p.dimensions.lengthMm,
              widthMm: p.dimensions.widthMm,
              heightMm: p.dimensions.heightMm,
            })),
        } as z.input<typeof PlanContainerContents>;
      },
    );

    app.get(
      '/v1/plans/:id/parcels.csv',
      {
        schema: {
          tags: ['plans'],
          summary:
            'The plan as CSV: a row a parcel (departures, containers, gateway, dates, cost); a seller: its own parcels',
          security: [{ apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(100) }),
          response: {
            200: {
              description:
                'parcel_id,departure_ids,container_ids,gateway,delivery_date,promised_date,late_days,cost_minor,currency',
              content: { 'text/csv': { schema: z.string() } },
            },
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const job = await own(request.params.id, principal);
        done(job);
        const only =
          principal.role === 'seller' ? [...(await sellerParcelIds(principal.sellerId!))] : undefined;
        return send(
          reply,
          await read(job, { kind: 'csv', ...(only ? { only } : {}) }),
          'text/csv; charset=utf-8',
        ) as unknown as string;
      },
    );
  };
}
