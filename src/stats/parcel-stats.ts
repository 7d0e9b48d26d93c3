import { isoDay } from '../domain/days.ts';
import type { Corridor, Currency, CurrencyConverter, Network } from '../domain/index.ts';

/** Most parcels of a plan read one by one for the corridor figures; a larger plan gives departures only. */
const MAX_PLAN_PARCELS = 300_000;

/** Parcels and weight of one group (a status, a service level). */
export interface GroupRow {
  readonly key: string;
  readonly parcels: number;
  readonly weight: number;
}

/** Parcels, weight and declared value of one hub-local ready day (days since the epoch), destination, currency. */
export interface DayRow {
  readonly day: number;
  readonly country: string;
  readonly currency: string | null;
  readonly parcels: number;
  readonly weight: number;
  readonly value: number | null;
}

/** One parcel for the corridor figures: its ready day, weight and declared value. */
export interface ParcelRow {
  readonly id: string;
  readonly day: number;
  readonly weight: number;
  readonly value: number | null;
  readonly currency: string | null;
}

/** What the figures are made of: grouped rows from the store, and the newest plan in scope as stored. */
export interface ParcelStatsInput {
  readonly currency: Currency;
  readonly byStatus: readonly GroupRow[];
  readonly byLevel: readonly GroupRow[];
  readonly byDay: readonly DayRow[];
  /** The newest finished plan in scope: its id and its document as stored JSON, or null. */
  readonly plan: { readonly id: string; readonly json: string } | null;
  /** Every parcel in scope, for the planned flows (empty without a plan). */
  readonly parcels: readonly ParcelRow[];
}

interface Valued {
  parcels: number;
  grossWeightG: number;
  declaredValueMinor: number;
}

/** The figures of the dashboard, scope and zone aside. */
export interface ParcelStats {
  readonly totals: Valued & { readonly unconvertedParcels: number };
  readonly byStatus: readonly { status: string; parcels: number; grossWeightG: number }[];
  readonly byServiceLevel: readonly { serviceLevel: string; parcels: number; grossWeightG: number }[];
  readonly byCountry: readonly (Valued & { country: string })[];
  readonly byDay: readonly (Valued & { date: string; country: string })[];
  readonly byCorridor: readonly (Valued & { corridor: Corridor; departures: number; containers: number })[];
  readonly byCorridorDay: readonly (Valued & { date: string; corridor: Corridor })[];
  readonly planId: string | null;
}

/**
 * The parcel figures of the dashboard from plain rows: counts by status and level, declared values by
 * destination and ready day converted at each day's rate (parcels with no single currency or no rate
 * counted as unconverted), and the planned flows by corridor of the newest plan (each parcel on the
 * corridor of its first ride; without per-parcel rides, departures and containers only). No I/O.
 */
export function parcelStats(input: ParcelStatsInput, network: Network, fx: CurrencyConverter): ParcelStats {
  const days = new Map<string, Valued & { date: string; country: string }>();
  const countries = new Map<string, Valued & { country: string }>();
  let unconverted = 0;
  for (const row of input.byDay) {
    const date = isoDay(row.day);
    let value = 0;
    if (row.currency !== null && row.value !== null) {
      const converted = fx.convert(row.value, row.currency as Currency, input.currency, date);
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
  const sum = (key: keyof Valued) => byCountry.reduce((s, c) => s + c[key], 0);
  const corridors = corridorFlows(input, network, fx);
  return {
    totals: {
      parcels: sum('parcels'),
      grossWeightG: sum('grossWeightG'),
      declaredValueMinor: sum('declaredValueMinor'),
      unconvertedParcels: unconverted,
    },
    byStatus: input.byStatus.map((r) => ({ status: r.key, parcels: r.parcels, grossWeightG: r.weight })),
    byServiceLevel: input.byLevel.map((r) => ({
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
    planId: input.plan?.id ?? null,
  };
}

type CorridorFlow = Valued & { corridor: Corridor; departures: number; containers: number };
type CorridorDay = Valued & { date: string; corridor: Corridor };

/** Planned flows by corridor from the plan's document, read defensively. */
function corridorFlows(
  input: ParcelStatsInput,
  network: Network,
  fx: CurrencyConverter,
): { flows: CorridorFlow[]; days: CorridorDay[] } {
  if (!input.plan) return { flows: [], days: [] };
  let result: { departures?: unknown; parcels?: unknown } | null;
  try {
    result = JSON.parse(input.plan.json) as typeof result;
  } catch {
    return { flows: [], days: [] };
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
    for (const r of input.parcels) {
      const corridor = corridorOf.get(r.id);
      if (corridor === undefined) continue;
      const date = isoDay(r.day);
      const value =
        r.value === null || r.currency === null
          ? 0
          : (fx.convert(r.value, r.currency as Currency, input.currency, date) ?? 0);
      const f = flowOf(corridor);
      f.parcels += 1;
      f.grossWeightG += r.weight;
      f.declaredValueMinor += value;
      const key = `${date}|${corridor}`;
      const d = days.get(key) ?? { date, corridor, parcels: 0, grossWeightG: 0, declaredValueMinor: 0 };
      d.parcels += 1;
      d.grossWeightG += r.weight;
      d.declaredValueMinor += value;
      days.set(key, d);
    }
  }
  return {
    flows: [...flows.values()].sort((a, b) => b.parcels - a.parcels || b.departures - a.departures),
    days: [...days.values()].sort(
      (a, b) => a.date.localeCompare(b.date) || a.corridor.localeCompare(b.corridor),
    ),
  };
}
