import { candidatesFor, type PlanCandidate, type RouteClass } from './candidates.ts';
import { type PlanContext, readyBucket } from './context.ts';
import type { PlanParcels } from './parcels.ts';

/**
 * The parcels of one route class: interchangeable for the routes they may take, so the model decides
 * how many ride each candidate; who rides which is settled by matching promises to delivery days.
 */
export interface Commodity {
  readonly routeClass: number;
  readonly count: number;
  /** Indices of the parcels, sorted by promised day (then index). */
  readonly parcels: Int32Array;
  /** Running sums of the parcels' weights (g) and volumes (mm³), each sorted ascending, from 0: the lightest n weigh weightPrefixG[n]. */
  readonly weightPrefixG: Float64Array;
  readonly volumePrefixMm3: Float64Array;
}

/** Most parcels of `c` one container of this payload and (filled) volume can hold: the lightest and smallest together. */
export function mostParcelsIn(c: Commodity, payloadG: number, volumeMm3: number): number {
  let lo = 0;
  let hi = c.count;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (c.weightPrefixG[mid]! <= payloadG && c.volumePrefixMm3[mid]! <= volumeMm3) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function prefixSums(values: Float64Array): Float64Array {
  values.sort();
  const out = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) out[i + 1] = out[i]! + values[i]!;
  return out;
}

export type HoldReason = 'no-zone' | 'refused-by-last-mile' | 'ready-after-horizon' | 'no-itinerary';

export interface Aggregation {
  readonly routeClasses: readonly RouteClass[];
  readonly candidates: readonly (readonly PlanCandidate[])[];
  readonly commodities: readonly Commodity[];
  /** Parcels the plan cannot carry, with why. */
  readonly held: readonly { readonly parcel: number; readonly reason: HoldReason }[];
}

/**
 * Groups parcels into route classes (ready bucket × zone × dangerous goods × sanctioned HS × size
 * against each route's piece limits), one commodity each, and finds each route class's candidate
 * itineraries. Parcels no zone serves, or too big for the zone's partner, or with no itinerary at
 * all, are held with the reason.
 */
