import { DAY_MS } from '../domain/days.ts';
import { earliestRun, type Load, lineHaulMinor, lowerBound, shareChargeMinor } from '../quote/index.ts';
import { departureKey, type PlanContext, planDeparture } from './context.ts';

const HOUR_MS = 3_600_000;

/** One ride of an itinerary: run `run` of service `service`, alighting after leg `alight`. */
export interface PlanRide {
  readonly service: number;
  readonly run: number;
  readonly alight: number;
  readonly departure: number;
  /** Whether the plan opens containers on this ride (a container rate applies), or buys loose space. */
  readonly containerised: boolean;
}

/**
 * A candidate itinerary for parcels of one route class (ready bucket × zone × restriction signature).
 * Its cost for a parcel is linear: perParcel + perKg × kg + perM3 × m³ + perChargeableKg × chargeable
 * kg (volumetric divisor 6,000) + lateness, plus the containers it fills on containerised rides.
 */
export interface PlanCandidate {
  readonly pattern: number;
  readonly rides: readonly PlanRide[];
  readonly gateway: string;
  readonly arriveMs: number;
  /** Delivery day (days since 1970-01-01) in the gateway's calendar. */
  readonly deliveryDay: number;
  readonly perParcel: number;
  readonly perKg: number;
  readonly perM3: number;
  readonly perChargeableKg: number;
  /** g CO2e per tonne carried. */
  readonly co2eGPerT: number;
}

/** Route class of parcels: what decides which itineraries they may take. */
export interface RouteClass {
  /** Ready bucket, zone, restrictions and size against route limits. */
  readonly key: string;
  readonly bucket: number;
  readonly zone: number;
  readonly dgBits: number;
  readonly hsBits: number;
  /** Largest piece weight, longest and shortest side in the class (for route limits). */
  readonly maxWeightG: number;
  readonly maxLongestMm: number;
  readonly maxShortestMm: number;
}

const PROBE_KG = 1000;

/** Linear coefficients of a tariff or charge: evaluated on unit loads, so any linear tariff is read exactly. */
function unitLoad(weightG: number, volumeMm3: number): Load {
  return {
    kind: 'parcel',
    weightG,
    volumeMm3,
    pieces: 1,
    heaviestPieceG: weightG,
    longestSideMm: 0,
    shortestSideMm: 0,
    girthMm: 0,
    containers: [],
    dangerousGoods: [],
    hsCodes: [],
  };
}

/** Whether route pattern `pi` reaches a gateway of the class's zone and admits its goods and pieces. */
export function patternAdmits(ctx: PlanContext, pi: number, rc: RouteClass): boolean {
  const p = ctx.patterns[pi]!;
  if (!ctx.network.lastMile[rc.zone]!.gateways.includes(p.end)) return false;
  if ((ctx.patternDgBits[pi]! & rc.dgBits) !== 0 || (ctx.patternHsBits[pi]! & rc.hsBits) !== 0) return false;
  return (
    rc.maxWeightG <= p.maxPieceWeightG &&
    rc.maxLongestMm <= p.maxPieceLengthMm &&
    rc.maxShortestMm <= p.maxPieceHeightMm
  );
}

/** A pattern's own charges for parcels of a zone: linear, the same whichever runs it takes. */
export interface PatternCharges {
  readonly perParcel: number;
  readonly perKg: number;
  readonly perM3: number;
  readonly perChargeableKg: number;
  /** Per ride step of the pattern: whether the plan opens containers on it. */
  readonly containerised: readonly boolean[];
}

const chargesCache = new WeakMap<PlanContext, Map<number, PatternCharges | null>>();

/**
 * The own charges of route pattern `pi` for parcels of last-mile zone `zone` (handling, road
 * transfers, loose line-haul, last mile, carbon): they depend on the pattern, not on the dates.
 * Undefined when a loose service cannot price a parcel.
 */
