import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PARCEL_STATUSES } from '../domain/index.ts';
import type { TrackingData } from '../files/index.ts';
import {
  calibrationReport,
  EXCEPTION_KINDS,
  exceptionQueue,
  parcelJourney,
  trackPublic,
} from '../journey/index.ts';
import type { Store } from '../store/index.ts';
import { EVENT_CODES, pickLanguage, TRACKING_LANGUAGES } from '../tracking/index.ts';
import { principalOf, requireOperator } from './auth.ts';
import type { Hub } from './hub.ts';
import { ProblemSchema, problemResponses } from './journey.schemas.ts';
import { type ClientBudget, perClientLimiter } from './rate-limit.ts';

const Instant = z.string().describe('UTC instant, ISO 8601');
const EtaWindowView = z.object({
  p10: Instant.describe('Earliest likely delivery (P10)'),
  p50: Instant.describe('Likeliest delivery (P50)'),
  p90: Instant.describe('Latest likely delivery (P90)'),
  basis: z
    .enum(['observed', 'default', 'mixed'])
    .describe('Whether the durations come from events or defaults'),
  updatedAt: Instant.nullable(),
});

export const PublicTrackingView = z.object({
  number: z.string(),
  kind: z.enum(['hub', 's10']),
  language: z.enum(TRACKING_LANGUAGES),
  status: z.enum(PARCEL_STATUSES),
  statusLabel: z.string(),
  destinationCountry: z.string(),
  milestones: z.array(
    z.object({
      code: z.enum(EVENT_CODES),
      label: z.string(),
      at: z.string().describe('ISO 8601 in the offset where it happened'),
      place: z.object({ city: z.string().optional(), country: z.string().optional() }).nullable(),
    }),
  ),
  eta: z
    .object({ label: z.string(), earliest: Instant, likely: Instant, latest: Instant, basis: z.string() })
    .nullable(),
  lastMile: z.object({ carrier: z.string().nullable(), number: z.string().nullable() }).nullable(),
});

const TimelineEventView = z.object({
  eventId: z.string(),
  code: z.enum(EVENT_CODES),
  classifier: z.enum(['PLN', 'EST', 'ACT']),
  eventTime: z.string().describe('ISO 8601 in the offset where it happened'),
  recordedAt: Instant,
  place: z.object({
    node: z.string().nullable(),
    locode: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
  }),
  actor: z.string(),
  viaContainer: z.string().nullable().describe("Set when the parcel followed its container's event"),
  departureId: z.string().nullable(),
  reason: z.object({ code: z.string(), text: z.string().nullable() }).nullable(),
  measured: z
    .object({
      weightG: z.number().int(),
      lengthMm: z.number().int().optional(),
      widthMm: z.number().int().optional(),
      heightMm: z.number().int().optional(),
    })
    .nullable(),
  carrier: z.string().nullable(),
  lastMileNumber: z.string().nullable(),
  exception: z.string().nullable(),
  retracted: z.boolean(),
  simulated: z.boolean(),
  statusAfter: z.string().nullable(),
});

export const ReweighView = z.object({
  parcelId: z.string(),
  trackingNumber: z.string(),
  declaredWeightG: z.number().int(),
  measuredWeightG: z.number().int(),
  deltaG: z.number().int(),
  declaredVolumeMm3: z.number().int(),
  measuredVolumeMm3: z.number().int().nullable(),
  flagged: z.boolean().describe('Beyond the tolerance: 50 g and 5 % of the weight, or 10 % of the volume'),
});

export const ParcelJourneyView = z.object({
  parcelId: z.string(),
  sellerId: z.string(),
  externalOrderId: z.string(),
  trackingNumber: z.string(),
  status: z.enum(PARCEL_STATUSES),
  stage: z.string(),
  hold: z.object({ kind: z.enum(['export', 'import']), reason: z.string().nullable() }).nullable(),
  containerId: z.string().nullable(),
  destinationCountry: z.string(),
  lastMile: z.object({ carrier: z.string().nullable(), number: z.string().nullable() }).nullable(),
  route: z
    .object({
      planId: z.string().nullable(),
      rides: z.array(z.object({ departureId: z.string(), to: z.string() })),
      gateway: z.string(),
      zoneId: z.string().nullable(),
    })
    .nullable(),
  eta: EtaWindowView.nullable(),
  reweigh: ReweighView.nullable(),
  milestones: z.object({
    receivedAt: Instant.nullable(),
    departedAt: Instant.nullable(),
    arrivedAt: Instant.nullable(),
    handedOverAt: Instant.nullable(),
    deliveredAt: Instant.nullable(),
  }),
  exception: z.object({ why: z.string(), at: Instant.nullable() }).nullable(),
  sequence: z.number().int(),
  events: z.array(TimelineEventView),
});

