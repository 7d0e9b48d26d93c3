import { DAY_MS } from '../domain/days.ts';
import type { ContainerType, Currency, CurrencyConverter, Equipment, Network } from '../domain/index.ts';
import { localDate } from '../network/index.ts';
import {
  lowerBound,
  patternsFrom,
  prepareQuoteIndex,
  type QuoteIndex,
  type RoutePattern,
} from '../quote/index.ts';
import { DG_BITS, epochDay } from './parcels.ts';

const MINUTE_MS = 60_000;

/** Money and policy the planner weighs, all in the plan's currency. */
export interface PlanSettings {
  /** The plan's currency: every cost is converted to it at the rates of the horizon's first day. */
  readonly currency: Currency;
  /** Penalty per parcel per day delivered after its promised date, minor units. Default 500 (USD 5). */
  readonly latePenaltyMinorPerDay: number;
  /** Carbon price per tonne CO2e, minor units; 0 for none. */
  readonly carbonPriceMinorPerTonne: number;
  /**
   * Share of a container's inside volume the hub fills with cartons (3D packing leaves gaps); the
   * weight limit is the payload. Default 0.65: at 0.85 the 3D loader (`src/load`) could not place the
   * planned cartons of 5 of 50 containers at 100,000 parcels and 467 parcels had to move; at 0.65, 49
   * of 50 load first time and the plan costs less (bench:plan, 2026-12-07).
   */
  readonly containerFill: number;
  /** Later first departures kept per route pattern beside the earliest, for consolidation. Default 1. */
  readonly laterDepartures: number;
  /** Cost of leaving a parcel unplanned when no candidate has room (held for the next plan). Default 45,000. */
  readonly holdPenaltyMinor: number;
}

export const DEFAULT_PLAN_SETTINGS: PlanSettings = {
  currency: 'USD',
  latePenaltyMinorPerDay: 500,
  carbonPriceMinorPerTonne: 0,
  containerFill: 0.65,
  laterDepartures: 1,
  holdPenaltyMinor: 45_000,
};

/** A departure as the plan sees it: a run of a service. */
export interface PlanDeparture {
  readonly key: number;
  readonly service: number;
  readonly run: number;
  readonly id: string;
  /** Container types with slots and price per container (plan currency, minor units). */
  readonly containers: readonly {
    readonly type: ContainerType;
    readonly slots: number;
    readonly costMinor: number;
    readonly payloadG: number;
    readonly volumeMm3: number;
  }[];
  /** Loose capacity (air): kg and litres; Infinity when the service has none. */
  readonly weightCapG: number;
  readonly volumeCapMm3: number;
}

/** Everything about the network and horizon a plan needs, prepared once. */
export interface PlanContext {
  readonly network: Network;
  readonly index: QuoteIndex;
  readonly patterns: readonly RoutePattern[];
  readonly settings: PlanSettings;
  readonly equipment: ReadonlyMap<ContainerType, Equipment>;
  /** Multiply an amount in `from` by this to get plan-currency minor units (float, for weighing only). */
  readonly rate: (from: Currency) => number;
  /** Sorted distinct instants by which cargo must leave the hub to catch some first ride. */
  readonly hubCutoffs: Float64Array;
  /** Bits of dangerous goods each pattern refuses. */
  readonly patternDgBits: Uint8Array;
  /** Bits of the network's forbidden HS prefixes each pattern refuses. */
  readonly patternHsBits: Uint32Array;
  readonly departures: Map<number, PlanDeparture>;
  readonly fromMs: number;
  readonly untilMs: number;
  /** Epoch day of the gateway's local date for an instant: cached per zone. */
  readonly dayAt: (ms: number, zone: string) => number;
}

/** Key of run `run` of service `service`: one number, for maps and sorting. */
export const departureKey = (service: number, run: number) => service * 1_000_000 + run;

/**
 * Prepares the network for planning parcels ready in [fromMs, fromMs + horizonDays): departures
 * (with trip days beyond), route patterns from the hub, the cut-off instants that split ready times
 * into buckets, and exchange rates into the plan currency at the first day's reference rates.
 */