export function patternCharges(ctx: PlanContext, pi: number, zoneIndex: number): PatternCharges | undefined {
  let cache = chargesCache.get(ctx);
  if (!cache) {
    cache = new Map();
    chargesCache.set(ctx, cache);
  }
  const key = pi * 10_000 + zoneIndex;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const net = ctx.network;
  const zone = net.lastMile[zoneIndex]!;
  const p = ctx.patterns[pi]!;
  const s = ctx.settings;
  let perParcel = 0;
  let perKg = 0;
  let perM3 = 0;
  let perChargeableKg = 0;
  const containerised: boolean[] = [];
  let ok = true;
  for (const step of p.steps) {
    if (step.kind === 'transfer') {
      const tr = net.transfers[step.transfer]!;
      if (tr.tariff) {
        const r = ctx.rate(tr.tariff.currency);
        perKg += ((shareChargeMinor(tr.tariff, unitLoad(PROBE_KG * 1000, 0), false) ?? 0) / PROBE_KG) * r;
        perM3 += (shareChargeMinor(tr.tariff, unitLoad(0, 1e9), false) ?? 0) * r;
      }
      continue;
    }
    const service = net.services[step.service]!;
    const boxed = service.capacity.containers.some(
      (c) => service.tariff.perContainerMinor?.[c.type] !== undefined && ctx.equipment.has(c.type),
    );
    containerised.push(boxed);
    if (boxed) continue;
    const r = ctx.rate(service.tariff.currency);
    const t0 = service.tariff;
    if (t0.perChargeableKgMinor !== undefined) perChargeableKg += t0.perChargeableKgMinor * r;
    else {
      const kgCharge = lineHaulMinor(service, unitLoad(PROBE_KG * 1000, 0), ctx.equipment, 1);
      const m3Charge = lineHaulMinor(service, unitLoad(0, 1e9), ctx.equipment, 1);
      if (kgCharge === undefined || m3Charge === undefined) {
        ok = false;
        break;
      }
      perKg += (kgCharge / PROBE_KG) * r;
      perM3 += m3Charge * r;
    }
  }
  if (!ok) {
    cache.set(key, null);
    return undefined;
  }
  const handling = net.hubHandling;
  if (handling) {
    const hRate = ctx.rate(handling.currency);
    perParcel += handling.perParcelMinor * hRate;
    perKg += handling.perKgMinor * hRate;
  }
  const lmRate = ctx.rate(zone.rate.currency);
  perParcel += zone.rate.baseMinor * lmRate;
  perKg += zone.rate.perKgMinor * lmRate;
  // Carbon: kg / 1000 t × g CO2e per t / 1e6 g per t CO2e × price per t CO2e.
  perKg += (p.co2eGPerT * s.carbonPriceMinorPerTonne) / 1e9;
  const out = { perParcel, perKg, perM3, perChargeableKg, containerised };
  cache.set(key, out);
  return out;
}

/**
 * The candidate of a route class on pattern `pi` taking runs `runs` (one per ride step, in order),
 * arriving at the pattern's end at `arriveMs`.
 */
export function candidateOn(
  ctx: PlanContext,
  rc: RouteClass,
  pi: number,
  charges: PatternCharges,
  runs: readonly number[],
  arriveMs: number,
): PlanCandidate {
  const p = ctx.patterns[pi]!;
  const zone = ctx.network.lastMile[rc.zone]!;
  const rides: PlanRide[] = [];
  let r = 0;
  for (const step of p.steps) {
    if (step.kind !== 'ride') continue;
    const run = runs[r]!;
    planDeparture(ctx, step.service, run);
    rides.push({
      service: step.service,
      run,
      alight: step.alight,
      departure: departureKey(step.service, run),
      containerised: charges.containerised[r]!,
    });
    r++;
  }
  const extraDays = zone.gatewayDays[p.end] ?? 0;
  const deliveryMs = arriveMs + zone.clearanceHours * HOUR_MS + (zone.transitDays + extraDays) * DAY_MS;
  return {
    pattern: pi,
    rides,
    gateway: p.end,
    arriveMs,
    deliveryDay: ctx.dayAt(deliveryMs, ctx.index.nodeZone.get(p.end)!),
    perParcel: charges.perParcel,
    perKg: charges.perKg,
    perM3: charges.perM3,
    perChargeableKg: charges.perChargeableKg,
    co2eGPerT: p.co2eGPerT,
  };
}

