import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DECLARATION_STATUSES,
  HubCustomsProfileSchema,
  SellerCustomsProfileSchema,
} from '../customs/index.ts';
import { IdSchema, LandbridgeError } from '../domain/index.ts';
import { hubProfileOf } from '../eport/filing.ts';
import { type CustomsService, parcelNodeOf } from '../eport/service.ts';
import type { CustomsExchangeJob } from '../jobs/index.ts';
import { currentHubId } from '../store/index.ts';
import { principalOf, requireOperator } from './auth.ts';
import {
  type CustomsRouteContext,
  common,
  DeclarationView,
  DOCUMENT_NODES,
  declarationView,
  parcelParams,
  problems,
  ReferencesSchema,
  sendText,
} from './customs.schemas.ts';
import { departureCustomsRoutes } from './customs-departures.routes.ts';
import { exchangeCustomsRoutes } from './customs-exchange.routes.ts';

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

    const context: CustomsRouteContext = { svc, hubId, store, ownDeclaration, job };
    departureCustomsRoutes(app, context);

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

    exchangeCustomsRoutes(app, context);
  };
}
