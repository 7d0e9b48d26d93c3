import type { Network } from '../domain/index.ts';

/** One step of a route pattern: a road transfer, or a ride on a service from its first stop to stop `alight`. */
export type PatternStep =
  | { readonly kind: 'transfer'; readonly transfer: number; readonly from: string; readonly to: string }
  | {
      readonly kind: 'ride';
      readonly service: number;
      readonly alight: number;
      readonly from: string;
      readonly to: string;
    };

/**
 * A route pattern: a sequence of transfers and service rides from an origin to a node, visiting no
 * node twice. Costs and emissions depend on the pattern, not on the dates, so the dated search only
 * needs the earliest feasible departures along each pattern.
 */
export interface RoutePattern {
  readonly id: string;
  readonly origin: string;
  readonly end: string;
  readonly steps: readonly PatternStep[];
  readonly rides: number;
  /** Σ distance × intensity over every leg and transfer: g CO2e per tonne carried. */
  readonly co2eGPerT: number;
  readonly distanceKm: number;
  /** UN numbers refused somewhere along the pattern. */
  readonly forbiddenUnNumbers: ReadonlySet<string>;
  readonly forbiddenHsPrefixes: readonly string[];
  readonly maxPieceWeightG: number;
  readonly maxPieceLengthMm: number;
  readonly maxPieceHeightMm: number;
}

export interface PatternLimits {
  /** Most service rides in one itinerary. Default 3. */
  readonly maxRides?: number;
  /** Most transfers in one itinerary. Default 2. */
  readonly maxTransfers?: number;
}

/**
 * Enumerates every route pattern from `origin` within the limits. Boarding is at a service's first
 * stop; alighting at any later stop. Transfers run one way, as listed.
 */
export function enumeratePatterns(
  network: Network,
  origin: string,
  limits: PatternLimits = {},
): RoutePattern[] {
  const maxRides = limits.maxRides ?? 3;
  const maxTransfers = limits.maxTransfers ?? 2;
  const servicesFrom = new Map<string, number[]>();
  network.services.forEach((s, i) => {
    const from = s.legs[0]!.from;
    servicesFrom.set(from, [...(servicesFrom.get(from) ?? []), i]);
  });
  const transfersFrom = new Map<string, number[]>();
  network.transfers.forEach((t, i) => {
    transfersFrom.set(t.from, [...(transfersFrom.get(t.from) ?? []), i]);
  });

  const out: RoutePattern[] = [];
  const visited = new Set<string>([origin]);
  const steps: PatternStep[] = [];

  const emit = (end: string) => {
    let co2 = 0;
    let km = 0;
    const forbidden = new Set<string>();
    const hs: string[] = [];
    let maxW = Number.POSITIVE_INFINITY;
    let maxL = Number.POSITIVE_INFINITY;
    let maxH = Number.POSITIVE_INFINITY;
    let rides = 0;
    const ids: string[] = [];
    for (const step of steps) {
      if (step.kind === 'transfer') {
        const t = network.transfers[step.transfer]!;
        co2 += t.distanceKm * t.co2eGPerTkm;
        km += t.distanceKm;
        ids.push(`${t.from}>${t.to}`);
        continue;
      }
      rides++;
      const s = network.services[step.service]!;
      for (let j = 0; j <= step.alight; j++) {
        const leg = s.legs[j]!;
        co2 += leg.distanceKm * leg.co2eGPerTkm;
        km += leg.distanceKm;
      }
      for (const un of s.restrictions.forbiddenUnNumbers) forbidden.add(un);
      hs.push(...s.restrictions.forbiddenHsPrefixes);
      if (s.restrictions.maxPieceWeightG !== undefined) maxW = Math.min(maxW, s.restrictions.maxPieceWeightG);
      if (s.restrictions.maxPieceLengthMm !== undefined)
        maxL = Math.min(maxL, s.restrictions.maxPieceLengthMm);
      if (s.restrictions.maxPieceHeightMm !== undefined)
        maxH = Math.min(maxH, s.restrictions.maxPieceHeightMm);
      ids.push(`${s.id}:${step.to}`);
    }
    out.push({
      id: ids.join('/'),
      origin,
      end,
      steps: [...steps],
      rides,
      co2eGPerT: co2,
      distanceKm: km,
      forbiddenUnNumbers: forbidden,
      forbiddenHsPrefixes: [...new Set(hs)],
      maxPieceWeightG: maxW,
      maxPieceLengthMm: maxL,
      maxPieceHeightMm: maxH,
    });
  };

  const walk = (node: string, rides: number, transfers: number) => {
    if (steps.length > 0) emit(node);
    if (transfers < maxTransfers) {
      for (const ti of transfersFrom.get(node) ?? []) {
        const t = network.transfers[ti]!;
        if (visited.has(t.to)) continue;
        visited.add(t.to);
        steps.push({ kind: 'transfer', transfer: ti, from: node, to: t.to });
        walk(t.to, rides, transfers + 1);
        steps.pop();
        visited.delete(t.to);
      }
    }
    if (rides < maxRides) {
      for (const si of servicesFrom.get(node) ?? []) {
        const legs = network.services[si]!.legs;
        const added: string[] = [];
        for (let j = 0; j < legs.length; j++) {
          const stop = legs[j]!.to;
          if (visited.has(stop)) break;
          visited.add(stop);
          added.push(stop);
          steps.push({ kind: 'ride', service: si, alight: j, from: node, to: stop });
          walk(stop, rides + 1, transfers);
          steps.pop();
        }
        for (const stop of added) visited.delete(stop);
      }
    }
  };
  walk(origin, 0, 0);
  return out;
}
