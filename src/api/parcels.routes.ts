import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IdSchema,
  LandbridgeError,
  PARCEL_STATUSES,
  type Parcel,
  ParcelInputSchema,
  ParcelSchema,
  SERVICE_LEVELS,
} from '../domain/index.ts';
import { shippedHsIndex } from '../files/hs-files.ts';
import { type ImportResult, importParcels } from '../intake/index.ts';
import type { Store } from '../store/index.ts';
import { principalOf } from './auth.ts';
import { keptAnswer } from './idempotency.ts';
import { batchValidator, checkSliced } from './sliced-validation.ts';

/** The largest batch `POST /v1/parcels` takes. */
export const MAX_PARCEL_BATCH = 10_000;

/** Flags listed in an import answer (all are counted). */
const MAX_FLAGS_SHOWN = 1_000;

const ImportFlagView = z.object({
  where: z.object({ row: z.number().int().optional(), field: z.string().optional() }),
  verdict: z.enum(['doubtful', 'vague']),
  why: z.string(),
  suggestions: z.array(z.string()).describe('HS 2022 subheadings the description reads like, best first'),
});

const ParcelView = ParcelSchema.omit({ readyAtMs: true, createdAtMs: true }).extend({
  readyAt: z.string().describe('UTC instant, ISO 8601'),
  createdAt: z.string().describe('UTC instant, ISO 8601'),
});

function parcelView(p: Parcel): z.infer<typeof ParcelView> {
  const { readyAtMs, createdAtMs, ...rest } = p;
  return {
    ...rest,
    readyAt: new Date(readyAtMs).toISOString(),
    createdAt: new Date(createdAtMs).toISOString(),
  };
}

/** The answer to an import: the parcels' ids by order, and the first flags. */
function importAnswer(result: ImportResult, parcels: readonly { readonly externalOrderId: string }[]) {
  return {
    imported: result.imported,
    parcels: result.parcelIds.map((id, i) => ({ id, externalOrderId: parcels[i]!.externalOrderId })),
    flagged: result.flags.length,
    flags: result.flags.slice(0, MAX_FLAGS_SHOWN).map((f) => ({ ...f, suggestions: [...f.suggestions] })),
  };
}

/** A parcel of an import batch: the operator names its seller. */
const BatchParcel = ParcelInputSchema.extend({ sellerId: IdSchema.optional() });