export function aggregate(ctx: PlanContext, parcels: PlanParcels): Aggregation {
  const zones = ctx.network.lastMile;
  const sizeTuples: { w: number; l: number; h: number }[] = [];
  const tupleKeys = new Set<string>();
  for (const p of ctx.patterns) {
    const key = `${p.maxPieceWeightG}|${p.maxPieceLengthMm}|${p.maxPieceHeightMm}`;
    if (tupleKeys.has(key)) continue;
    tupleKeys.add(key);
    sizeTuples.push({ w: p.maxPieceWeightG, l: p.maxPieceLengthMm, h: p.maxPieceHeightMm });
  }

  const held: { parcel: number; reason: HoldReason }[] = [];
  const classIndex = new Map<string, number>();
  const routeClasses: RouteClass[] = [];
  const classMax: { w: number; l: number; h: number }[] = [];
  const parcelClass = new Int32Array(parcels.count).fill(-1);

  for (let i = 0; i < parcels.count; i++) {
    const z = parcels.zone[i]!;
    if (z < 0) {
      held.push({ parcel: i, reason: 'no-zone' });
      continue;
    }
    const zone = zones[z]!;
    const w = parcels.weightG[i]!;
    const l = parcels.longestMm[i]!;
    const h = parcels.shortestMm[i]!;
    if (
      w > zone.maxWeightG ||
      l > zone.maxLengthMm ||
      (zone.maxGirthMm !== undefined && parcels.girthMm[i]! > zone.maxGirthMm)
    ) {
      held.push({ parcel: i, reason: 'refused-by-last-mile' });
      continue;
    }
    const bucket = readyBucket(ctx, parcels.readyAtMs[i]!);
    if (bucket >= ctx.hubCutoffs.length) {
      held.push({ parcel: i, reason: 'ready-after-horizon' });
      continue;
    }
    let size = 0;
    for (let k = 0; k < sizeTuples.length; k++) {
      const t = sizeTuples[k]!;
      if (w > t.w || l > t.l || h > t.h) size |= 1 << k;
    }
    const key = `${bucket}|${z}|${parcels.dgBits[i]}|${parcels.hsBits[i]}|${size}`;
    let rc = classIndex.get(key);
    if (rc === undefined) {
      rc = routeClasses.length;
      classIndex.set(key, rc);
      routeClasses.push({
        key,
        bucket,
        zone: z,
        dgBits: parcels.dgBits[i]!,
        hsBits: parcels.hsBits[i]!,
        maxWeightG: 0,
        maxLongestMm: 0,
        maxShortestMm: 0,
      });
      classMax.push({ w: 0, l: 0, h: 0 });
    }
    const m = classMax[rc]!;
    if (w > m.w) m.w = w;
    if (l > m.l) m.l = l;
    if (h > m.h) m.h = h;
    parcelClass[i] = rc;
  }
  const classes = routeClasses.map((rc, i) => ({
    ...rc,
    maxWeightG: classMax[i]!.w,
    maxLongestMm: classMax[i]!.l,
    maxShortestMm: classMax[i]!.h,
  }));
  const candidates = classes.map((rc) => candidatesFor(ctx, rc));

  // Commodities: one per route class that has an itinerary; parcels sorted by promised day.
  const members: number[][] = classes.map(() => []);
  for (let i = 0; i < parcels.count; i++) {
    const rc = parcelClass[i]!;
    if (rc < 0) continue;
    if (candidates[rc]!.length === 0) held.push({ parcel: i, reason: 'no-itinerary' });
    else members[rc]!.push(i);
  }
  const commodities: Commodity[] = [];
  members.forEach((list, rc) => {
    if (list.length > 0) commodities.push(commodityOf(rc, list, parcels));
  });
  held.sort((a, b) => a.parcel - b.parcel);
  return { routeClasses: classes, candidates, commodities, held };
}

/** The commodity of route class `rc` with these parcels: sorted by promised day (then index). */
function commodityOf(rc: number, list: number[], parcels: PlanParcels): Commodity {
  list.sort((a, b) => parcels.promiseDay[a]! - parcels.promiseDay[b]! || a - b);
  return {
    routeClass: rc,
    count: list.length,
    parcels: Int32Array.from(list),
    weightPrefixG: prefixSums(Float64Array.from(list, (p) => parcels.weightG[p]!)),
    volumePrefixMm3: prefixSums(Float64Array.from(list, (p) => parcels.volumeMm3[p]!)),
  };
}

/**
 * The same parcels with one commodity per parcel: the parcel-level model, for comparison (much
 * larger; the benchmark solves it under a time limit).
 */
export function disaggregate(agg: Aggregation, parcels: PlanParcels): Aggregation {
  const commodities: Commodity[] = [];
  for (const c of agg.commodities)
    for (const p of c.parcels) commodities.push(commodityOf(c.routeClass, [p], parcels));
  return { ...agg, commodities };
}

/**
 * Every `every`-th parcel (by index) of the aggregation, in the same route classes: a sample whose
 * relaxation, with capacities scaled by `share`, prices capacity much as the whole does.
 */
export function sampleAggregation(
  agg: Aggregation,
  parcels: PlanParcels,
  every: number,
): { aggregation: Aggregation; share: number } {
  const commodities: Commodity[] = [];
  let total = 0;
  let kept = 0;
  for (const c of agg.commodities) {
    total += c.count;
    const list: number[] = [];
    for (const p of c.parcels) if (p % every === 0) list.push(p);
    if (list.length === 0) continue;
    kept += list.length;
    commodities.push(commodityOf(c.routeClass, list, parcels));
  }
  return { aggregation: { ...agg, commodities }, share: total > 0 ? kept / total : 0 };
}
