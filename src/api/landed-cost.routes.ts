import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LandbridgeError } from '../domain/index.ts';
import {
  type LandedCostFailure,
  type LandedCostRequest,
  LandedCostRequestSchema,
  landedCost,
} from '../duties/index.ts';
import type { Hub } from './hub.ts';

/** Failures that are the caller's to fix (422) versus gaps in Landbridge's data (503). */
const DATA_GAPS = new Set(['missing-fx-rate', 'no-vat-rate']);

/** Turns an expected landed-cost failure into the one error type of the API. */
export function landedCostError(f: LandedCostFailure): LandbridgeError {
  const field =
    f.kind === 'not-an-hs-code'
      ? f.field
      : f.kind === 'unknown-destination'
        ? 'destination'
        : f.kind === 'unknown-hs-code'
          ? 'items'
          : f.kind === 'no-rule-in-force'
            ? 'date'
            : undefined;
  return new LandbridgeError(DATA_GAPS.has(f.kind) ? 'unavailable' : 'invalid-input', f.message, [
    {
      where: field ? { field } : {},
      why: f.kind === 'not-an-hs-code' ? f.message : `${f.kind}: ${f.message}`,
    },
  ]);
}

/** Answers a landed-cost request against the hub's rules, or throws the failure as a `LandbridgeError`. */
export function answerLandedCost(hub: Hub, request: LandedCostRequest) {
  if (!hub.landed) throw new LandbridgeError('unavailable', 'landed-cost rules are not loaded');
  const r = landedCost(request, hub.landed.rules, hub.landed.fx);
  if (!r.ok) throw landedCostError(r);
  return r;
}

const Amount = z.looseObject({ minor: z.number().int(), answerMinor: z.number().int() });

/** A landed-cost answer: the amounts every client reads typed; each line as the rules computed it. */
const LandedCostView = z.looseObject({
  ok: z.literal(true),
  destination: z.string(),
  date: z.string(),
  currency: z.string().describe('Currency duties and taxes are assessed in (the rule set’s)'),
  answerCurrency: z.string().describe('Currency of every answerMinor'),
  ruleSet: z.looseObject({
    id: z.string(),
    name: z.string(),
    validFrom: z.string(),
    sources: z.array(z.looseObject({})),
  }),
  customsValue: Amount,
  duties: z.array(z.looseObject({})),
  vat: z.array(z.looseObject({})),
  fees: z.array(z.looseObject({})),
  totals: z.looseObject({ total: Amount }),
  notes: z.array(z.string()),
});

/** `POST /v1/landed-cost`: duties, VAT/GST and fees of a parcel at a destination on a date, with the rule and source of each. */
export function landedCostRoutes(hub: Hub): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/landed-cost',
      {
        schema: {
          tags: ['landed cost'],
          summary:
            'Landed cost: customs value, duty, VAT/GST, fees, total and who collects each, with the rule set and source',
          description:
            'Rules are data (data/duties/*.yaml), dated: a date before a change gets the rule then in force. An unknown destination or HS code is refused with its name (422); a gap in the rate tables answers 503.',
          security: [{ apiKey: [] }],
          body: LandedCostRequestSchema,
          response: { 200: LandedCostView },
        },
      },
      // The view types lines loosely; the result is readonly data of the same shape.
      async (request) =>
        answerLandedCost(hub, request.body as LandedCostRequest) as unknown as z.output<
          typeof LandedCostView
        >,
    );
  };
}
