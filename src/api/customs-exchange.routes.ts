import { z } from 'zod';
import { CurrencySchema, DateSchema, LandbridgeError } from '../domain/index.ts';
import { requireOperator } from './auth.ts';
import {
  type CustomsApp,
  type CustomsRouteContext,
  common,
  MessageView,
  problems,
  StatisticsRowSchema,
  SummaryPlanSchema,
  sendText,
} from './customs.schemas.ts';

/** The exchange with customs: messages, a run of the exchange, receipts, summaries and statistics. */
export function exchangeCustomsRoutes(
  app: CustomsApp,
  { svc, hubId, store, job }: CustomsRouteContext,
): void {
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
        summary: 'Export value from released lists by destination, HS chapter, corridor and month; operator',
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
}