const CalibrationView = z.object({
  nominal: z.number(),
  delivered: z.number().int(),
  inside: z.number().int(),
  early: z.number().int(),
  late: z.number().int(),
  coverage: z.number().nullable().describe('Share of deliveries inside the P10–P90 window'),
  suggestedWidthFactor: z.number().nullable(),
});

/** Public tracking by number: no key, rate-limited per client. Registered outside the keyed `/v1`. */
export function trackRoutes(
  store: Store,
  data: () => TrackingData,
  rate: ClientBudget,
  nowMs: () => number,
): FastifyPluginAsyncZod {
  return async (app) => {
    const limiter = perClientLimiter(rate, nowMs);
    app.get(
      '/v1/track/:number',
      {
        onRequest: limiter,
        schema: {
          tags: ['tracking'],
          summary: 'Track a parcel by its number (no key): milestones, places at city level, the ETA window',
          description:
            "The hub's tracking number (LB + 11 digits, Luhn check digit) or the last mile's UPU S10 number (check digit validated). " +
            'Labels in the language of `lang` or Accept-Language (en, zh-CN, ru, pl, de). Never the consignee’s name, address or phone. ' +
            `Rate-limited per client (${rate.limit} per ${Math.round(rate.windowMs / 1000)} s): 429 with Retry-After beyond.`,
          params: z.object({ number: z.string().min(1).max(40) }),
          querystring: z.object({ lang: z.string().max(35).optional() }),
          response: { 200: PublicTrackingView, 404: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (request, reply) => {
        const language = pickLanguage(request.query.lang ?? request.headers['accept-language']);
        // any hub's parcel: tracking numbers are unique across hubs, and a buyer has no key to name one
        const view = await trackPublic(store, undefined, request.params.number, language, data());
        reply.header('cache-control', 'public, max-age=60');
        reply.header('content-language', language);
        return { ...view, milestones: [...view.milestones] };
      },
    );
  };
}

/** A parcel's journey (its seller, the operator), the exceptions queue and ETA calibration (operator). */
export function journeyRoutes(store: Store, hub: Hub, nowMs: () => number): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/parcels/:id/journey',
      {
        schema: {
          tags: ['tracking'],
          summary:
            "A parcel's journey: events (its own and its container's), state, ETA P10–P90, re-weigh audit",
          description: 'A seller key reads only its own parcels (another’s answers 404).',
          security: [{ apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(100) }),
          response: { 200: ParcelJourneyView, ...problemResponses(404) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        return parcelJourney(store, hub.network.hub, request.params.id, {
          ...(principal.role === 'seller' ? { sellerId: principal.sellerId! } : {}),
        });
      },
    );

    app.get(
      '/v1/hub/exceptions',
      {
        schema: {
          tags: ['hub'],
          summary:
            "The operator's exceptions queue: customs holds, failed deliveries, re-weigh differences, late departures",
          security: [{ apiKey: [] }],
          querystring: z.object({
            kind: z.enum(EXCEPTION_KINDS).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: {
            200: z.object({
              counts: z.object(
                Object.fromEntries(EXCEPTION_KINDS.map((k) => [k, z.number().int()])) as Record<
                  (typeof EXCEPTION_KINDS)[number],
                  z.ZodNumber
                >,
              ),
              items: z.array(
                z.object({
                  kind: z.enum(EXCEPTION_KINDS),
                  parcelId: z.string().nullable(),
                  trackingNumber: z.string().nullable(),
                  sellerId: z.string().nullable(),
                  status: z.string().nullable(),
                  departureId: z.string().nullable(),
                  since: Instant,
                  detail: z.string(),
                }),
              ),
            }),
            ...problemResponses(403),
          },
        },
      },
      async (request) => {
        requireOperator(request);
        const q = request.query;
        const r = await exceptionQueue(store, hub.network.hub, {
          nowMs: nowMs(),
          limit: q.limit,
          ...(q.kind ? { kind: q.kind } : {}),
        });
        return { counts: r.counts, items: [...r.items] };
      },
    );

    app.get(
      '/v1/hub/eta/calibration',
      {
        schema: {
          tags: ['hub'],
          summary:
            'ETA calibration: how often deliveries landed inside the P10–P90 window published at departure',
          security: [{ apiKey: [] }],
          querystring: z.object({ days: z.coerce.number().int().min(1).max(365).default(90) }),
          response: {
            200: z.object({
              since: Instant,
              overall: CalibrationView,
              byGateway: z.array(CalibrationView.extend({ gateway: z.string() })),
            }),
            ...problemResponses(403),
          },
        },
      },
      async (request) => {
        requireOperator(request);
        const r = await calibrationReport(store, hub.network.hub, {
          nowMs: nowMs(),
          days: request.query.days,
        });
        return { ...r, byGateway: [...r.byGateway] };
      },
    );
  };
}