export function preparePlanContext(
  network: Network,
  fromMs: number,
  horizonDays: number,
  fx: CurrencyConverter,
  settings: Partial<PlanSettings> = {},
  options: { fullDepartureIds?: ReadonlySet<string> } = {},
): PlanContext {
  const s: PlanSettings = { ...DEFAULT_PLAN_SETTINGS, ...settings };
  const index = prepareQuoteIndex(network, {
    fromMs,
    horizonDays,
    tripDays: 120,
    ...(options.fullDepartureIds ? { fullDepartureIds: options.fullDepartureIds } : {}),
  });
  const patterns = patternsFrom(index, network.hub);
  const date = new Date(fromMs).toISOString().slice(0, 10);
  const rates = new Map<Currency, number>();
  const rate = (from: Currency): number => {
    let r = rates.get(from);
    if (r === undefined) {
      const big = 1_000_000_000;
      const converted = from === s.currency ? big : fx.convert(big, from, s.currency, date);
      if (converted === undefined) throw new Error(`no exchange rate ${from}→${s.currency} on ${date}`);
      r = converted / big;
      rates.set(from, r);
    }
    return r;
  };

  // Hub cut-offs: for each pattern, the instants by which cargo must leave the hub for each run of its first ride.
  const cutoffs: number[] = [];
  for (const p of patterns) {
    let leadMs = 0;
    for (const step of p.steps) {
      if (step.kind === 'transfer') {
        leadMs += network.transfers[step.transfer]!.minutes * MINUTE_MS;
        continue;
      }
      const tt = index.timetables[step.service]!;
      for (let i = 0; i < tt.cutoffs.length; i++) cutoffs.push(tt.cutoffs[i]! - leadMs);
      break;
    }
  }
  cutoffs.sort((a, b) => a - b);
  const unique: number[] = [];
  for (const c of cutoffs) if (unique.length === 0 || unique[unique.length - 1] !== c) unique.push(c);

  const hsPrefixes = [...new Set(network.services.flatMap((x) => x.restrictions.forbiddenHsPrefixes))].sort();
  const patternDgBits = new Uint8Array(patterns.length);
  const patternHsBits = new Uint32Array(patterns.length);
  patterns.forEach((p, i) => {
    let dg = 0;
    for (const un of p.forbiddenUnNumbers) dg |= DG_BITS[un] ?? 0;
    patternDgBits[i] = dg;
    let hs = 0;
    hsPrefixes.forEach((prefix, k) => {
      if (p.forbiddenHsPrefixes.includes(prefix)) hs |= 1 << k;
    });
    patternHsBits[i] = hs >>> 0;
  });

  const dayCache = new Map<string, number>();
  const dayAt = (ms: number, zone: string) => {
    const hourKey = `${zone}|${Math.floor(ms / 900_000)}`;
    let d = dayCache.get(hourKey);
    if (d === undefined) {
      d = epochDay(localDate(ms, zone));
      dayCache.set(hourKey, d);
    }
    return d;
  };

  return {
    network,
    index,
    patterns,
    settings: s,
    equipment: new Map(network.equipment.map((e) => [e.type, e])),
    rate,
    hubCutoffs: Float64Array.from(unique),
    patternDgBits,
    patternHsBits,
    departures: new Map(),
    fromMs,
    untilMs: fromMs + horizonDays * DAY_MS,
    dayAt,
  };
}

/** The plan's view of run `run` of service `service`, made once and kept on the context. */
export function planDeparture(ctx: PlanContext, service: number, run: number): PlanDeparture {
  const key = departureKey(service, run);
  let d = ctx.departures.get(key);
  if (!d) {
    const s = ctx.network.services[service]!;
    const rate = ctx.rate(s.tariff.currency);
    d = {
      key,
      service,
      run,
      id: ctx.index.timetables[service]!.departures[run]!.id,
      containers: s.capacity.containers
        .filter((c) => s.tariff.perContainerMinor?.[c.type] !== undefined && ctx.equipment.has(c.type))
        .map((c) => {
          const e = ctx.equipment.get(c.type)!;
          return {
            type: c.type,
            slots: c.count,
            costMinor: s.tariff.perContainerMinor![c.type]! * rate,
            payloadG: e.payloadG,
            volumeMm3: e.innerLengthMm * e.innerWidthMm * e.innerHeightMm * ctx.settings.containerFill,
          };
        }),
      weightCapG: s.capacity.weightKg !== undefined ? s.capacity.weightKg * 1000 : Number.POSITIVE_INFINITY,
      volumeCapMm3: s.capacity.volumeL !== undefined ? s.capacity.volumeL * 1e6 : Number.POSITIVE_INFINITY,
    };
    ctx.departures.set(key, d);
  }
  return d;
}

/** Ready-time bucket of an instant: parcels in one bucket can catch exactly the same runs. */
export function readyBucket(ctx: PlanContext, readyMs: number): number {
  return lowerBound(ctx.hubCutoffs, readyMs);
}
