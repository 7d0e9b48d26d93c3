import type { Aggregation } from './aggregate.ts';
import { ownChargesMinor, type PlanCandidate } from './candidates.ts';
import type { PlanContext } from './context.ts';
import { Master } from './master.ts';
import type { PlanParcels } from './parcels.ts';
import { commodityOn, type PricingSettings, type PricingTable, pricingTable } from './pricing.ts';
import type { CommodityMix } from './relaxation.ts';
import type { MipModel, MipSolver } from './solver.ts';

// From the relaxation's fractional plan to parcels: each parcel's candidate in the master's mixes,
// the contested ones settled by a parcel-level LP; and the parcel-level model itself, for comparison.

/**
 * Each parcel's candidate in a relaxation's solution: `choice` per parcel (index in its commodity's
 * candidates; −1 held, or not in any commodity), and, for the few parcels the solution still splits,
 * their other candidates (−1 for held), most weight first.
 */
export interface SettledParcels {
  readonly choice: Int16Array;
  readonly split: ReadonlyMap<number, readonly number[]>;
  /** Parcels the commodities' mixes split before they were settled one by one. */
  readonly contested: number;
}

/**
 * Parcels where all of their commodity's mixed assignments agree take that candidate; the others
 * are split, with their candidates by the weight the mix gives them.
 */
export function parcelsFromMixes(
  agg: Aggregation,
  mixes: readonly (readonly CommodityMix[])[],
  count: number,
): SettledParcels {
  const choice = new Int16Array(count).fill(-1);
  const split = new Map<number, number[]>();
  agg.commodities.forEach((c, ci) => {
    const mix = mixes[ci]!;
    for (let i = 0; i < c.parcels.length; i++) {
      const p = c.parcels[i]!;
      const first = mix[0]?.choice[i] ?? -1;
      let agreed = true;
      for (let m = 1; m < mix.length && agreed; m++) if (mix[m]!.choice[i] !== first) agreed = false;
      if (agreed) {
        choice[p] = first;
        continue;
      }
      const weight = new Map<number, number>();
      for (const m of mix) weight.set(m.choice[i]!, (weight.get(m.choice[i]!) ?? 0) + m.weight);
      const order = [...weight].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([k]) => k);
      choice[p] = order[0]!;
      split.set(p, order.slice(1));
    }
  });
  return { choice, split, contested: split.size };
}

/**
 * The relaxation's solution parcel by parcel. The master mixes whole assignments of a commodity, so
 * where a commodity's mix disagrees, thousands of its parcels may be split. Those contested parcels
 * are solved again as a parcel-level LP (each its own commodity, every candidate a column) with the
 * capacity the settled parcels leave: a vertex of that LP splits at most as many parcels as it has
 * capacity rows, so nearly every parcel ends with one candidate.
 */