/** The instant a route class's parcels are ready at the hub (its bucket's cut-off); Infinity when none. */
export function classReadyMs(ctx: PlanContext, rc: RouteClass): number {
  return rc.bucket < ctx.hubCutoffs.length ? ctx.hubCutoffs[rc.bucket]! : Number.POSITIVE_INFINITY;
}

/**
 * The candidate itineraries of a route class: for every route pattern that reaches a gateway of the
 * zone and admits the class, the earliest feasible chain of runs, and chains starting on the next
 * `laterDepartures` first-ride runs (waiting for a later train can fill a container better). The
 * relaxation prices further dated itineraries over the whole timetable (`timetable-pricing.ts`).
 */
export function candidatesFor(ctx: PlanContext, rc: RouteClass): PlanCandidate[] {
  const net = ctx.network;
  const readyMs = classReadyMs(ctx, rc);
  if (!Number.isFinite(readyMs)) return [];
  const out: PlanCandidate[] = [];
  const s = ctx.settings;

  for (let pi = 0; pi < ctx.patterns.length; pi++) {
    const p = ctx.patterns[pi]!;
    if (!patternAdmits(ctx, pi, rc)) continue;
    const charges = patternCharges(ctx, pi, rc.zone);
    if (!charges) continue;

    for (let k = 0; k <= s.laterDepartures; k++) {
      let t = readyMs;
      const runs: number[] = [];
      let ok = true;
      let firstRide = true;
      for (let si = 0; si < p.steps.length && ok; si++) {
        const step = p.steps[si]!;
        if (step.kind === 'transfer') {
          t += net.transfers[step.transfer]!.minutes * 60_000;
          continue;
        }
        const tt = ctx.index.timetables[step.service]!;
        // The k-th run with capacity from the first feasible one, for the first ride; the earliest for later rides.
        let run = -1;
        if (firstRide && k > 0) {
          let skip = k;
          for (let i = lowerBound(tt.cutoffs, t); i < tt.cutoffs.length; i++) {
            if (tt.full[i] === 1) continue;
            if (skip === 0) {
              run = i;
              break;
            }
            skip--;
          }
        } else {
          run = earliestRun(tt, step.alight, t);
        }
        firstRide = false;
        if (run < 0) {
          ok = false;
          break;
        }
        runs.push(run);
        t = tt.arrivals[step.alight]![run]!;
        if (si + 1 < p.steps.length) t += ctx.index.minTransferMs.get(step.to) ?? 0;
      }
      if (!ok) break;
      out.push(candidateOn(ctx, rc, pi, charges, runs, t));
    }
  }
  return dedupe(out);
}

/** Drops candidates that take exactly the same runs to the same gateway as an earlier one. */
function dedupe(list: PlanCandidate[]): PlanCandidate[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const key = `${c.gateway}|${c.rides.map((r) => `${r.departure}:${r.alight}`).join(',')}|${c.pattern}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A parcel's own charges on a candidate (handling, road transfers, loose line-haul, last mile, carbon;
 * no containers, no lateness), rounded to a minor unit: the one expression plans are costed with, so
 * that a bound computed from it holds to the minor unit.
 */
export function ownChargesMinor(c: PlanCandidate, weightG: number, volumeMm3: number): number {
  const kg = weightG / 1000;
  // The same expression, operation for operation, as `priceCommodity`'s inner loop.
  return Math.round(
    c.perParcel +
      c.perKg * kg +
      (c.perM3 * volumeMm3) / 1e9 +
      c.perChargeableKg * Math.max(kg, volumeMm3 / 6e6),
  );
}

/** Per-parcel weighing cost of a candidate for a parcel (without containers), plan-currency minor units. */
export function parcelCost(
  c: PlanCandidate,
  weightG: number,
  volumeMm3: number,
  latePenalty: number,
  promiseDay: number,
): number {
  const kg = weightG / 1000;
  const chargeable = Math.max(kg, volumeMm3 / 6e6);
  const late = Math.max(0, c.deliveryDay - promiseDay);
  return (
    c.perParcel +
    c.perKg * kg +
    (c.perM3 * volumeMm3) / 1e9 +
    c.perChargeableKg * chargeable +
    late * latePenalty
  );
}
