import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DECLARATION_STATUSES,
  DESTINATION_DATASETS,
  destinationCsv,
  HubCustomsProfileSchema,
  railNotesCsv,
  SellerCustomsProfileSchema,
} from '../customs/index.ts';
import { CurrencySchema, DateSchema, IdSchema, LandbridgeError } from '../domain/index.ts';
import { hubProfileOf } from '../eport/filing.ts';
import { type CustomsService, parcelNodeOf } from '../eport/service.ts';
import type { CustomsExchangeJob } from '../jobs/index.ts';
import { currentHubId, type DeclarationRecord } from '../store/index.ts';
import { principalOf, requireOperator } from './auth.ts';

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

const problems = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ProblemSchema]));
/** Problems every customs route can answer: no key (401), not allowed (403), bad input (422), not configured (503). */
const common = problems(401, 403, 422, 503);

const departureParams = z.object({ departureId: z.string().min(1).max(200) });
const parcelParams = z.object({ parcelId: z.string().min(1).max(100) });

const MismatchSchema = z.object({
  parcelId: z.string(),
  rule: z.string(),
  document: z.string(),
  field: z.string(),
  expected: z.string(),
  actual: z.string(),
  why: z.string(),
});

const DeclarationView = z.object({
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

function declarationView(d: DeclarationRecord): z.infer<typeof DeclarationView> {
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

const FilingView = z.object({
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

const MessageView = z.object({
  id: z.string(),
  type: z.string(),
  guid: z.string(),
  departureId: z.string().optional(),
  fileName: z.string(),
  parcelCount: z.number().int(),
  createdAt: z.string(),
});

const StatisticsRowSchema = z.object({
  key: z.string(),
  lines: z.number().int(),
  parcels: z.number().int(),
  valueByCurrency: z.record(z.string(), z.number()),
  reportValueMinor: z.number(),
});

const SummaryPlanSchema = z.object({
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

const ReferencesSchema = z.object({
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

const DOCUMENT_NODES = {
  order: { element: 'Order', key: 'orderNo', type: 'CEB303Message' },
  payment: { element: 'Receipts', key: 'orderNo', type: 'CEB403Message' },
  waybill: { element: 'Logistics', key: 'logisticsNo', type: 'CEB505Message' },
  list: { element: 'Inventory', key: 'copNo', type: 'CEB603Message' },
} as const;

function sendText(reply: FastifyReply, type: string, body: string): FastifyReply {
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
export function customsRoutes(
  service: CustomsService | undefined,
  job?: CustomsExchangeJob,
  /** The customs of another hub this server serves (its network, its exchange folders), if it has any. */
  serviceOf?: (hubId: string) => Promise<CustomsService | undefined>,
): FastifyPluginAsyncZod {
  return async (app) => {
    // Every request acts on its own hub's customs (see hubScope): the default hub's service, or the
    // one built for the key's hub. A hub without customs answers 503; never another hub's rows.
    const services = new Map<string, Promise<CustomsService | undefined>>();
    if (service) services.set(service.hubId, Promise.resolve(service));
    const resolved = new Map<string, CustomsService | undefined>();
    app.addHook('preHandler', async (request) => {
      const hub = request.hubId ?? currentHubId();
      if (resolved.has(hub)) return;
      let s = services.get(hub);
      if (!s) {
        s = serviceOf ? serviceOf(hub) : Promise.resolve(undefined);
        services.set(hub, s);
        s.catch(() => services.delete(hub));
      }
      resolved.set(hub, await s);
    });
    const svc = (): CustomsService => {
      const hub = currentHubId();
      const s = resolved.get(hub);
      if (!s)
        throw new LandbridgeError(
          'unavailable',
          service
            ? `customs is not configured for hub ${hub} on this server`
            : 'customs is not configured on this server',
        );
      return s;
    };
    const hubId = () => svc().hubId;
    const store = () => svc().store;
    /** The declaration of a parcel the caller may see (a seller: its own), else 404. */
    const ownDeclaration = async (request: FastifyRequest, parcelId: string) => {
      const p = principalOf(request);
      const d = await store().customs.getDeclaration(hubId(), parcelId);
      if (!d || (p.role === 'seller' && d.sellerId !== p.sellerId))
        throw new LandbridgeError('not-found', `parcel ${parcelId} has no customs declaration`);
      return d;
    };

    app.get(
      '/v1/customs/profile',
      {
        schema: {
          tags: ['customs'],
          summary:
            "The hub's customs profile (customs office, declaring agent, logistics enterprise, DXP id); operator",
          security: [{ apiKey: [] }],
          response: { 200: HubCustomsProfileSchema, ...common },
        },
      },
      async (request) => {
        requireOperator(request);
        return hubProfileOf(store(), hubId());
      },
    );

    app.put(
      '/v1/customs/profile',
      {
        schema: {
          tags: ['customs'],
          summary: "Set the hub's customs profile; operator",
          security: [{ apiKey: [] }],
          body: HubCustomsProfileSchema.omit({ hubId: true, source: true }),
          response: { 200: HubCustomsProfileSchema, ...common },
        },
      },
      async (request) => {
        requireOperator(request);
        const profile = HubCustomsProfileSchema.parse({
          ...request.body,
          hubId: hubId(),
          source: 'imported',
        });
        await store().customs.saveHubProfile(profile);
        return profile;
      },
    );

    app.get(
      '/v1/customs/sellers/:sellerId/profile',
      {
        schema: {
          tags: ['customs'],
          summary:
            "A seller's customs profile (derived sample codes until one is imported); the operator or that seller",
          security: [{ apiKey: [] }],
          params: z.object({ sellerId: IdSchema }),
          response: { 200: SellerCustomsProfileSchema, ...common, ...problems(404) },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const { sellerId } = request.params;
        if (p.role === 'seller' && p.sellerId !== sellerId)
          throw new LandbridgeError('not-found', `no seller ${sellerId}`);
        if (!(await store().sellers.get(sellerId)))
          throw new LandbridgeError('not-found', `no seller ${sellerId}`);
        return (await svc().sellerProfiles([{ sellerId }])).get(sellerId)!;
      },
    );

    app.put(
      '/v1/customs/sellers/:sellerId/profile',
      {
        schema: {
          tags: ['customs'],
          summary:
            "Set a seller's customs profile (codes, platform, payment company, IOSS/EORI/UK VAT); operator",
          security: [{ apiKey: [] }],
          params: z.object({ sellerId: IdSchema }),
          body: SellerCustomsProfileSchema.omit({ sellerId: true, source: true }),
          response: { 200: SellerCustomsProfileSchema, ...common, ...problems(404) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { sellerId } = request.params;
        if (!(await store().sellers.get(sellerId)))
          throw new LandbridgeError('not-found', `no seller ${sellerId}`);
        const profile = SellerCustomsProfileSchema.parse({ ...request.body, sellerId, source: 'imported' });
        await store().customs.saveSellerProfiles(hubId(), [profile]);
        return profile;
      },
    );

    app.post(
      '/v1/customs/references',
      {
        schema: {
          tags: ['customs'],
          summary:
            'Import what platforms, payment and logistics companies reported per parcel (order no., payment id and amount, waybill no.); operator; all or nothing',
          security: [{ apiKey: [] }],
          body: z.object({ references: z.array(ReferencesSchema).min(1).max(10_000) }),
          response: { 200: z.object({ imported: z.number().int() }), ...common, ...problems(413) },
        },
      },
      async (request) => {
        requireOperator(request);
        const refs = request.body.references;
        const ids = refs.map((r) => r.parcelId);
        const seen = new Set<string>();
        const problemsFound: { where: { row: number; field: string }; why: string }[] = [];
        const existing = new Set((await store().customs.getParcels(ids)).map((p) => p.id));
        refs.forEach((r, i) => {
          if (!existing.has(r.parcelId))
            problemsFound.push({ where: { row: i + 1, field: 'parcelId' }, why: `no parcel ${r.parcelId}` });
          if (seen.has(r.parcelId))
            problemsFound.push({ where: { row: i + 1, field: 'parcelId' }, why: `${r.parcelId} repeats` });
          seen.add(r.parcelId);
        });
        if (problemsFound.length > 0)
          throw new LandbridgeError(
            'invalid-input',
            `${problemsFound.length} problem(s) in the references; nothing was written`,
            problemsFound,
          );
        await store().customs.saveReferences(
          hubId(),
          refs.map(({ parcelId, paidAt, ...r }) => ({
            parcelId,
            references: { ...r, ...(paidAt ? { paidAtMs: Date.parse(paidAt) } : {}) },
          })),
        );
        return { imported: refs.length };
      },
    );

    app.put(
      '/v1/customs/departures/:departureId/conveyance',
      {
        schema: {
          tags: ['customs'],
          summary:
            "Record a departure's conveyance as customs know it (train/flight/vessel name, voyage, master document, truck); operator",
          security: [{ apiKey: [] }],
          params: departureParams,
          body: z.object({
            trafName: z.string().min(1).max(100).optional(),
            voyageNo: z.string().min(1).max(32).optional(),
            billNo: z.string().min(1).max(37).optional(),
            domesticTrafNo: z.string().min(1).max(100).optional(),
          }),
          response: {
            200: z.object({ departureId: z.string(), conveyance: z.record(z.string(), z.string()) }),
            ...common,
          },
        },
      },
      async (request) => {
        requireOperator(request);
        await store().customs.saveConveyance(hubId(), request.params.departureId, request.body);
        return {
          departureId: request.params.departureId,
          conveyance: request.body as Record<string, string>,
        };
      },
    );

    app.get(
      '/v1/customs/departures/:departureId/matching',
      {
        schema: {
          tags: ['customs'],
          summary:
            'Three-document matching of a planned departure before sending: each mismatch with parcel, field and both values; operator',
          security: [{ apiKey: [] }],
          params: departureParams,
          querystring: z.object({ planId: z.string().min(1).max(100).optional() }),
          response: {
            200: z.object({
              departureId: z.string(),
              planId: z.string(),
              parcels: z.number().int(),
              matched: z.number().int(),
              mismatched: z.number().int(),
              mismatches: z.array(MismatchSchema),
            }),
            ...common,
            ...problems(404),
          },
        },
      },
      async (request) => {
        requireOperator(request);
        const r = await svc().matching(request.params.departureId, request.query.planId);
        const bad = r.results.filter((x) => !x.ok);
        return {
          departureId: request.params.departureId,
          planId: r.planId,
          parcels: r.results.length,
          matched: r.results.length - bad.length,
          mismatched: bad.length,
          mismatches: bad.flatMap((x) => [...x.mismatches]),
        };
      },
    );

    app.post(
      '/v1/customs/departures/:departureId/filings',
      {
        schema: {
          tags: ['customs'],
          summary:
            'File a planned departure: match, hold mismatches, write signed CEB303/403/505/603/507/607 to the out folder; operator',
          security: [{ apiKey: [] }],
          params: departureParams,
          body: z
            .object({ planId: z.string().min(1).max(100).optional(), resend: z.boolean().default(false) })
            .default({ resend: false }),
          response: { 201: FilingView, ...common, ...problems(404, 409) },
        },
      },
      async (request, reply) => {
        requireOperator(request);
        const r = await svc().fileDeparture(request.params.departureId, {
          ...(request.body.planId ? { planId: request.body.planId } : {}),
          resend: request.body.resend,
        });
        reply.code(201);
        return {
          ...r,
          held: r.held.map((h) => ({ parcelId: h.parcelId, reasons: [...h.reasons] })),
          messages: [...r.messages],
        };
      },
    );

    app.post(
      '/v1/customs/departures/:departureId/departure-report',
      {
        schema: {
          tags: ['customs'],
          summary:
            'Send the departure report (CEB509) with the parcels customs released; the others stay at the hub; operator',
          security: [{ apiKey: [] }],
          params: departureParams,
          response: {
            201: z.object({
              onBoard: z.number().int(),
              left: z.array(z.object({ parcelId: z.string(), status: z.string() })),
              messages: FilingView.shape.messages,
            }),
            ...common,
            ...problems(404, 409),
          },
        },
      },
      async (request, reply) => {
        requireOperator(request);
        const r = await svc().reportDeparture(request.params.departureId);
        reply.code(201);
        return { onBoard: r.onBoard, left: [...r.left], messages: [...r.messages] };
      },
    );

    app.get(
      '/v1/customs/departures/:departureId',
      {
        schema: {
          tags: ['customs'],
          summary:
            "A departure's customs state: declarations by status, transport messages' outcomes, its messages; operator",
          security: [{ apiKey: [] }],
          params: departureParams,
          response: {
            200: z.object({
              departureId: z.string(),
              planId: z.string().optional(),
              copNo: z.string().optional(),
              conveyance: z.record(z.string(), z.string()),
              arrivalStatus: z.string().optional(),
              masterStatus: z.string().optional(),
              departureStatus: z.string().optional(),
              declarations: z.record(z.string(), z.number().int()),
              messages: z.array(MessageView),
            }),
            ...common,
            ...problems(404),
          },
        },
      },
      async (request) => {
        requireOperator(request);
        const { departureId } = request.params;
        const d = await store().customs.getDeparture(hubId(), departureId);
        if (!d) throw new LandbridgeError('not-found', `departure ${departureId} has no customs record`);
        const messages = await store().customs.listMessages(hubId(), { departureId });
        return {
          departureId,
          ...(d.planId ? { planId: d.planId } : {}),
          ...(d.copNo ? { copNo: d.copNo } : {}),
          conveyance: d.conveyance as Record<string, string>,
          ...(d.arrivalStatus ? { arrivalStatus: d.arrivalStatus } : {}),
          ...(d.masterStatus ? { masterStatus: d.masterStatus } : {}),
          ...(d.departureStatus ? { departureStatus: d.departureStatus } : {}),
          declarations: await store().customs.countDeclarations(hubId(), { departureId }),
          messages: messages.map((m) => ({ ...m, createdAt: new Date(m.createdAtMs).toISOString() })),
        };
      },
    );

    app.get(
      '/v1/customs/departures/:departureId/destination-data',
      {
        schema: {
          tags: ['customs'],
          summary:
            "Destination data of a departure's parcels: EU ICS2 house data and H7 (IOSS, EUR 3 per subheading), US entry lines, UK, description check; JSON, or CSV of one data set; operator (a seller: its own parcels)",
          security: [{ apiKey: [] }],
          params: departureParams,
          querystring: z.object({
            format: z.enum(['json', 'csv']).default('json'),
            dataset: z.enum(DESTINATION_DATASETS).optional(),
          }),
          response: {
            200: z.union([
              z.object({ departureId: z.string(), parcels: z.array(z.record(z.string(), z.unknown())) }),
              z.string(),
            ]),
            ...common,
            ...problems(404),
          },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const data = await svc().destinationData(
          request.params.departureId,
          p.role === 'seller' ? p.sellerId : undefined,
        );
        if (request.query.format === 'csv') {
          if (!request.query.dataset)
            throw new LandbridgeError('invalid-input', 'CSV needs a dataset', [
              { where: { field: 'querystring.dataset' }, why: `one of ${DESTINATION_DATASETS.join(', ')}` },
            ]);
          return sendText(reply, 'text/csv; charset=utf-8', destinationCsv(data, request.query.dataset));
        }
        return {
          departureId: request.params.departureId,
          parcels: data as unknown as Record<string, unknown>[],
        };
      },
    );

    app.get(
      '/v1/customs/departures/:departureId/rail-notes',
      {
        schema: {
          tags: ['customs'],
          summary:
            'CIM/SMGS consignment-note data of each container of a rail departure; JSON or CSV; operator',
          security: [{ apiKey: [] }],
          params: departureParams,
          querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }),
          response: {
            200: z.union([
              z.object({ departureId: z.string(), notes: z.array(z.record(z.string(), z.unknown())) }),
              z.string(),
            ]),
            ...common,
            ...problems(404),
          },
        },
      },
      async (request, reply) => {
        requireOperator(request);
        const notes = await svc().railNotes(request.params.departureId);
        if (request.query.format === 'csv')
          return sendText(reply, 'text/csv; charset=utf-8', railNotesCsv(notes));
        return {
          departureId: request.params.departureId,
          notes: notes as unknown as Record<string, unknown>[],
        };
      },
    );

    app.get(
      '/v1/customs/declarations',
      {
        schema: {
          tags: ['customs'],
          summary:
            'The customs queue: declarations by status with mismatches and rejection reasons; a seller sees its own',
          security: [{ apiKey: [] }],
          querystring: z.object({
            status: z.enum(DECLARATION_STATUSES).optional(),
            departureId: z.string().min(1).max(200).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            after: z.string().min(1).max(100).optional().describe('parcel id to continue after'),
          }),
          response: {
            200: z.object({
              counts: z.record(z.string(), z.number().int()),
              items: z.array(DeclarationView),
              next: z.string().nullable(),
            }),
            ...common,
          },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const q = request.query;
        const seller = p.role === 'seller' ? { sellerId: p.sellerId! } : {};
        const items = await store().customs.listDeclarations(hubId(), {
          ...seller,
          ...(q.status ? { status: q.status } : {}),
          ...(q.departureId ? { departureId: q.departureId } : {}),
          ...(q.after ? { after: q.after } : {}),
          limit: q.limit + 1,
        });
        const page = items.slice(0, q.limit);
        return {
          counts: await store().customs.countDeclarations(hubId(), {
            ...seller,
            ...(q.departureId ? { departureId: q.departureId } : {}),
          }),
          items: page.map(declarationView),
          next: items.length > q.limit ? page[page.length - 1]!.parcelId : null,
        };
      },
    );

    app.get(
      '/v1/customs/parcels/:parcelId',
      {
        schema: {
          tags: ['customs'],
          summary:
            "A parcel's export declaration: status, documents (order, payment, waybill, list), mismatches, events, messages; a seller: its own",
          security: [{ apiKey: [] }],
          params: parcelParams,
          response: {
            200: DeclarationView.extend({
              documents: z.record(z.string(), z.unknown()),
              events: z.array(z.object({ code: z.string(), reason: z.string().optional(), at: z.string() })),
              messages: z.array(z.object({ type: z.string(), id: z.string() })),
            }),
            ...common,
            ...problems(404),
          },
        },
      },
      async (request) => {
        const d = await ownDeclaration(request, request.params.parcelId);
        const events = await store().customs.listEvents(hubId(), d.parcelId);
        return {
          ...declarationView(d),
          documents: d.documents as unknown as Record<string, unknown>,
          events: events.map((e) => ({
            code: e.code,
            ...(e.reason ? { reason: e.reason } : {}),
            at: new Date(e.atMs).toISOString(),
          })),
          messages: [...d.messages],
        };
      },
    );

    app.get(
      '/v1/customs/parcels/:parcelId/documents/:kind',
      {
        schema: {
          tags: ['customs'],
          summary:
            'One document of a parcel as sent (XML): its Order, Receipts, Logistics or Inventory node from the signed message that carried it; a seller: its own',
          security: [{ apiKey: [] }],
          params: parcelParams.extend({ kind: z.enum(['order', 'payment', 'waybill', 'list']) }),
          response: { 200: z.string().describe('application/xml'), ...common, ...problems(404) },
        },
      },
      async (request, reply) => {
        const d = await ownDeclaration(request, request.params.parcelId);
        const spec = DOCUMENT_NODES[request.params.kind];
        const ref = d.messages.find((m) => m.type === spec.type);
        const message = ref ? await store().customs.getMessage(hubId(), ref.id) : undefined;
        const key =
          spec.key === 'orderNo'
            ? d.orderNo
            : spec.key === 'logisticsNo'
              ? d.documents.waybill.logisticsNo
              : d.copNo;
        const node = message ? parcelNodeOf(message.xml, spec.element, spec.key, key) : undefined;
        if (!node)
          throw new LandbridgeError(
            'not-found',
            `no ${request.params.kind} of parcel ${d.parcelId} was sent`,
          );
        return sendText(
          reply,
          'application/xml; charset=utf-8',
          `<?xml version="1.0" encoding="UTF-8"?>\n<!-- from ${message!.type} ${message!.id} (the signature covers the whole message) -->\n${node}\n`,
        );
      },
    );

    app.post(
      '/v1/customs/parcels/:parcelId/cancel',
      {
        schema: {
          tags: ['customs'],
          summary: "Ask customs to cancel a parcel's list (CEB605) with the reason; operator",
          security: [{ apiKey: [] }],
          params: parcelParams,
          body: z.object({ reason: z.string().trim().min(1).max(1000) }),
          response: {
            201: z.object({
              parcelId: z.string(),
              message: z.object({ id: z.string(), type: z.string(), fileName: z.string() }),
            }),
            ...common,
            ...problems(404, 409),
          },
        },
      },
      async (request, reply) => {
        requireOperator(request);
        const r = await svc().cancel(request.params.parcelId, request.body.reason);
        reply.code(201);
        return r;
      },
    );

    app.get(
      '/v1/customs/messages',
      {
        schema: {
          tags: ['customs'],
          summary: 'Messages written to the out folder (per departure with departureId); operator',
          security: [{ apiKey: [] }],
          querystring: z.object({
            departureId: z.string().min(1).max(200).optional(),
            type: z.string().min(1).max(30).optional(),
          }),
          response: { 200: z.object({ messages: z.array(MessageView) }), ...common },
        },
      },
      async (request) => {
        requireOperator(request);
        const q = request.query;
        const messages = await store().customs.listMessages(hubId(), {
          ...(q.departureId ? { departureId: q.departureId } : {}),
          ...(q.type ? { type: q.type } : {}),
        });
        return {
          messages: messages.map((m) => ({ ...m, createdAt: new Date(m.createdAtMs).toISOString() })),
        };
      },
    );

    app.get(
      '/v1/customs/messages/:id',
      {
        schema: {
          tags: ['customs'],
          summary: 'A signed CEB message as written (XML); operator',
          security: [{ apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(100) }),
          response: { 200: z.string().describe('application/xml'), ...common, ...problems(404) },
        },
      },
      async (request, reply) => {
        requireOperator(request);
        const m = await store().customs.getMessage(hubId(), request.params.id);
        if (!m) throw new LandbridgeError('not-found', `no message ${request.params.id}`);
        return sendText(
          reply,
          'application/xml; charset=utf-8',
          `<?xml version="1.0" encoding="UTF-8"?>\n${m.xml}\n`,
        );
      },
    );

    app.post(
      '/v1/customs/exchange/run',
      {
        schema: {
          tags: ['customs'],
          summary: 'Run one pass of the exchange now (staged messages out, receipts in); operator',
          security: [{ apiKey: [] }],
          response: {
            200: z.object({
              processed: z.number().int(),
              duplicates: z.number().int(),
              errors: z.array(z.object({ file: z.string(), why: z.string() })),
              changes: z.array(z.object({ parcelId: z.string(), status: z.string() })),
            }),
            ...common,
          },
        },
      },
      async (request) => {
        requireOperator(request);
        if (!job)
          throw new LandbridgeError('unavailable', 'the customs exchange job is not running on this server');
        const r = await job.runOnce(svc().hubId);
        return {
          processed: r.processed,
          duplicates: r.duplicates,
          errors: [...r.errors],
          changes: [...r.changes],
        };
      },
    );

    app.get(
      '/v1/customs/receipts',
      {
        schema: {
          tags: ['customs'],
          summary: 'Receipts taken in, newest first (processed or set aside with the reason); operator',
          security: [{ apiKey: [] }],
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
          response: {
            200: z.object({
              receipts: z.array(
                z.object({
                  id: z.string(),
                  fileName: z.string(),
                  msgType: z.string().optional(),
                  status: z.enum(['processed', 'error']),
                  error: z.string().optional(),
                  receivedAt: z.string(),
                  body: z.unknown().optional(),
                }),
              ),
            }),
            ...common,
          },
        },
      },
      async (request) => {
        requireOperator(request);
        const rs = await store().customs.listReceipts(hubId(), request.query.limit);
        return {
          receipts: rs.map(({ receivedAtMs, sha256: _s, ...r }) => ({
            ...r,
            receivedAt: new Date(receivedAtMs).toISOString(),
          })),
        };
      },
    );

    app.post(
      '/v1/customs/summaries',
      {
        schema: {
          tags: ['customs'],
          summary:
            'The monthly summary declaration: released lists grouped, one CEB701 per exporter sent (dryRun: the plan only); operator',
          security: [{ apiKey: [] }],
          body: z.object({
            month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
            cutoffDay: z.number().int().min(1).max(31).optional(),
            deadlineDay: z.number().int().min(1).max(28).optional(),
            summaryFlag: z.enum(['1', '2']).optional(),
            dryRun: z.boolean().default(false),
          }),
          response: { 200: SummaryPlanSchema, ...common },
        },
      },
      async (request) => {
        requireOperator(request);
        const b = request.body;
        const plan = await svc().monthlySummary({
          month: b.month,
          ...(b.cutoffDay ? { cutoffDay: b.cutoffDay } : {}),
          ...(b.deadlineDay ? { deadlineDay: b.deadlineDay } : {}),
          ...(b.summaryFlag ? { summaryFlag: b.summaryFlag } : {}),
          dryRun: b.dryRun,
        });
        return JSON.parse(JSON.stringify(plan)) as z.infer<typeof SummaryPlanSchema>;
      },
    );

    app.get(
      '/v1/customs/summaries',
      {
        schema: {
          tags: ['customs'],
          summary: 'Summary requests sent and what customs answered (sumNo, result); operator',
          security: [{ apiKey: [] }],
          querystring: z.object({
            month: z
              .string()
              .regex(/^\d{4}-\d{2}$/)
              .optional(),
          }),
          response: {
            200: z.object({
              summaries: z.array(
                z.object({
                  copNo: z.string(),
                  month: z.string(),
                  ebcCode: z.string(),
                  status: z.string(),
                  sumNo: z.string().optional(),
                  messageId: z.string().optional(),
                  updatedAt: z.string(),
                }),
              ),
            }),
            ...common,
          },
        },
      },
      async (request) => {
        requireOperator(request);
        const list = await store().customs.listSummaries(hubId(), request.query.month);
        return {
          summaries: list.map(({ plan: _p, updatedAtMs, ...s }) => ({
            ...s,
            updatedAt: new Date(updatedAtMs).toISOString(),
          })),
        };
      },
    );

    app.get(
      '/v1/customs/statistics',
      {
        schema: {
          tags: ['customs'],
          summary:
            'Export value from released lists by destination, HS chapter, corridor and month; operator',
          security: [{ apiKey: [] }],
          querystring: z.object({
            from: DateSchema.optional(),
            to: DateSchema.optional(),
            currency: CurrencySchema.default('USD'),
          }),
          response: {
            200: z.object({
              reportCurrency: z.string(),
              lines: z.number().int(),
              parcels: z.number().int(),
              reportValueMinor: z.number(),
              unconverted: z.number().int(),
              by: z.object({
                destination: z.array(StatisticsRowSchema),
                hsChapter: z.array(StatisticsRowSchema),
                corridor: z.array(StatisticsRowSchema),
                month: z.array(StatisticsRowSchema),
              }),
            }),
            ...common,
          },
        },
      },
      async (request) => {
        requireOperator(request);
        const q = request.query;
        const cst = (d: string) => Date.parse(`${d}T00:00:00+08:00`);
        const stats = await svc().statistics(
          { ...(q.from ? { fromMs: cst(q.from) } : {}), ...(q.to ? { toMs: cst(q.to) + 86_400_000 } : {}) },
          q.currency,
        );
        return JSON.parse(JSON.stringify(stats));
      },
    );
  };
}
