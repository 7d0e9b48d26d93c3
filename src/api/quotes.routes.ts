import type { FastifySchemaCompiler } from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LandbridgeError } from '../domain/index.ts';
import { landedCost } from '../duties/index.ts';
import { toLocalIso } from '../network/index.ts';
import {
  type LandedCostHook,
  type QuoteAnswer,
  type QuoteOption,
  type QuoteRequest,
  QuoteRequestSchema,
  quoteItineraries,
} from '../quote/index.ts';
import { hubContextKey } from '../workers/hub-context.ts';
import type { TaskPool } from '../workers/index.ts';
import { unknownHsCodeProblems } from './hs-codes.ts';
import type { Hub } from './hub.ts';

/** The largest batch `POST /v1/quotes` takes. */
export const MAX_QUOTE_BATCH = 1_000;

/** From this many requests a batch is answered in a worker thread (the answer of 1,000 is ~16 MB). */
export const POOL_BATCH = 50;

/** A quote or batch that has not answered in this time is stopped (503 with Retry-After). */
const QUOTE_BATCH_TIMEOUT_MS = 30_000;

const OptionView = z.object({
  id: z.string(),
  labels: z.array(z.enum(['fastest', 'cheapest', 'greenest'])),
  corridors: z.array(z.string()),
  modes: z.array(z.string()),
  readyAt: z.string(),
  departAt: z.string().describe('First departure from the origin area, local time'),
  arriveGatewayAt: z.string(),
  gateway: z.string(),
  deliveryDate: z.string(),
  transitDays: z.number().int(),
  meetsPromise: z.boolean().optional(),
  landedCost: z
    .object({
      ok: z.boolean(),
      totalMinor: z.number().int(),
      buyerAtCheckoutMinor: z.number().int(),
      buyerAtDoorMinor: z.number().int(),
      sellerMinor: z.number().int(),
      ruleSetId: z.string(),
      source: z.string(),
      message: z.string().optional(),
    })
    .optional(),
  cost: z.object({
    totalMinor: z.number().int(),
    currency: z.string(),
    components: z.array(
      z.object({
        kind: z.string(),
        label: z.string(),
        amountMinor: z.number().int(),
        original: z.object({ amountMinor: z.number().int(), currency: z.string() }),
      }),
    ),
  }),
  co2eKg: z.number(),
  legs: z.array(
    z.object({
      kind: z.enum(['transfer', 'ride']),
      mode: z.string(),
      from: z.string(),
      to: z.string(),
      departAt: z.string(),
      arriveAt: z.string(),
      serviceId: z.string().optional(),
      departureId: z.string().optional(),
      co2eKg: z.number(),
    }),
  ),
});

