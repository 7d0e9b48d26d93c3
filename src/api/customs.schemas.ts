/** The customs routes' schemas and views, shared by their groups (customs.routes.ts and the files it adds). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DECLARATION_STATUSES } from '../customs/index.ts';
import { CurrencySchema } from '../domain/index.ts';
import type { CustomsService } from '../eport/service.ts';
import type { CustomsExchangeJob } from '../jobs/index.ts';
import type { DeclarationRecord } from '../store/index.ts';

/** RFC 9457 problem details as every error leaves the API (see problem.ts). */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    problems: z
      .array(
        z.object({
          where: z.object({
            file: z.string().optional(),
            row: z.number().optional(),
            field: z.string().optional(),
          }),
          why: z.string(),
        }),
      )
      .optional(),
  })
  .describe('RFC 9457 problem details (application/problem+json)');

export const problems = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ProblemSchema]));
/** Problems every customs route can answer: no key (401), not allowed (403), bad input (422), not configured (503). */
export const common = problems(401, 403, 422, 503);

export const departureParams = z.object({ departureId: z.string().min(1).max(200) });
export const parcelParams = z.object({ parcelId: z.string().min(1).max(100) });

export const MismatchSchema = z.object({
  parcelId: z.string(),
  rule: z.string(),
  document: z.string(),
  field: z.string(),
  expected: z.string(),
  actual: z.string(),
  why: z.string(),
});

export const DeclarationView = z.object({
  parcelId: z.string(),
  sellerId: z.string(),
  departureId: z.string(),
  planId: z.string().optional(),
  status: z.enum(DECLARATION_STATUSES),
  tradeMode: z.string(),
  copNo: z.string().describe("the hub's list number (copNo)"),
  orderNo: z.string(),
  logisticsNo: z.string().describe('waybill number'),
  invtNo: z.string().optional().describe("customs' list number, once given"),
  preNo: z.string().optional(),
  documentStatus: z.object({
    order: z.string().optional(),
    payment: z.string().optional(),
    waybill: z.string().optional(),
    list: z.string().optional(),
  }),
  reason: z.string().optional(),
  mismatches: z.array(MismatchSchema),
  releasedAt: z.string().optional(),
  updatedAt: z.string(),
});

export function declarationView(d: DeclarationRecord): z.infer<typeof DeclarationView> {
  return {
    parcelId: d.parcelId,
    sellerId: d.sellerId,
    departureId: d.departureId,
    ...(d.planId ? { planId: d.planId } : {}),
    status: d.status,
    tradeMode: d.tradeMode,
    copNo: d.copNo,
    orderNo: d.orderNo,
    logisticsNo: d.logisticsNo,
    ...(d.invtNo ? { invtNo: d.invtNo } : {}),
    ...(d.preNo ? { preNo: d.preNo } : {}),
    documentStatus: d.documentStatus,
    ...(d.reason ? { reason: d.reason } : {}),
    mismatches: [...d.mismatches],
    ...(d.releasedAtMs !== undefined ? { releasedAt: new Date(d.releasedAtMs).toISOString() } : {}),
    updatedAt: new Date(d.updatedAtMs).toISOString(),
  };
}

export const FilingView = z.object({
  departureId: z.string(),
  planId: z.string(),
  parcels: z.number().int(),
  sent: z.number().int(),
  skipped: z.number().int(),
  held: z.array(z.object({ parcelId: z.string(), reasons: z.array(z.string()) })),
  messages: z.array(
    z.object({ id: z.string(), type: z.string(), fileName: z.string(), parcels: z.number().int() }),
  ),
});

export const MessageView = z.object({
  id: z.string(),
  type: z.string(),
  guid: z.string(),
  departureId: z.string().optional(),
  fileName: z.string(),
  parcelCount: z.number().int(),
  createdAt: z.string(),
});

export const StatisticsRowSchema = z.object({
  key: z.string(),
  lines: z.number().int(),
  parcels: z.number().int(),
  valueByCurrency: z.record(z.string(), z.number()),
  reportValueMinor: z.number(),
});

