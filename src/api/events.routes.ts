import type { FastifySchemaCompiler } from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LandbridgeError } from '../domain/index.ts';
import type { TrackingData } from '../files/index.ts';
import { MAX_EVENT_BATCH, recordEvents, refreshEta } from '../journey/index.ts';
import type { Store } from '../store/index.ts';
import { EventInputSchema, fastEventInput } from '../tracking/index.ts';
import { principalOf } from './auth.ts';
import type { Hub } from './hub.ts';
import { problemResponses } from './journey.schemas.ts';

const SELLER_CODES = new Set(['ANNOUNCED', 'ACCEPTED', 'CANCELLED']);

export const RecordResultView = z.object({
  recorded: z.number().int().describe('Events stored for the first time'),
  replaced: z.number().int().describe('Later versions that replaced an earlier one'),
  retracted: z.number().int(),
  duplicates: z.number().int().describe('Events already stored at this version: nothing done'),
  exceptions: z
    .array(z.object({ row: z.number().int(), eventId: z.string(), why: z.string() }))
    .describe('Events kept although they skip milestones (a partner abroad missed some)'),
  parcelsChanged: z.number().int(),
  webhooksQueued: z.number().int(),
  delayedDepartures: z.array(
    z.object({ departureId: z.string(), estimatedAt: z.string(), eventId: z.string() }),
  ),
});

/**
 * The batch's body: each event through the intake's hot path (`fastEventInput`, several times faster
 * than the schema); when any event or the envelope is off, the schema itself, whose issues name the
 * problems as before. Both give the same value for a good batch (a test in src/tracking holds them to it).
 */
// biome-ignore lint/suspicious/noExplicitAny: Fastify types a route's compiler by the route's own schema
const eventBatchValidator: FastifySchemaCompiler<any> = (route) => {
  const bySchema = validatorCompiler(route);
  if (route.httpPart !== 'body') return bySchema;
  return (data: unknown) => {
    const events = (data as { events?: unknown } | null)?.events;
    if (!Array.isArray(events) || events.length < 1 || events.length > MAX_EVENT_BATCH) return bySchema(data);
    const parsed = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = fastEventInput(events[i]);
      if (event === undefined) return bySchema(data);
      parsed[i] = event;
    }
    return { value: { events: parsed } };
  };
};

/** Tracking events: the one intake path, as a batch of up to 10,000, all or nothing. */
export function eventsRoutes(
  store: Store,
  hub: Hub,
  nowMs: () => number,
  data?: () => TrackingData,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/events',
      {
        validatorCompiler: eventBatchValidator,
        schema: {
          tags: ['tracking'],
          summary: `Record a batch of up to ${MAX_EVENT_BATCH} tracking events, all or nothing`,
          description:
            'Events of parcels (parcelId or trackingNumber), containers (containerId) or departures (departureId, PLN/EST only). ' +
            'Each is checked against the parcel and container state machines in time order; a bad event (unknown parcel, time in the future, ' +
            'impossible transition, bad place) answers 422 naming its row (position in the batch, from 1) and field, and nothing is written. ' +
            'The eventId makes a repeat harmless; a later updatedAt replaces; retracted withdraws. ' +
            'The operator records any event; a seller key records ANNOUNCED, ACCEPTED and CANCELLED of its own parcels.',
          security: [{ apiKey: [] }],
          body: z.object({ events: z.array(EventInputSchema).min(1).max(MAX_EVENT_BATCH) }),
          response: { 201: RecordResultView, ...problemResponses(403, 413, 422) },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const { events } = request.body;
        if (principal.role === 'seller') {
          const foreign = events.flatMap((e, i) =>
            !SELLER_CODES.has(e.code) || (e.parcelId === undefined && e.trackingNumber === undefined)
              ? [
                  {
                    where: { row: i + 1, field: 'code' },
                    why: `a seller key records only ANNOUNCED, ACCEPTED and CANCELLED of its own parcels, not ${e.code}`,
                  },
                ]
              : [],
          );
          if (foreign.length > 0)
            throw new LandbridgeError('forbidden', 'the hub records these events, not a seller', foreign);
        }
        const now = nowMs();
        const result = await recordEvents(store, events, {
          hubId: hub.network.hub,
          network: hub.network,
          actor:
            principal.role === 'seller'
              ? { role: 'seller', sellerId: principal.sellerId! }
              : { role: 'operator' },
          nowMs: now,
          // the body validator parsed every event already (the schema's output either way)
          parsed: true,
        });
        // Every event moves the ETA of the parcels it touched (and those sharing their routes).
        if (data && result.parcelsChanged.length > 0)
          await refreshEta(store, {
            hubId: hub.network.hub,
            network: hub.network,
            defaults: data().durations,
            nowMs: now,
            parcelIds: result.parcelsChanged,
            notify: { stamp: String(now), causeEventId: events[0]!.eventId },
          });
        reply.code(201);
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
      },
    );
  };
}
