import { gunzipSync } from 'node:zlib';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { DAY_MS } from '../domain/days.ts';
import { CORRIDORS, CurrencySchema, DateSchema, IdSchema, LandbridgeError } from '../domain/index.ts';
import { zonedToUtcMs, zoneOffsetMinutes } from '../network/index.ts';
import {
  type GroupRow,
  type ParcelRow,
  type ParcelStats,
  type ParcelStatsInput,
  parcelStats,
} from '../stats/index.ts';
import { currentHubId, type Database, type Store } from '../store/index.ts';
import { hubContextKey } from '../workers/hub-context.ts';
import type { TaskPool } from '../workers/index.ts';
import { principalOf } from './auth.ts';
import type { Hub } from './hub.ts';

const Scope = z.object({
  role: z.enum(['operator', 'seller']),
  sellerId: z.string().nullable().describe('The seller the figures are scoped to; null: all sellers'),
});

const Count = z.object({ parcels: z.number().int(), grossWeightG: z.number().int() });
const Valued = Count.extend({
  declaredValueMinor: z
    .number()
    .int()
    .describe('Declared value converted to `currency` at the rate of the ready day'),
});

const ParcelStatsView = z.object({
  scope: Scope,
  currency: CurrencySchema,
  zone: z.string().describe('IANA zone of the hub: ready days are local dates there'),
  totals: Valued.extend({
    unconvertedParcels: z
      .number()
      .int()
      .describe('Parcels whose declared value could not be converted (mixed currencies or no rate)'),
  }),
  byStatus: z.array(Count.extend({ status: z.string() })),
  byServiceLevel: z.array(Count.extend({ serviceLevel: z.string() })),
  byCountry: z.array(Valued.extend({ country: z.string() })),
  byDay: z.array(Valued.extend({ date: z.string(), country: z.string() })),
  byCorridor: z
    .array(
      Valued.extend({
        corridor: z.enum(CORRIDORS),
        departures: z.number().int().describe('Departures from the hub area the plan uses'),
        containers: z.number().int(),
      }),
    )
    .describe(
      'From the newest finished plan in scope, each parcel on the corridor of its first ride; empty until a plan has run',
    ),
  byCorridorDay: z
    .array(Valued.extend({ date: z.string(), corridor: z.enum(CORRIDORS) }))
    .describe('Planned parcels by hub-local ready day and corridor'),
  planId: z.string().nullable().describe('The plan behind byCorridor'),
});
type ParcelStatsView = z.infer<typeof ParcelStatsView>;

/**
 * Read-only aggregates for the console's dashboard: parcels by status, service level, destination and
 * ready day, with weight and declared value, and planned flows by corridor. A seller key sees only its
 * own parcels and plans. The queries use Kysely's builder and run alike on SQLite and PostgreSQL.
 */
export function statsRoutes(
  store: Store,
  hub: Hub,
  nowMs: () => number = Date.now,
  pool?: TaskPool,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/stats/parcels',
      {
        schema: {
          tags: ['stats'],
          summary:
            'Parcel counts, weight and declared value by status, level, destination, ready day, corridor',
          description:
            'Scoped to the seller for a seller key. Ready days are local dates in the hub zone at its current UTC offset ' +
            '(exact for zones without daylight saving, such as Asia/Shanghai). Declared values are converted to `currency` ' +
            'at the reference rate of each ready day; parcels with no single declared currency or no rate are counted in ' +
            '`unconvertedParcels`.',
          security: [{ apiKey: [] }],
          querystring: z.object({
            currency: CurrencySchema.default('CNY'),
            sellerId: IdSchema.optional().describe('Operator only: one seller'),
            from: DateSchema.optional().describe('First ready day, hub-local date'),
            to: DateSchema.optional().describe('Last ready day (inclusive), hub-local date'),
          }),
          response: { 200: ParcelStatsView },
        },
      },
      async (request): Promise<ParcelStatsView> => {
        const principal = principalOf(request);
        const q = request.query;
        if (principal.role === 'seller' && q.sellerId !== undefined && q.sellerId !== principal.sellerId)
          throw new LandbridgeError('forbidden', 'a seller key sees only its own figures');
        const sellerId = principal.role === 'seller' ? principal.sellerId : q.sellerId;
        const network = hub.network;
        const zone = network.nodes.find((n) => n.id === network.hub)?.zone ?? 'UTC';
        const filter = {
          ...(sellerId !== undefined ? { sellerId } : {}),
          ...(q.from !== undefined ? { fromMs: zonedToUtcMs(q.from, '00:00', zone) } : {}),
          ...(q.to !== undefined ? { toMs: zonedToUtcMs(q.to, '00:00', zone) + DAY_MS } : {}),
        };
        const offsetMs = zoneOffsetMinutes(zone, nowMs()) * 60_000;
        const newest = await store.plans.newestDone(sellerId);
        const plan =
          newest?.resultJson !== undefined || newest?.resultGzip !== undefined ? newest : undefined;
        const [byStatus, byLevel, byDay, parcels] = await Promise.all([
          groupedCounts(store, 'status', filter),
          groupedCounts(store, 'service_level', filter),
          valueByDay(store, filter, offsetMs),
          plan ? parcelRows(store, filter, offsetMs) : Promise.resolve([]),
        ]);
        const input: ParcelStatsInput = {
          currency: q.currency,
          byStatus,
          byLevel,
          byDay,
          plan: plan?.resultJson !== undefined ? { id: plan.id, json: plan.resultJson } : null,
          parcels,
        };
        const planGzip = plan?.resultGzip !== undefined ? { id: plan.id, gzip: plan.resultGzip } : undefined;
        const landed = hub.landed;
        // the aggregation (and the plan's JSON, tens of MB) in a worker thread when the server can send
        // it the rates; else here
        let figures: ParcelStats;
        if (pool && landed) {
          const context = { network, rules: landed.rules, fxTables: landed.fx };
          const hubKey = hubContextKey(context);
          figures = await pool.run(
            'parcel-stats',
            { hubKey, nowMs: nowMs(), input, ...(planGzip ? { planGzip } : {}) },
            { context: { key: hubKey, value: () => context }, timeoutMs: 60_000 },
          );
        } else figures = parcelStats(withPlanJson(input, planGzip), network, hub.fx);
        return {
          scope: { role: principal.role, sellerId: sellerId ?? null },
          currency: q.currency,
          zone,
          ...figures,
          byStatus: [...figures.byStatus],
          byServiceLevel: [...figures.byServiceLevel],
          byCountry: [...figures.byCountry],
          byDay: [...figures.byDay],
          byCorridor: [...figures.byCorridor],
          byCorridorDay: [...figures.byCorridorDay],
        };
      },
    );
  };
}

