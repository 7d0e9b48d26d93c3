import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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
import { unknownHsCodeProblems } from './hs-codes.ts';
import type { Hub } from './hub.ts';

/** The largest batch `POST /v1/quotes` takes. */
export const MAX_QUOTE_BATCH = 1_000;

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

/** `POST /v1/quotes`: one request, or `{ requests: [...] }` of up to 1,000. */
export function quotesRoutes(hub: Hub): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/quotes',
      {
        schema: {
          tags: ['quotes'],
          summary:
            'Pareto-optimal itineraries over delivery time, cost and CO2e, for one shipment or a batch',
          description:
            'A shipment is a parcel (delivered to the door), loose cargo (lcl) or full containers (fcl), both delivered at the gateway. ' +
            'Each option lists its legs in local times, the cost by component in the requested currency, CO2e (t·km × intensity per leg) and labels fastest / cheapest / greenest. ' +
            'A request no itinerary can serve answers ok: false with a code and the reason.',
          security: [{ apiKey: [] }],
          body: z.union([
            QuoteRequestSchema,
            z.object({ requests: z.array(QuoteRequestSchema).min(1).max(MAX_QUOTE_BATCH) }),
          ]),
          response: {
            200: z.union([AnswerView, z.object({ results: z.array(AnswerView) })]),
          },
        },
      },
      async (request) => {
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
        if ('requests' in body) return { results: body.requests.map((r) => answerQuote(hub, r)) };
        const origin = body.origin;
        if (origin !== undefined && !hub.network.nodes.some((n) => n.id === origin)) {
          throw new LandbridgeError('invalid-input', `unknown origin ${origin}`, [
            { where: { field: 'origin' }, why: `no node ${origin} in the network` },
          ]);
        }
        return answerQuote(hub, body);
      },
    );
  };
}
