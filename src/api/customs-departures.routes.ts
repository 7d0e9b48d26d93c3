import { z } from 'zod';
import { DESTINATION_DATASETS, destinationCsv, railNotesCsv } from '../customs/index.ts';
import { LandbridgeError } from '../domain/index.ts';
import { principalOf, requireOperator } from './auth.ts';
import {
  type CustomsApp,
  type CustomsRouteContext,
  common,
  departureParams,
  FilingView,
  MessageView,
  MismatchSchema,
  problems,
  sendText,
} from './customs.schemas.ts';

/** A departure's customs: its conveyance, the matching of its parcels, filings, departure report, its view, the destination's data and rail notes. */
export function departureCustomsRoutes(app: CustomsApp, { svc, hubId, store }: CustomsRouteContext): void {
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
}