export function settleParcels(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  table: PricingTable,
  mixes: readonly (readonly CommodityMix[])[],
  solver: MipSolver,
  settings: PricingSettings,
  upTo = Number.POSITIVE_INFINITY,
): SettledParcels {
  const first = parcelsFromMixes(agg, mixes, parcels.count);
  if (first.split.size === 0 || first.split.size > upTo) return first;
  // What the settled parcels put on each departure (by key).
  const kg = new Map<number, number>();
  const m3 = new Map<number, number>();
  const contested: { commodity: number; parcel: number }[] = [];
  agg.commodities.forEach((c, ci) => {
    const list = table.commodities[ci]!.candidates;
    for (const p of c.parcels) {
      if (first.split.has(p)) {
        contested.push({ commodity: ci, parcel: p });
        continue;
      }
      const k = first.choice[p]!;
      if (k < 0) continue;
      for (const r of list[k]!.rides) {
        kg.set(r.departure, (kg.get(r.departure) ?? 0) + parcels.weightG[p]! / 1000);
        m3.set(r.departure, (m3.get(r.departure) ?? 0) + parcels.volumeMm3[p]! / 1e9);
      }
    }
  });
  const single: Aggregation = {
    ...agg,
    commodities: contested.map(({ commodity, parcel }) => ({
      routeClass: agg.commodities[commodity]!.routeClass,
      count: 1,
      parcels: Int32Array.of(parcel),
      weightPrefixG: Float64Array.of(0, parcels.weightG[parcel]!),
      volumePrefixMm3: Float64Array.of(0, parcels.volumeMm3[parcel]!),
    })),
  };
  const sub = pricingTable(ctx, single);
  const master = new Master(sub, single, settings.holdPenaltyMinor, {
    kg: Float64Array.from(sub.departures, (d) => kg.get(d.key) ?? 0),
    m3: Float64Array.from(sub.departures, (d) => m3.get(d.key) ?? 0),
  });
  single.commodities.forEach((_, ci) => {
    master.addHold(ci);
    const n = sub.commodities[ci]!.candidates.length;
    for (let k = 0; k < n; k++) master.addColumn(ci, commodityOn(sub, single, ci, parcels, settings, k));
  });
  const lp = solver.solve(master.build(), { timeLimitSeconds: 600, relativeGap: 1e-6, relaxed: true });
  if (lp.status !== 'optimal') return first;
  const again = parcelsFromMixes(single, master.mixes(lp.x), parcels.count);
  const choice = Int16Array.from(first.choice);
  const split = new Map<number, readonly number[]>();
  for (const { parcel } of contested) {
    choice[parcel] = again.choice[parcel]!;
    const rest = again.split.get(parcel);
    if (rest) split.set(parcel, rest);
  }
  return { choice, split, contested: contested.length };
}

/**
 * The parcel-level model itself, for comparison: one commodity per parcel (`disaggregate`), each of
 * its candidates a column from the start, container counts integer: what HiGHS solves on it under a
 * time limit is the baseline the planner must not be above. With `pruned`, a parcel keeps only the
 * candidates on its Pareto front of delivery day and estimated cost (own charges plus its share of a
 * full container), which keeps the model within HiGHS's WebAssembly memory at 100,000 parcels.
 * `mixes` reads a solution back for `assignParcels`.
 */
export function parcelLevelModel(
  ctx: PlanContext,
  parcels: PlanParcels,
  single: Aggregation,
  settings: PricingSettings,
  pruned = true,
): { model: MipModel; mixes: (x: Float64Array) => CommodityMix[][]; table: PricingTable } {
  const table = pricingTable(ctx, single);
  const master = new Master(table, single, settings.holdPenaltyMinor);
  single.commodities.forEach((c, ci) => {
    master.addHold(ci);
    const t = table.commodities[ci]!;
    const p = c.parcels[0]!;
    const keep = pruned
      ? paretoFront(ctx, t.candidates, parcels.weightG[p]!, parcels.volumeMm3[p]!)
      : t.candidates.map((_, k) => k);
    for (const k of keep) master.addColumn(ci, commodityOn(table, single, ci, parcels, settings, k));
  });
  return { model: master.build(), mixes: (x) => master.mixes(x), table };
}

/** Candidates (indices) no other beats on both delivery day and estimated cost for a parcel. */
function paretoFront(
  ctx: PlanContext,
  list: readonly PlanCandidate[],
  weightG: number,
  volumeMm3: number,
): number[] {
  const cost = list.map((k) => {
    let c = ownChargesMinor(k, weightG, volumeMm3);
    for (const r of k.rides) {
      if (!r.containerised) continue;
      const d = ctx.departures.get(r.departure)!;
      let share = Number.POSITIVE_INFINITY;
      for (const t of d.containers)
        share = Math.min(share, t.costMinor * Math.max(weightG / t.payloadG, volumeMm3 / t.volumeMm3));
      c += share;
    }
    return c;
  });
  const out: number[] = [];
  list.forEach((a, i) => {
    const beaten = list.some(
      (b, j) =>
        j !== i &&
        b.deliveryDay <= a.deliveryDay &&
        cost[j]! <= cost[i]! &&
        (b.deliveryDay < a.deliveryDay || cost[j]! < cost[i]! || j < i),
    );
    if (!beaten) out.push(i);
  });
  return out;
}