interface StatsFilter {
  readonly sellerId?: string;
  /** UTC epoch ms, inclusive. */
  readonly fromMs?: number;
  /** UTC epoch ms, exclusive. */
  readonly toMs?: number;
}

function whereFilter(filter: StatsFilter) {
  return (eb: ExpressionBuilder<Database, 'parcels'>) => {
    // One hub's parcels: the request's hub (the key's, or the one it names with Landbridge-Hub).
    const conditions: Expression<SqlBool>[] = [eb('hub_id', '=', currentHubId())];
    if (filter.sellerId !== undefined) conditions.push(eb('seller_id', '=', filter.sellerId));
    if (filter.fromMs !== undefined) conditions.push(eb('ready_at_ms', '>=', filter.fromMs));
    if (filter.toMs !== undefined) conditions.push(eb('ready_at_ms', '<', filter.toMs));
    return eb.and(conditions);
  };
}

/** Parcels and weight grouped by one column; PostgreSQL's bigint sums come back as text, hence `Number`. */
async function groupedCounts(
  store: Store,
  column: 'status' | 'service_level',
  filter: StatsFilter,
): Promise<GroupRow[]> {
  const rows = await store.db
    .selectFrom('parcels')
    .where(whereFilter(filter))
    .select((eb) => [
      eb.ref(column).as('key'),
      eb.fn.countAll().as('parcels'),
      eb.fn.sum<number | string>('gross_weight_g').as('weight'),
    ])
    .groupBy(column)
    .orderBy(column)
    .execute();
  return rows.map((r) => ({ key: String(r.key), parcels: Number(r.parcels), weight: Number(r.weight ?? 0) }));
}

/**
 * Parcels, weight and declared value by hub-local ready day (days since the epoch), destination and
 * declared currency. The day is integer arithmetic on epoch ms, the same on both dialects.
 */
async function valueByDay(store: Store, filter: StatsFilter, offsetMs: number) {
  const day = sql<number>`cast((ready_at_ms + ${sql.lit(Math.trunc(offsetMs))}) / ${sql.lit(DAY_MS)} as integer)`;
  const rows = await store.db
    .selectFrom('parcels')
    .where(whereFilter(filter))
    .select((eb) => [
      day.as('day'),
      'consignee_country as country',
      'declared_currency as currency',
      eb.fn.countAll().as('parcels'),
      eb.fn.sum<number | string>('gross_weight_g').as('weight'),
      eb.fn.sum<number | string | null>('declared_value_minor').as('value'),
    ])
    .groupBy([day, 'consignee_country', 'declared_currency'])
    .execute();
  return rows.map((r) => ({
    day: Number(r.day),
    country: r.country,
    currency: r.currency,
    parcels: Number(r.parcels),
    weight: Number(r.weight ?? 0),
    value: r.value === null ? null : Number(r.value),
  }));
}

/** A big plan as stored: gzip of its JSON (see `plans.repository.ts`). */
export interface CompressedPlan {
  readonly id: string;
  readonly gzip: Uint8Array;
}

/** The figures' input with the plan's JSON, gunzipped when it came compressed. */
export function withPlanJson(input: ParcelStatsInput, plan: CompressedPlan | undefined): ParcelStatsInput {
  if (!plan) return input;
  return { ...input, plan: { id: plan.id, json: gunzipSync(plan.gzip).toString('utf8') } };
}

/** Every parcel in scope with its hub-local ready day, weight and declared value, for the planned flows. */
async function parcelRows(store: Store, filter: StatsFilter, offsetMs: number): Promise<ParcelRow[]> {
  const day = sql<number>`cast((ready_at_ms + ${sql.lit(Math.trunc(offsetMs))}) / ${sql.lit(DAY_MS)} as integer)`;
  const rows = await store.db
    .selectFrom('parcels')
    .where(whereFilter(filter))
    .select([
      'id',
      day.as('day'),
      'gross_weight_g as weight',
      'declared_value_minor as value',
      'declared_currency as currency',
    ])
    .execute();
  return rows.map((r) => ({
    id: r.id,
    day: Number(r.day),
    weight: Number(r.weight),
    value: r.value === null ? null : Number(r.value),
    currency: r.currency,
  }));
}
