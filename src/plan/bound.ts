import type { Aggregation } from './aggregate.ts';
import type { PlanCandidate } from './candidates.ts';
import type { PlanContext, PlanDeparture } from './context.ts';
import type { ModelLayout } from './model.ts';
import type { PlanParcels } from './parcels.ts';

/**
 * Prices on the departures' capacities, in plan-currency minor units: per kg and per filled m³ of each
 * departure, and per parcel of a commodity riding a departure (the linking rows).
 */
export interface CapacityPrices {
  readonly perKg: Map<number, number>;
  readonly perM3: Map<number, number>;
  /** Key: commodity × 2^20 + departure index in `departures` (see `boundDepartures`). */
  readonly perParcel: Map<number, number>;
}

/** The prices the LP's duals put on capacity (minimisation: ≤ rows have duals ≤ 0). */
export function pricesFromDuals(layout: ModelLayout, rowDual: Float64Array): CapacityPrices {
  const perKg = new Map<number, number>();
  const perM3 = new Map<number, number>();
  const perParcel = new Map<number, number>();
  for (const [key, rows] of layout.departureRows) {
    if (rows.weight >= 0) perKg.set(key, Math.max(0, -(rowDual[rows.weight] ?? 0)));
    if (rows.volume >= 0) perM3.set(key, Math.max(0, -(rowDual[rows.volume] ?? 0)));
  }
  for (const l of layout.links) {
    const price = Math.max(0, -(rowDual[l.row] ?? 0));
    if (price > 0) perParcel.set(linkKey(l.commodity, l.departure), price);
  }
  return { perKg, perM3, perParcel };
}

export const linkKey = (commodity: number, departure: number) => commodity * 4_294_967_296 + departure;

/**
 * A lower bound on the cost of every plan of these parcels over the given itineraries (per commodity),
 * whatever prices are given: Lagrangian relaxation of the departures' capacities and of the linking
 * rows. For prices μ ≥ 0 per departure (kg, m³) and λ ≥ 0 per commodity and departure,
 *
 *   L(μ, λ) = Σ_parcels min( hold penalty, min_k [ own cost on k (charges rounded as plans round them,
 *                            lateness) + Σ_rides μ_d·(kg, m³) + Σ_container rides λ_cd ] )
 *           + Σ_departures, container types min(0, rate − μ_d·(payload, filled m³) − Σ_c λ_cd·a_ct) × slots
 *           − Σ_loose departures μ_d·(capacity kg, m³)
 *
 * where a_ct is the most parcels of c one container of type t holds (so the linking rows hold for every
 * plan). Each term relaxes only capacities and whole containers, so L ≤ the cost of any plan; it is
 * largest at the LP's optimal prices when the LP has a row for every departure and link.
 */
