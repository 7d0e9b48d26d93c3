import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InstantSchema } from '../domain/index.ts';
import type { TrackingData } from '../files/index.ts';
import {
  adoptPlan,
  applyDisruption,
  confirmDeparture,
  DisruptionReportSchema,
  loadDeparture,
  MAX_EVENT_BATCH,
  receiveParcels,
  recomputeEta,
  refreshEta,
} from '../journey/index.ts';
import type { Store } from '../store/index.ts';
import { requireOperator } from './auth.ts';
import { RecordResultView } from './events.routes.ts';
import type { Hub } from './hub.ts';
import { ReweighView } from './journey.routes.ts';
import { problemResponses } from './journey.schemas.ts';

const DepartureParams = z.object({
  id: z
    .string()
    .min(1)
    .max(120)
    .describe('A dated departure: service@YYYY-MM-DDTHH:MM in the origin’s local time (URL-encoded)'),
});

/** The intake result as the API shows it. */
export function recordResultView(result: Awaited<ReturnType<typeof receiveParcels>>['result']) {
  return {
    ...result,
    exceptions: [...result.exceptions],
    parcelsChanged: result.parcelsChanged.length,
    delayedDepartures: result.delayedDepartures.map((d) => ({
      departureId: d.departureId,
      estimatedAt: new Date(d.estimatedMs).toISOString(),
      eventId: d.eventId,
    })),
  };
}

const EtaRunView = z.object({
  groups: z.number().int(),
  parcels: z.number().int(),
  webhooksQueued: z.number().int(),
});

/**
 * The hub's own actions (operator only): receiving scans with the re-weigh audit, adopting a plan,
 * closing and loading a departure's containers from it, confirming a departure. Each writes its
 * events through the one intake, all or nothing, and brings the ETA of the parcels it moved up to date.
 */