const AnswerView = z.union([
  z.object({ ok: z.literal(true), options: z.array(OptionView) }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);

function optionView(o: QuoteOption, zones: ReadonlyMap<string, string>): z.infer<typeof OptionView> {
  const at = (ms: number, node: string) => toLocalIso(ms, zones.get(node) ?? 'UTC');
  const firstRide = o.legs.find((l) => l.kind === 'ride') ?? o.legs[0]!;
  const origin = o.legs[0]?.from ?? o.gateway;
  return {
    id: o.id,
    labels: [...o.labels],
    corridors: [...o.corridors],
    modes: [...o.modes],
    readyAt: at(o.readyAtMs, origin),
    departAt: at(firstRide.departAtMs, firstRide.from),
    arriveGatewayAt: at(o.arriveGatewayAtMs, o.gateway),
    gateway: o.gateway,
    deliveryDate: o.deliveryDate,
    transitDays: o.transitDays,
    ...(o.meetsPromise !== undefined ? { meetsPromise: o.meetsPromise } : {}),
    ...(o.landedCost ? { landedCost: { ...o.landedCost } } : {}),
    cost: { totalMinor: o.costMinor, currency: o.currency, components: o.components.map((c) => ({ ...c })) },
    co2eKg: Math.round(o.co2eG) / 1000,
    legs: o.legs.map((l) => ({
      kind: l.kind,
      mode: l.mode,
      from: l.from,
      to: l.to,
      departAt: at(l.departAtMs, l.from),
      arriveAt: at(l.arriveAtMs, l.to),
      ...(l.serviceId !== undefined ? { serviceId: l.serviceId } : {}),
      ...(l.departureId !== undefined ? { departureId: l.departureId } : {}),
      co2eKg: Math.round(l.co2eG) / 1000,
    })),
  };
}

/** The landed-cost hook of a quote: the request's items imported at its destination. */
function landedCostHook(hub: Hub, request: QuoteRequest): LandedCostHook | undefined {
  const landed = hub.landed;
  const shipment = request.shipment;
  if (!landed || shipment.kind !== 'parcel' || shipment.items.length === 0) return undefined;
  return (shippingMinor, channel, date) => {
    const r = landedCost(
      {
        destination: request.destination.country,
        date,
        items: shipment.items,
        shippingMinor,
        costsCurrency: request.currency,
        incoterm: request.incoterm,
        channel,
        grossWeightG: shipment.grossWeightG,
        currency: request.currency,
      },
      landed.rules,
      landed.fx,
    );
    if (!r.ok) {
      return {
        ok: false,
        totalMinor: 0,
        buyerAtCheckoutMinor: 0,
        buyerAtDoorMinor: 0,
        sellerMinor: 0,
        ruleSetId: '',
        source: '',
        message: r.message,
      };
    }
    return {
      ok: true,
      totalMinor: r.totals.total.answerMinor,
      buyerAtCheckoutMinor: r.totals.buyerAtCheckout.answerMinor,
      buyerAtDoorMinor: r.totals.buyerAtDoor.answerMinor,
      sellerMinor: r.totals.seller.answerMinor,
      ruleSetId: r.ruleSet.id,
      source: r.ruleSet.sources[0]?.title ?? '',
    };
  };
}

/** The answer of `POST /v1/quotes`: one request's answer, or a batch's results. */
export const QuoteResponseView = z.union([AnswerView, z.object({ results: z.array(AnswerView) })]);

/**
 * The JSON of one request's answer as the route's serialiser writes it (the response schema's
 * encoding, then `JSON.stringify`), for the worker that answered it.
 */
export function quoteAnswerJson(answer: z.infer<typeof AnswerView>): string {
  return JSON.stringify(z.encode(QuoteResponseView, answer));
}

/** Answers a quote request through the hub's index; the shape the API and CLI print. */
export function answerQuote(hub: Hub, request: QuoteRequest): z.infer<typeof AnswerView> {
  const hook = landedCostHook(hub, request);
  const answer: QuoteAnswer = quoteItineraries(hub.quoteIndex(), request, {
    fx: hub.fx,
    ...(hook ? { landedCost: hook } : {}),
  });
  if (!answer.ok) return { ok: false, code: answer.code, message: answer.message };
  const zones = new Map(hub.network.nodes.map((n) => [n.id, n.zone]));
  return { ok: true, options: answer.options.map((o) => optionView(o, zones)) };
}

const QuoteBatchSchema = z.object({ requests: z.array(QuoteRequestSchema).min(1).max(MAX_QUOTE_BATCH) });

/**
 * Validates a quote body against the one shape it chose (`requests` present: a batch; else one request),
 * so that each problem names its field (`readyAt`, `requests.3.shipment.kind`) instead of a union's bare
 * "Invalid input".
 */
// biome-ignore lint/suspicious/noExplicitAny: Fastify types a route's compiler by the route's own schema
const oneOrBatchValidator: FastifySchemaCompiler<any> = (route) => {
  if (route.httpPart !== 'body') return validatorCompiler(route);
  const one = validatorCompiler({ ...route, schema: QuoteRequestSchema });
  const batch = validatorCompiler({ ...route, schema: QuoteBatchSchema });
  return (data: unknown) =>
    (typeof data === 'object' && data !== null && 'requests' in data ? batch : one)(data);
};

/** `POST /v1/quotes`: one request, or `{ requests: [...] }` of up to 1,000. */
export function quotesRoutes(
  hub: Hub,
  pool: TaskPool,
  nowMs: () => number = Date.now,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/quotes',
      {
        validatorCompiler: oneOrBatchValidator,
        schema: {
          tags: ['quotes'],
          summary:
            'Pareto-optimal itineraries over delivery time, cost and CO2e, for one shipment or a batch',
          description:
            'A shipment is a parcel (delivered to the door), loose cargo (lcl) or full containers (fcl), both delivered at the gateway. ' +
            'Each option lists its legs in local times, the cost by component in the requested currency, CO2e (t·km × intensity per leg) and labels fastest / cheapest / greenest. ' +
            'A request no itinerary can serve answers ok: false with a code and the reason.',
          security: [{ apiKey: [] }],
          body: z.union([QuoteRequestSchema, QuoteBatchSchema]),
          response: { 200: QuoteResponseView },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const unknownCodes =
          'requests' in body
            ? body.requests.flatMap((r, i) =>
                unknownHsCodeProblems(r.shipment.items, `requests.${i}.shipment.items`, hub.landed?.rules.hs),
              )
            : unknownHsCodeProblems(body.shipment.items, 'shipment.items', hub.landed?.rules.hs);
        if (unknownCodes.length > 0) {
          throw new LandbridgeError(
            'invalid-input',
            `${unknownCodes.length} item line${unknownCodes.length === 1 ? '' : 's'} with an HS code that does not exist; nothing was quoted`,
            unknownCodes,
          );
        }
        const landed = hub.landed;
        const context = landed && { network: hub.network, rules: landed.rules, fxTables: landed.fx };
        if ('requests' in body) {
          if (!context || body.requests.length < POOL_BATCH)
            return { results: body.requests.map((r) => answerQuote(hub, r)) };
          // a big batch is answered in a worker thread, its JSON written there: the loop stays free
          const hubKey = hubContextKey(context);
          const bytes = await pool.run(
            'quotes',
            { hubKey, nowMs: nowMs(), requests: body.requests },
            { context: { key: hubKey, value: () => context }, timeoutMs: QUOTE_BATCH_TIMEOUT_MS },
          );
          // the bytes are the schema's JSON already, written in the worker by the same view functions
          const json = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          reply.type('application/json').send(json as never);
          return reply;
        }
        const origin = body.origin;
        if (origin !== undefined && !hub.network.nodes.some((n) => n.id === origin)) {
          throw new LandbridgeError('invalid-input', `unknown origin ${origin}`, [
            { where: { field: 'origin' }, why: `no node ${origin} in the network` },
          ]);
        }
        if (!context) return answerQuote(hub, body);
        // One quote is milliseconds of CPU (its landed costs, its local times): answered in a worker
        // thread too, its JSON written there by the response schema, so that quotes do not hold the loop.
        const hubKey = hubContextKey(context);
        const bytes = await pool.run(
          'quote',
          { hubKey, nowMs: nowMs(), request: body },
          { context: { key: hubKey, value: () => context }, timeoutMs: QUOTE_BATCH_TIMEOUT_MS },
        );
        const json = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        reply.type('application/json; charset=utf-8').send(json as never);
        return reply;
      },
    );
  };
}