export function lagrangianBound(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  lists: readonly (readonly PlanCandidate[])[],
  prices: CapacityPrices,
  links: ModelLayout['links'],
): { bound: number; subgradient: BoundUsage; departures: readonly PlanDeparture[] } {
  const penalty = ctx.settings.latePenaltyMinorPerDay;
  const hold = ctx.settings.holdPenaltyMinor;
  const { index, deps } = boundDepartures(ctx, lists);
  const m = deps.length;
  const muW = new Float64Array(m);
  const muV = new Float64Array(m);
  deps.forEach((d, i) => {
    muW[i] = prices.perKg.get(d.key) ?? 0;
    muV[i] = prices.perM3.get(d.key) ?? 0;
  });
  const linked = new Set(links.map((l) => linkKey(l.commodity, l.departure)));
  // Container reduced costs: rate − μ·capacity − Σ_c λ_cd·a_ct.
  const reduced = deps.map((d, i) =>
    d.containers.map(
      (t) => Math.round(t.costMinor) - muW[i]! * (t.payloadG / 1000) - muV[i]! * (t.volumeMm3 / 1e9),
    ),
  );
  for (const l of links) {
    const i = index.get(l.departure);
    if (i === undefined) continue;
    const lambda = prices.perParcel.get(linkKey(l.commodity, l.departure)) ?? 0;
    if (lambda === 0) continue;
    l.coefficients.forEach((a, t) => {
      reduced[i]![t]! -= lambda * a;
    });
  }

  const usage: BoundUsage = {
    kg: new Float64Array(m),
    m3: new Float64Array(m),
    parcels: new Map(),
  };
  let total = 0;
  agg.commodities.forEach((c, ci) => {
    const list = lists[ci]!;
    const rides = list.map((k) => dedupedRides(k, index));
    const containerised = list.map((k) => dedupedContainerised(k, index));
    // Only rows that exist (and so enter the containers' reduced costs) may charge parcels.
    const lambda = rides.map((r) =>
      r.map((i) => {
        const key = linkKey(ci, deps[i]!.key);
        return linked.has(key) ? (prices.perParcel.get(key) ?? 0) : 0;
      }),
    );
    for (const p of c.parcels) {
      const w = parcels.weightG[p]!;
      const v = parcels.volumeMm3[p]!;
      const kg = w / 1000;
      const m3 = v / 1e9;
      const chargeable = Math.max(kg, v / 6e6);
      const promise = parcels.promiseDay[p]!;
      let best = hold;
      let bestK = -1;
      for (let k = 0; k < list.length; k++) {
        const cand = list[k]!;
        let cost =
          Math.round(cand.perParcel + cand.perKg * kg + cand.perM3 * m3 + cand.perChargeableKg * chargeable) +
          Math.max(0, cand.deliveryDay - promise) * penalty;
        const r = rides[k]!;
        const lam = lambda[k]!;
        const box = containerised[k]!;
        for (let q = 0; q < r.length; q++) {
          cost += muW[r[q]!]! * kg + muV[r[q]!]! * m3;
          if (box[q]) cost += lam[q]!;
        }
        if (cost < best) {
          best = cost;
          bestK = k;
        }
      }
      total += best;
      if (bestK >= 0) {
        const r = rides[bestK]!;
        const box = containerised[bestK]!;
        for (let q = 0; q < r.length; q++) {
          usage.kg[r[q]!]! += kg;
          usage.m3[r[q]!]! += m3;
          if (box[q]) {
            const key = linkKey(ci, deps[r[q]!]!.key);
            usage.parcels.set(key, (usage.parcels.get(key) ?? 0) + 1);
          }
        }
      }
    }
  });
  // The relaxed containers: every slot of a type whose reduced cost is negative is opened.
  const subgradient: BoundUsage = { kg: usage.kg, m3: usage.m3, parcels: usage.parcels };
  const opened: number[][] = deps.map((d, i) =>
    d.containers.map((t, ti) => (reduced[i]![ti]! < 0 ? t.slots : 0)),
  );
  deps.forEach((d, i) => {
    if (d.containers.length > 0) {
      d.containers.forEach((t, ti) => {
        const y = opened[i]![ti]!;
        if (y === 0) return;
        total += reduced[i]![ti]! * y;
        subgradient.kg[i]! -= (t.payloadG / 1000) * y;
        subgradient.m3[i]! -= (t.volumeMm3 / 1e9) * y;
      });
    } else {
      if (Number.isFinite(d.weightCapG)) {
        total -= muW[i]! * (d.weightCapG / 1000);
        subgradient.kg[i]! -= d.weightCapG / 1000;
      } else subgradient.kg[i] = 0;
      if (Number.isFinite(d.volumeCapMm3)) {
        total -= muV[i]! * (d.volumeCapMm3 / 1e9);
        subgradient.m3[i]! -= d.volumeCapMm3 / 1e9;
      } else subgradient.m3[i] = 0;
    }
  });
  for (const l of links) {
    const i = index.get(l.departure);
    if (i === undefined) continue;
    const key = linkKey(l.commodity, l.departure);
    let room = 0;
    l.coefficients.forEach((a, ti) => {
      room += a * opened[i]![ti]!;
    });
    subgradient.parcels.set(key, (subgradient.parcels.get(key) ?? 0) - room);
  }
  return { bound: total, subgradient, departures: deps };
}

/** What the parcels' choices in a Lagrangian bound use of each departure, less the capacity the relaxation opens: a subgradient of the bound in the prices. */
export interface BoundUsage {
  readonly kg: Float64Array;
  readonly m3: Float64Array;
  readonly parcels: Map<number, number>;
}

/** Departures the itineraries ride, indexed. */
export function boundDepartures(
  ctx: PlanContext,
  lists: readonly (readonly PlanCandidate[])[],
): { index: Map<number, number>; deps: PlanDeparture[] } {
  const index = new Map<number, number>();
  const deps: PlanDeparture[] = [];
  for (const list of lists)
    for (const k of list)
      for (const r of k.rides) {
        if (index.has(r.departure)) continue;
        index.set(r.departure, deps.length);
        deps.push(ctx.departures.get(r.departure)!);
      }
  return { index, deps };
}

function dedupedRides(k: PlanCandidate, index: Map<number, number>): number[] {
  const out: number[] = [];
  for (const r of k.rides) {
    const i = index.get(r.departure)!;
    if (!out.includes(i)) out.push(i);
  }
  return out;
}

function dedupedContainerised(k: PlanCandidate, index: Map<number, number>): boolean[] {
  const seen: number[] = [];
  const out: boolean[] = [];
  for (const r of k.rides) {
    const i = index.get(r.departure)!;
    if (seen.includes(i)) continue;
    seen.push(i);
    out.push(r.containerised);
  }
  return out;
}