export const SummaryPlanSchema = z.object({
  period: z.object({ month: z.string(), startMs: z.number(), endMs: z.number(), deadline: z.string() }),
  requests: z.array(
    z.object({
      copNo: z.string(),
      ebcCode: z.string(),
      ebcName: z.string(),
      invtNos: z.array(z.string()),
      summaryFlag: z.string(),
      itemNameFlag: z.string(),
    }),
  ),
  declarations: z.array(
    z.object({
      key: z.string(),
      ebcCode: z.string(),
      ownerCode: z.string().optional(),
      trafMode: z.string(),
      arrivalCountry: z.string(),
      portCode: z.string(),
      month: z.string(),
      invtNos: z.array(z.string()),
      items: z.array(
        z.object({
          gseqno: z.number().int(),
          gcode: z.string(),
          unit: z.string(),
          currency: z.string(),
          qty: z.number(),
          totalMinor: z.number(),
          lines: z.array(z.object({ invtNo: z.string(), gnum: z.number().int(), parcelId: z.string() })),
        }),
      ),
      totals: z.record(z.string(), z.number()),
    }),
  ),
  excluded: z.array(z.object({ invtNo: z.string(), parcelId: z.string(), why: z.string() })),
  messages: z.array(
    z.object({ id: z.string(), type: z.string(), fileName: z.string(), parcels: z.number().int() }),
  ),
});

export const ReferencesSchema = z.object({
  parcelId: z.string().min(1).max(100),
  orderNo: z.string().min(1).max(60).optional(),
  orderEbcCode: z.string().min(1).max(18).optional(),
  orderEbpCode: z.string().min(1).max(18).optional(),
  orderGoodsValueMinor: z.number().int().min(0).safe().optional(),
  orderFreightMinor: z.number().int().min(0).safe().optional(),
  orderCurrency: CurrencySchema.optional(),
  payNo: z.string().min(1).max(60).optional(),
  payEbcCode: z.string().min(1).max(18).optional(),
  payChargeMinor: z.number().int().min(0).safe().optional(),
  payCurrency: CurrencySchema.optional(),
  paidAt: z.iso.datetime({ offset: true }).optional(),
  waybillNo: z.string().min(1).max(32).optional(),
  waybillLogisticsCode: z.string().min(1).max(18).optional(),
  waybillGrossWeightG: z.number().int().min(1).max(40_000_000).optional(),
});

export const DOCUMENT_NODES = {
  order: { element: 'Order', key: 'orderNo', type: 'CEB303Message' },
  payment: { element: 'Receipts', key: 'orderNo', type: 'CEB403Message' },
  waybill: { element: 'Logistics', key: 'logisticsNo', type: 'CEB505Message' },
  list: { element: 'Inventory', key: 'copNo', type: 'CEB603Message' },
} as const;

export function sendText(reply: FastifyReply, type: string, body: string): FastifyReply {
  return reply
    .type(type)
    .serializer((x: unknown) => x as string)
    .send(body);
}

/**
 * The customs routes (`/v1/customs/…`). Filing, the exchange, profiles, references, summaries, statistics,
 * destination data and messages are the operator's; a seller reads its own parcels' declaration status,
 * documents and destination data. Without a configured customs service every route answers 503.
 */

/** The Fastify instance the customs routes are added to. */
export type CustomsApp = Parameters<FastifyPluginAsyncZod>[0];

/** What every group of customs routes reaches through: the request's hub's customs service and store. */
export interface CustomsRouteContext {
  /** The customs service of the request's hub; 503 when that hub has none on this server. */
  readonly svc: () => CustomsService;
  readonly hubId: () => string;
  readonly store: () => CustomsService['store'];
  /** The declaration of a parcel the caller may see (a seller: its own), else 404. */
  readonly ownDeclaration: (request: FastifyRequest, parcelId: string) => Promise<DeclarationRecord>;
  readonly job: CustomsExchangeJob | undefined;
}