/** Parcel routes: import a batch, list with filters and a cursor, read one. */
export function parcelsRoutes(store: Store, nowMs: () => number): FastifyPluginAsyncZod {
  return async (app) => {
    // The HS index imports check descriptions with takes a second to build: built as the server starts
    // listening (before `listen` resolves and the server says it is up), not by the first import while
    // traffic waits behind it. Servers that never listen (tests with inject) skip it.
    app.addHook('onListen', async () => {
      shippedHsIndex();
    });
    app.post(
      '/v1/parcels',
      {
        // the batch's parcels are checked in the handler a slice at a time (see sliced-validation.ts)
        validatorCompiler: batchValidator('parcels', 1, MAX_PARCEL_BATCH),
        schema: {
          tags: ['parcels'],
          summary: `Import a batch of up to ${MAX_PARCEL_BATCH} parcels, all or nothing`,
          description:
            'Every bad parcel is reported (row = position in the batch, 1-based; field path) with 422 and nothing is written. ' +
            'Send an Idempotency-Key header to make a retry return the first answer without importing twice. ' +
            'A seller key imports its own parcels; the operator key names sellerId on each parcel.',
          security: [{ apiKey: [] }],
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          body: z.object({ parcels: z.array(BatchParcel).min(1).max(MAX_PARCEL_BATCH) }),
          response: {
            201: z.object({
              imported: z.number().int(),
              parcels: z.array(z.object({ id: z.string(), externalOrderId: z.string() })),
              flagged: z.number().int().describe('Item lines imported but flagged (see flags)'),
              flags: z
                .array(ImportFlagView)
                .describe(
                  `Item lines whose description does not fit their HS code or is too vague to check; imported all the same (the first ${MAX_FLAGS_SHOWN})`,
                ),
            }),
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const parcels = await checkSliced(request.body.parcels, BatchParcel, 'parcels');
        const idem = request.idempotency;
        const result = await importParcels(
          store,
          {
            records: parcels.map((p, i) => {
              const { sellerId, ...parcel } = p;
              return { rows: [i + 1], ...(sellerId !== undefined ? { sellerId } : {}), parcel };
            }),
            problems: [],
          },
          {
            actor:
              principal.role === 'seller'
                ? { role: 'seller', sellerId: principal.sellerId! }
                : { role: 'operator' },
            receivedAtMs: nowMs(),
            sellerField: 'sellerId',
            ...(idem ? { answer: (r: ImportResult) => keptAnswer(idem, 201, importAnswer(r, parcels)) } : {}),
          },
        );
        reply.code(201);
        return importAnswer(result, parcels);
      },
    );

    app.get(
      '/v1/parcels',
      {
        schema: {
          tags: ['parcels'],
          summary:
            'List parcels (a seller sees only its own), newest first unless asked oldest first, by cursor',
          security: [{ apiKey: [] }],
          querystring: z.object({
            sellerId: IdSchema.optional().describe('Operator only: one seller'),
            status: z.enum(PARCEL_STATUSES).optional(),
            country: z
              .string()
              .regex(/^[A-Z]{2}$/)
              .optional(),
            serviceLevel: z.enum(SERVICE_LEVELS).optional(),
            externalOrderId: z.string().min(1).max(64).optional().describe("The seller's order number"),
            order: z.enum(['newest', 'oldest']).default('newest').describe('By creation time'),
            limit: z.coerce.number().int().min(1).max(1000).default(50),
            cursor: z.string().optional().describe('nextCursor of the previous page, in the same order'),
            total: z
              .enum(['true', 'false'])
              .optional()
              .describe('true: also count every parcel that matches the filter (the answer’s total)'),
          }),
          response: {
            200: z.object({
              items: z.array(ParcelView),
              nextCursor: z.string().nullable(),
              total: z.number().int().optional().describe('Parcels matching the filter, when asked'),
            }),
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const q = request.query;
        if (principal.role === 'seller' && q.sellerId !== undefined && q.sellerId !== principal.sellerId) {
          throw new LandbridgeError('forbidden', 'a seller key lists only its own parcels');
        }
        const sellerId = principal.role === 'seller' ? principal.sellerId : q.sellerId;
        const filter = {
          ...(sellerId !== undefined ? { sellerId } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.country ? { country: q.country } : {}),
          ...(q.serviceLevel ? { serviceLevel: q.serviceLevel } : {}),
          ...(q.externalOrderId ? { externalOrderId: q.externalOrderId } : {}),
        };
        const [page, total] = await Promise.all([
          store.parcels.list({
            ...filter,
            limit: q.limit,
            order: q.order === 'oldest' ? 'asc' : 'desc',
            ...(q.cursor ? { cursor: q.cursor } : {}),
          }),
          q.total === 'true' ? store.parcels.count(filter) : undefined,
        ]);
        return {
          items: page.items.map(parcelView),
          nextCursor: page.nextCursor ?? null,
          ...(total !== undefined ? { total } : {}),
        };
      },
    );

    app.get(
      '/v1/parcels/:id',
      {
        schema: {
          tags: ['parcels'],
          summary: "One parcel; another seller's parcel answers 404",
          security: [{ apiKey: [] }],
          params: z.object({ id: z.string().min(1).max(100) }),
          response: { 200: ParcelView },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const parcel = await store.parcels.get(
          request.params.id,
          principal.role === 'seller' ? { sellerId: principal.sellerId! } : {},
        );
        if (!parcel) throw new LandbridgeError('not-found', `no parcel ${request.params.id}`);
        return parcelView(parcel);
      },
    );
  };
}
