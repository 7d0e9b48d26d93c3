import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import {
  CORRIDORS,
  type Corridor,
  type Currency,
  CurrencySchema,
  DateSchema,
  IdSchema,
  LandbridgeError,
  type Network,
} from '../domain/index.ts';
import { zonedToUtcMs, zoneOffsetMinutes } from '../network/index.ts';
import type { Database, Store } from '../store/index.ts';
import { principalOf } from './auth.ts';
import type { Hub } from './hub.ts';

const DAY_MS = 86_400_000;

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

/** Figures of one group of parcels, before currency conversion. */
interface GroupRow {
  readonly parcels: number;
  readonly weight: number;
}

/**
 * Read-only aggregates for the console's dashboard: parcels by status, service level, destination and
 * ready day, with weight and declared value, and planned flows by corridor. A seller key sees only its
 * own parcels and plans. The queries use Kysely's builder and run alike on SQLite and PostgreSQL.
 */
export function statsRoutes(store: Store, hub: Hub, nowMs: () => number = Date.now): FastifyPluginAsyncZod {
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
        const [byStatus, byLevel, byDay, corridors] = await Promise.all([
          groupedCounts(store, 'status', filter),
          groupedCounts(store, 'service_level', filter),
          valueByDay(store, filter, offsetMs),
          corridorFlows(store, network, hub.fx, q.currency, filter, offsetMs),
        ]);

        const days = new Map<string, z.infer<typeof Valued> & { date: string; country: string }>();
        const countries = new Map<string, z.infer<typeof Valued> & { country: string }>();
        let unconverted = 0;
        for (const row of byDay) {
          const date = new Date(row.day * DAY_MS).toISOString().slice(0, 10);
          let value = 0;
          if (row.currency !== null && row.value !== null) {
            const converted = hub.fx.convert(row.value, row.currency as Currency, q.currency, date);
            if (converted === undefined) unconverted += row.parcels;
            else value = converted;
          } else unconverted += row.parcels;
          const dayKey = `${date}|${row.country}`;
          const d = days.get(dayKey) ?? {
            date,
            country: row.country,
            parcels: 0,
            grossWeightG: 0,
            declaredValueMinor: 0,
          };
          d.parcels += row.parcels;
          d.grossWeightG += row.weight;
          d.declaredValueMinor += value;
          days.set(dayKey, d);
          const c = countries.get(row.country) ?? {
            country: row.country,
            parcels: 0,
            grossWeightG: 0,
            declaredValueMinor: 0,
          };
          c.parcels += row.parcels;
          c.grossWeightG += row.weight;
          c.declaredValueMinor += value;
          countries.set(row.country, c);
        }
        const byCountry = [...countries.values()].sort(
          (a, b) => b.parcels - a.parcels || a.country.localeCompare(b.country),
        );
        const sum = (key: 'parcels' | 'grossWeightG' | 'declaredValueMinor') =>
          byCountry.reduce((s, c) => s + c[key], 0);
        return {
          scope: { role: principal.role, sellerId: sellerId ?? null },
          currency: q.currency,
          zone,
          totals: {
            parcels: sum('parcels'),
            grossWeightG: sum('grossWeightG'),
            declaredValueMinor: sum('declaredValueMinor'),
            unconvertedParcels: unconverted,
          },
          byStatus: byStatus.map((r) => ({ status: r.key, parcels: r.parcels, grossWeightG: r.weight })),
          byServiceLevel: byLevel.map((r) => ({
            serviceLevel: r.key,
            parcels: r.parcels,
            grossWeightG: r.weight,
          })),
          byCountry,
          byDay: [...days.values()].sort(
            (a, b) => a.date.localeCompare(b.date) || a.country.localeCompare(b.country),
          ),
          byCorridor: corridors.flows,
          byCorridorDay: corridors.days,
          planId: corridors.planId,
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
    const conditions: Expression<SqlBool>[] = [];
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
): Promise<(GroupRow & { key: string })[]> {
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

/** Most parcels of a plan read one by one for the corridor figures; a larger plan gives departures only. */
const MAX_PLAN_PARCELS = 300_000;

type CorridorFlow = {
  corridor: Corridor;
  departures: number;
  containers: number;
  parcels: number;
  grossWeightG: number;
  declaredValueMinor: number;
};
type CorridorDay = {
  date: string;
  corridor: Corridor;
  parcels: number;
  grossWeightG: number;
  declaredValueMinor: number;
};

/**
 * Planned flows by corridor from the newest finished plan in scope (the seller's own plans for a seller),
 * each parcel counted once, on the corridor of its first ride out of Chongqing. With the plan's
 * per-parcel rides (`parcels[].rides[].departureId`, a departure id being `<serviceId>@<local time>`),
 * parcels, weight and declared value are summed by corridor and by ready day; without them, only
 * departures and containers leaving the hub area are counted. The result is read defensively.
 */
async function corridorFlows(
  store: Store,
  network: Network,
  fx: Hub['fx'],
  currency: Currency,
  filter: StatsFilter,
  offsetMs: number,
): Promise<{ planId: string | null; flows: CorridorFlow[]; days: CorridorDay[] }> {
  const sellerId = filter.sellerId;
  const row = await store.db
    .selectFrom('plans')
    .select(['id', 'result'])
    .where('status', '=', 'done')
    .where((eb) => (sellerId === undefined ? eb('seller_id', 'is', null) : eb('seller_id', '=', sellerId)))
    .orderBy('updated_at_ms', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row?.result == null) return { planId: null, flows: [], days: [] };
  let result: { departures?: unknown; parcels?: unknown } | null;
  try {
    result = JSON.parse(row.result) as typeof result;
  } catch {
    return { planId: row.id, flows: [], days: [] };
  }
  const services = new Map(network.services.map((s) => [s.id, s]));
  // Where cargo leaves the hub area: the hub and the terminals its transfers reach.
  const firstOrigins = new Set([
    network.hub,
    ...network.transfers.filter((t) => t.from === network.hub).map((t) => t.to),
  ]);
  const flows = new Map<Corridor, CorridorFlow>();
  const flowOf = (corridor: Corridor) => {
    let f = flows.get(corridor);
    if (!f) {
      f = { corridor, departures: 0, containers: 0, parcels: 0, grossWeightG: 0, declaredValueMinor: 0 };
      flows.set(corridor, f);
    }
    return f;
  };
  const departures = Array.isArray(result?.departures)
    ? (result.departures as Record<string, unknown>[])
    : [];
  for (const d of departures) {
    const service = typeof d?.serviceId === 'string' ? services.get(d.serviceId) : undefined;
    if (!service || !firstOrigins.has(service.legs[0]?.from ?? '')) continue;
    const f = flowOf(service.corridor);
    f.departures += 1;
    f.containers += Array.isArray(d.containers) ? d.containers.length : 0;
  }

  const planned = Array.isArray(result?.parcels) ? (result.parcels as Record<string, unknown>[]) : [];
  const corridorOf = new Map<string, Corridor>();
  if (planned.length <= MAX_PLAN_PARCELS) {
    for (const p of planned) {
      const rides = Array.isArray(p?.rides) ? (p.rides as { departureId?: unknown }[]) : [];
      const departureId = rides[0]?.departureId;
      if (typeof p.id !== 'string' || typeof departureId !== 'string') continue;
      const service = services.get(departureId.split('@')[0] ?? '');
      if (service) corridorOf.set(p.id, service.corridor);
    }
  }
  const days = new Map<string, CorridorDay>();
  if (corridorOf.size > 0) {
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
    for (const r of rows) {
      const corridor = corridorOf.get(r.id);
      if (corridor === undefined) continue;
      const date = new Date(Number(r.day) * DAY_MS).toISOString().slice(0, 10);
      const value =
        r.value === null || r.currency === null
          ? 0
          : (fx.convert(Number(r.value), r.currency as Currency, currency, date) ?? 0);
      const f = flowOf(corridor);
      f.parcels += 1;
      f.grossWeightG += Number(r.weight);
      f.declaredValueMinor += value;
      const key = `${date}|${corridor}`;
      const d = days.get(key) ?? { date, corridor, parcels: 0, grossWeightG: 0, declaredValueMinor: 0 };
      d.parcels += 1;
      d.grossWeightG += Number(r.weight);
      d.declaredValueMinor += value;
      days.set(key, d);
    }
  }
  return {
    planId: row.id,
    flows: [...flows.values()].sort((a, b) => b.parcels - a.parcels || b.departures - a.departures),
    days: [...days.values()].sort(
      (a, b) => a.date.localeCompare(b.date) || a.corridor.localeCompare(b.corridor),
    ),
  };
}
