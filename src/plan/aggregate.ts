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
  readonly weightG: number;
  readonly volumeMm3: number;
  /** Σ max(kg, dm³ / 6) over the parcels. */
  readonly chargeableKg: number;
  /** Indices of the parcels, sorted by promised day (then index). */
  readonly parcels: Int32Array;
  /** Distinct promised days, ascending, with how many parcels each. */
  readonly promiseDays: Int32Array;
  readonly promiseCounts: Int32Array;
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
 * itineraries. Classes whose key is in `banded` are split further by volume (bands
 * `settings.sizeBandOctaves` doublings wide): where capacity is scarce, which sizes ride matters. Parcels no zone serves, or too big for the zone's partner, or
 * with no itinerary at all, are held with the reason.
 */
export function aggregate(
  ctx: PlanContext,
  parcels: PlanParcels,
  banded: ReadonlySet<string> = new Set(),
): Aggregation {
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
    const base = `${bucket}|${z}|${parcels.dgBits[i]}|${parcels.hsBits[i]}|${size}`;
    const octaves = ctx.settings.sizeBandOctaves;
    const key =
      octaves > 0 && banded.has(base)
        ? `${base}|${Math.floor(Math.log2(Math.max(1, parcels.volumeMm3[i]!) / 1e6) / octaves)}`
        : base;
    let rc = classIndex.get(key);
    if (rc === undefined) {
      rc = routeClasses.length;
      classIndex.set(key, rc);
      routeClasses.push({
        key: base,
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
    if (list.length === 0) return;
    list.sort((a, b) => parcels.promiseDay[a]! - parcels.promiseDay[b]! || a - b);
    let w = 0;
    let v = 0;
    let ch = 0;
    const days: number[] = [];
    const counts: number[] = [];
    for (const i of list) {
      const pw = parcels.weightG[i]!;
      const pv = parcels.volumeMm3[i]!;
      w += pw;
      v += pv;
      ch += Math.max(pw / 1000, pv / 6e6);
      const day = parcels.promiseDay[i]!;
      if (days.length > 0 && days[days.length - 1] === day) counts[counts.length - 1]!++;
      else {
        days.push(day);
        counts.push(1);
      }
    }
    const ws = new Float64Array(list.length);
    const vs = new Float64Array(list.length);
    list.forEach((p, i) => {
      ws[i] = parcels.weightG[p]!;
      vs[i] = parcels.volumeMm3[p]!;
    });
    commodities.push({
      routeClass: rc,
      count: list.length,
      weightPrefixG: prefixSums(ws),
      volumePrefixMm3: prefixSums(vs),
      weightG: w,
      volumeMm3: v,
      chargeableKg: ch,
      parcels: Int32Array.from(list),
      promiseDays: Int32Array.from(days),
      promiseCounts: Int32Array.from(counts),
    });
  });
  held.sort((a, b) => a.parcel - b.parcel);
  return { routeClasses: classes, candidates, commodities, held };
}

/**
 * The same parcels with one commodity per parcel: the parcel-level model, for comparison with the
 * aggregated one (much larger; the benchmark solves it under a time limit).
 */
export function disaggregate(agg: Aggregation, parcels: PlanParcels): Aggregation {
  const commodities: Commodity[] = [];
  for (const c of agg.commodities) {
    for (let i = 0; i < c.parcels.length; i++) {
      const p = c.parcels[i]!;
      const w = parcels.weightG[p]!;
      const v = parcels.volumeMm3[p]!;
      let day = c.promiseDays[0]!;
      let seen = 0;
      for (let k = 0; k < c.promiseDays.length; k++) {
        seen += c.promiseCounts[k]!;
        if (i < seen) {
          day = c.promiseDays[k]!;
          break;
        }
      }
      commodities.push({
        routeClass: c.routeClass,
        count: 1,
        weightG: w,
        volumeMm3: v,
        chargeableKg: Math.max(w / 1000, v / 6e6),
        parcels: Int32Array.of(p),
        promiseDays: Int32Array.of(day),
        promiseCounts: Int32Array.of(1),
        weightPrefixG: Float64Array.of(0, w),
        volumePrefixMm3: Float64Array.of(0, v),
      });
    }
  }
  return { ...agg, commodities };
}
