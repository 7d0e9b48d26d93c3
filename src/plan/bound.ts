import type { Aggregation } from './aggregate.ts';
import { parcelCost } from './candidates.ts';
import type { PlanContext } from './context.ts';
import type { ModelLayout } from './model.ts';
import type { PlanParcels } from './parcels.ts';

/**
 * A lower bound on the parcel-level problem, valid whatever the aggregation did: Lagrangian
 * relaxation of the departures' capacity rows (weight and filled volume within the containers
 * opened; loose kg and m³) with multipliers μ ≥ 0 taken from the aggregated LP's duals. For any μ ≥ 0,
 *
 *   L(μ) = Σ_parcels min( hold penalty, min_k [ own cost of the parcel on k + Σ_rides μ_d · (kg, m³) ] )
 *        + Σ_departures,types min(0, rate − μ_d · (payload kg, filled m³)) × slots − Σ_loose μ_d · capacity
 *
 * is at most the cost of every plan over the candidate itineraries (every candidate of the route
 * class, not only those the model kept). Departures the model has no rows for get μ at the price of
 * their cheapest container per filled m³, which makes their container term zero. The bound ignores
 * that containers come whole, so it sits below the aggregated model's own bound.
 */
export function lagrangianBound(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  layout: ModelLayout,
  rowDual: Float64Array,
): number {
  const penalty = ctx.settings.latePenaltyMinorPerDay;
  const hold = ctx.settings.holdPenaltyMinor;
  // μ per departure: per kg and per m³ (non-negative).
  const muW = new Map<number, number>();
  const muV = new Map<number, number>();
  const mu = (key: number): [number, number] => {
    let w = muW.get(key);
    let v = muV.get(key);
    if (w === undefined || v === undefined) {
      const rows = layout.departureRows.get(key);
      if (rows) {
        w = rows.weight >= 0 ? Math.max(0, -(rowDual[rows.weight] ?? 0)) : 0;
        v = rows.volume >= 0 ? Math.max(0, -(rowDual[rows.volume] ?? 0)) : 0;
      } else {
        const d = ctx.departures.get(key)!;
        w = 0;
        v =
          d.containers.length > 0
            ? Math.min(...d.containers.map((t) => t.costMinor / (t.volumeMm3 / 1e9)))
            : 0;
      }
      muW.set(key, w);
      muV.set(key, v);
    }
    return [w, v];
  };
  let total = 0;
  for (const c of agg.commodities) {
    const list = agg.candidates[c.routeClass]!;
    for (const p of c.parcels) {
      const kg = parcels.weightG[p]! / 1000;
      const m3 = parcels.volumeMm3[p]! / 1e9;
      let best = hold;
      for (const k of list) {
        let cost = parcelCost(k, parcels.weightG[p]!, parcels.volumeMm3[p]!, penalty, parcels.promiseDay[p]!);
        for (const r of k.rides) {
          const [w, v] = mu(r.departure);
          cost += w * kg + v * m3;
        }
        if (cost < best) best = cost;
      }
      total += best;
    }
  }
  const seen = new Set<number>();
  for (const c of agg.commodities) {
    for (const k of agg.candidates[c.routeClass]!) {
      for (const r of k.rides) {
        if (seen.has(r.departure)) continue;
        seen.add(r.departure);
        const d = ctx.departures.get(r.departure)!;
        const [w, v] = mu(r.departure);
        if (r.containerised) {
          for (const t of d.containers)
            total += Math.min(0, t.costMinor - w * (t.payloadG / 1000) - v * (t.volumeMm3 / 1e9)) * t.slots;
        } else {
          if (Number.isFinite(d.weightCapG)) total -= w * (d.weightCapG / 1000);
          if (Number.isFinite(d.volumeCapMm3)) total -= v * (d.volumeCapMm3 / 1e9);
        }
      }
    }
  }
  return total;
}