export function hubActionRoutes(
  store: Store,
  hub: Hub,
  data: () => TrackingData,
  nowMs: () => number,
): FastifyPluginAsyncZod {
  return async (app) => {
    const ctx = () => ({ hubId: hub.network.hub, network: hub.network, nowMs: nowMs() });
    const eta = async (parcelIds: readonly string[], causeEventId: string) => {
      const c = ctx();
      return refreshEta(store, {
        ...c,
        defaults: data().durations,
        parcelIds,
        notify: { stamp: String(c.nowMs), causeEventId },
      });
    };

    app.post(
      '/v1/hub/receiving',
      {
        schema: {
          tags: ['hub'],
          summary:
            'Receiving scans at the gate with measured weight and dimensions: HUB_RECEIVED and the re-weigh audit',
          description:
            'One scan a parcel (parcelId or trackingNumber), all or nothing. Answers the re-weigh audit: declared against measured weight and volume; ' +
            'a difference beyond 50 g and 5 % of the weight, or 10 % of the volume, is flagged and listed in the exceptions queue.',
          security: [{ apiKey: [] }],
          body: z.object({
            scans: z
              .array(
                z.object({
                  parcelId: z.string().min(1).max(100).optional(),
                  trackingNumber: z.string().min(1).max(40).optional(),
                  weightG: z.number().int().min(1).max(40_000_000),
                  lengthMm: z.number().int().min(1).max(20_000).optional(),
                  widthMm: z.number().int().min(1).max(3_000).optional(),
                  heightMm: z.number().int().min(1).max(3_000).optional(),
                  at: InstantSchema.optional().describe('When it was scanned; now when absent'),
                }),
              )
              .min(1)
              .max(MAX_EVENT_BATCH),
          }),
          response: {
            201: z.object({
              result: RecordResultView,
              reweigh: z.array(ReweighView),
              flagged: z.number().int(),
            }),
            ...problemResponses(403, 422),
          },
        },
      },
      async (request, reply) => {
        requireOperator(request);
        const { result, reweigh } = await receiveParcels(store, request.body.scans, ctx());
        reply.code(201);
        return {
          result: recordResultView(result),
          reweigh: [...reweigh],
          flagged: reweigh.filter((r) => r.flagged).length,
        };
      },
    );

    app.post(
      '/v1/hub/plans/:id/adopt',
      {
        schema: {
          tags: ['hub'],
          summary:
            'Run the hub by a finished plan: routes for the ETA, its departures and containers to operate',
          security: [{ apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(100) }),
          response: {
            200: z.object({
              planId: z.string(),
              parcels: z.number().int(),
              routes: z.number().int(),
              departures: z.number().int(),
              containers: z.number().int(),
              eta: EtaRunView,
            }),
            ...problemResponses(403, 404, 409),
          },
        },
      },
      async (request) => {
        requireOperator(request);
        const c = ctx();
        const adoption = await adoptPlan(store, { ...c, planId: request.params.id, cause: 'operator' });
        const run = await recomputeEta(store, { ...c, defaults: data().durations });
        return {
          ...adoption,
          eta: { groups: run.groups, parcels: run.parcels, webhooksQueued: run.webhooksQueued },
        };
      },
    );

    app.post(
      '/v1/hub/departures/:id/load',
      {
        schema: {
          tags: ['hub'],
          summary: "Close and load a departure's containers from the plan: CONSOLIDATED, GATED_IN, LOADED",
          description:
            'Every planned parcel of the departure that stands received goes into its planned container; parcels not ready are listed as skipped.',
          security: [{ apiKey: [] }],
          params: DepartureParams,
          body: z.object({ planId: z.string().min(1).max(100).optional() }).default({}),
          response: {
            201: z.object({
              departureId: z.string(),
              planId: z.string(),
              containers: z.array(z.object({ containerId: z.string(), parcels: z.number().int() })),
              consolidated: z.number().int(),
              skipped: z.array(z.object({ parcelId: z.string(), status: z.string(), why: z.string() })),
              result: RecordResultView,
            }),
            ...problemResponses(403, 404, 409, 422),
          },
        },
      },
      async (request, reply) => {
        requireOperator(request);
        const planId = request.body?.planId;
        const out = await loadDeparture(store, request.params.id, {
          ...ctx(),
          ...(planId !== undefined ? { planId } : {}),
        });
        reply.code(201);
        return {
          ...out,
          containers: [...out.containers],
          skipped: [...out.skipped],
          result: recordResultView(out.result),
        };
      },
    );

    app.post(
      '/v1/hub/departures/:id/depart',
      {
        schema: {
          tags: ['hub'],
          summary: 'Confirm a departure: each loaded container departs, and every parcel inside with it',
          description:
            'One DEPARTED event a container (EPCIS aggregation: the parcels follow), not one a parcel; the ETA of every parcel on it is recomputed.',
          security: [{ apiKey: [] }],
          params: DepartureParams,
          body: z
            .object({ at: InstantSchema.optional().describe('When it left; now when absent') })
            .default({}),
          response: {
            201: z.object({
              departureId: z.string(),
              containers: z.number().int(),
              result: RecordResultView,
              eta: EtaRunView.nullable(),
            }),
            ...problemResponses(403, 404, 409, 422),
          },
        },
      },
      async (request, reply) => {
        requireOperator(request);
        const at = request.body?.at;
        const out = await confirmDeparture(store, request.params.id, {
          ...ctx(),
          ...(at !== undefined ? { at } : {}),
        });
        const run = await eta(out.result.parcelsChanged, `departed:${out.departureId}`);
        reply.code(201);
        return {
          departureId: out.departureId,
          containers: out.containers,
          result: recordResultView(out.result),
          eta: run ? { groups: run.groups, parcels: run.parcels, webhooksQueued: run.webhooksQueued } : null,
        };
      },
    );

    app.post(
      '/v1/hub/disruptions',
      {
        schema: {
          tags: ['hub'],
          summary:
            'Report a disruption: ETA of every affected parcel, one webhook per subscribed parcel, and a re-plan, in one step',
          description:
            'A dated departure delayed (delayMinutes or estimatedDeparture) or cancelled (effect closed), or a node closed or slowed from–to. ' +
            "The planner's re-plan of the adopted plan is queued (replanId) and adopted by the journey job once done.",
          security: [{ apiKey: [] }],
          body: DisruptionReportSchema,
          response: {
            201: z.object({
              departures: z.array(z.string()),
              routes: z.number().int(),
              parcelsAffected: z.number().int(),
              eta: EtaRunView,
              webhooksQueued: z.number().int(),
              replanId: z.string().nullable(),
              eventIds: z.array(z.string()),
              ms: z.number().int(),
            }),
            ...problemResponses(403, 422),
          },
        },
      },
      async (request, reply) => {
        requireOperator(request);
        const out = await applyDisruption(store, request.body, { ...ctx(), defaults: data().durations });
        reply.code(201);
        return {
          ...out,
          departures: [...out.departures],
          eventIds: [...out.eventIds],
          eta: { groups: out.eta.groups, parcels: out.eta.parcels, webhooksQueued: out.eta.webhooksQueued },
        };
      },
    );
  };
}
