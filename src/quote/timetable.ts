import { DAY_MS } from '../domain/days.ts';
import type { Disruption, Network } from '../domain/index.ts';
import { type Departure, expandDepartures } from '../network/index.ts';
import { enumeratePatterns, type PatternLimits, type RoutePattern } from './patterns.ts';

const MINUTE_MS = 60_000;

/** The running departures of one service over the horizon, as columns sorted by cut-off. */
export interface ServiceTimetable {
  readonly departures: readonly Departure[];
  readonly cutoffs: Float64Array;
  /** Scheduled departure (before any delay): a lower bound for every arrival of the run. */
  readonly scheduled: Float64Array;
  /** arrivals[j][i]: arrival of run i at the end of leg j. */
  readonly arrivals: readonly Float64Array[];
  /** Nominal time from scheduled departure to the end of leg j, in ms. */
  readonly nominalOffsetMs: Float64Array;
  /** 1 where the run has no capacity left for new cargo. */
  readonly full: Uint8Array;
}

/** Everything a quote needs that does not depend on the shipment: prepared once per network and horizon. */
export interface QuoteIndex {
  readonly network: Network;
  /** Ready times in [fromMs, untilMs) can be quoted; departures are expanded beyond for the trip itself. */
  readonly fromMs: number;
  readonly untilMs: number;
  readonly timetables: readonly ServiceTimetable[];
  readonly nodeZone: ReadonlyMap<string, string>;
  readonly minTransferMs: ReadonlyMap<string, number>;
  readonly patternsByOrigin: Map<string, RoutePattern[]>;
  readonly patternLimits: PatternLimits;
}

export interface QuoteIndexOptions {
  readonly fromMs: number;
  /** Days of ready times to quote from `fromMs`. */
  readonly horizonDays: number;
  /** Extra days of departures after the horizon, for trips that start late in it. Default 120. */
  readonly tripDays?: number;
  /** Disruptions in force; the network's own when omitted. */
  readonly disruptions?: readonly Disruption[];
  /** Ids of departures that have no capacity left. */
  readonly fullDepartureIds?: ReadonlySet<string>;
  readonly patternLimits?: PatternLimits;
}

/**
 * Expands the network's departures over the horizon and lays them out per service for binary search.
 * Cancelled runs are left out; delayed runs keep their delayed times.
 */
export function prepareQuoteIndex(network: Network, options: QuoteIndexOptions): QuoteIndex {
  const untilMs = options.fromMs + options.horizonDays * DAY_MS;
  const departures = expandDepartures(network, options.fromMs, untilMs + (options.tripDays ?? 120) * DAY_MS, {
    ...(options.disruptions ? { disruptions: options.disruptions } : {}),
  });
  const byService = new Map<string, Departure[]>();
  for (const d of departures) {
    const list = byService.get(d.serviceId) ?? [];
    list.push(d);
    byService.set(d.serviceId, list);
  }
  const timetables = network.services.map((service): ServiceTimetable => {
    const runs = (byService.get(service.id) ?? []).sort(
      (a, b) => a.cutoffAtMs - b.cutoffAtMs || (a.id < b.id ? -1 : 1),
    );
    const n = runs.length;
    const cutoffs = new Float64Array(n);
    const scheduled = new Float64Array(n);
    const full = new Uint8Array(n);
    const arrivals = service.legs.map(() => new Float64Array(n));
    const nominalOffsetMs = new Float64Array(service.legs.length);
    let offset = 0;
    service.legs.forEach((leg, j) => {
      offset += leg.transitMinutes * MINUTE_MS;
      nominalOffsetMs[j] = offset;
      offset += leg.dwellMinutes * MINUTE_MS;
    });
    runs.forEach((d, i) => {
      cutoffs[i] = d.cutoffAtMs;
      scheduled[i] = d.cutoffAtMs + service.cutoffMinutes * MINUTE_MS;
      full[i] = options.fullDepartureIds?.has(d.id) ? 1 : 0;
      d.legs.forEach((leg, j) => {
        arrivals[j]![i] = leg.arriveAtMs;
      });
    });
    return { departures: runs, cutoffs, scheduled, arrivals, nominalOffsetMs, full };
  });
  return {
    network,
    fromMs: options.fromMs,
    untilMs,
    timetables,
    nodeZone: new Map(network.nodes.map((n) => [n.id, n.zone])),
    minTransferMs: new Map(network.nodes.map((n) => [n.id, n.minTransferMinutes * MINUTE_MS])),
    patternsByOrigin: new Map(),
    patternLimits: options.patternLimits ?? {},
  };
}

/** The route patterns from `origin`, enumerated once and kept on the index. */
export function patternsFrom(index: QuoteIndex, origin: string): RoutePattern[] {
  let patterns = index.patternsByOrigin.get(origin);
  if (!patterns) {
    patterns = enumeratePatterns(index.network, origin, index.patternLimits);
    index.patternsByOrigin.set(origin, patterns);
  }
  return patterns;
}

/** First index i with `sorted[i] >= value` (sorted.length when none). */
export function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The run of a service that reaches stop `alight` earliest for cargo at the origin at `readyMs`: among
 * runs whose cut-off is at or after `readyMs` and that have capacity. Delays can overturn the order of
 * runs, so later runs are checked until no later one could arrive sooner. Returns -1 when none.
 */
export function earliestRun(tt: ServiceTimetable, alight: number, readyMs: number): number {
  const arrivals = tt.arrivals[alight]!;
  const offset = tt.nominalOffsetMs[alight]!;
  let best = -1;
  let bestAt = Number.POSITIVE_INFINITY;
  for (let i = lowerBound(tt.cutoffs, readyMs); i < tt.cutoffs.length; i++) {
    if (tt.scheduled[i]! + offset >= bestAt) break;
    if (tt.full[i] === 1) continue;
    const at = arrivals[i]!;
    if (at < bestAt) {
      bestAt = at;
      best = i;
    }
  }
  return best;
}
