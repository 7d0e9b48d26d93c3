import type { Aggregation } from './aggregate.ts';
import { parcelCost } from './candidates.ts';
import type { PlanContext, PlanDeparture } from './context.ts';
import type { ModelLayout } from './model.ts';
import type { PlanParcels } from './parcels.ts';

/**
 * A lower bound on every plan of these parcels over their candidate itineraries, whatever the
 * aggregation: Lagrangian relaxation of the departures' capacities. For multipliers μ ≥ 0 per departure
 * (per kg and per filled m³),
 *
 *   L(μ) = Σ_parcels min( hold penalty, min_k [ own cost on k (charges, lateness) + Σ_rides μ_d·(kg, m³) ] )
 *        + Σ_container departures, types min(0, rate − μ_d·(payload kg, filled m³)) × slots
 *        − Σ_loose departures μ_d·(capacity kg, m³)
 *
 * is at most the cost of any plan (it relaxes whole containers to fractions, and capacities into
 * prices). μ comes from the LP's duals; a departure the model has no row for takes the mean μ of the
 * same service's departures that have one, else the price of its cheapest container per filled m³.
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
  // Departures any candidate rides, indexed.
  const index = new Map<number, number>();
  const deps: { d: PlanDeparture; containerised: boolean }[] = [];
  for (const c of agg.commodities) {
    for (const k of agg.candidates[c.routeClass]!) {
      for (const r of k.rides) {
        if (index.has(r.departure)) continue;
        index.set(r.departure, deps.length);
        deps.push({ d: ctx.departures.get(r.departure)!, containerised: r.containerised });
      }
    }
  }
  const m = deps.length;
  const muW = new Float64Array(m);
  const muV = new Float64Array(m);
  const byService = new Map<number, { w: number; v: number; n: number }>();
  deps.forEach(({ d }, i) => {
    const rows = layout.departureRows.get(d.key);
    if (!rows) return;
    muW[i] = rows.weight >= 0 ? Math.max(0, -(rowDual[rows.weight] ?? 0)) : 0;
    muV[i] = rows.volume >= 0 ? Math.max(0, -(rowDual[rows.volume] ?? 0)) : 0;
    const s = byService.get(d.service) ?? { w: 0, v: 0, n: 0 };
    s.w += muW[i]!;
    s.v += muV[i]!;
    s.n++;
    byService.set(d.service, s);
  });
  deps.forEach(({ d }, i) => {
    if (layout.departureRows.has(d.key)) return;
    const s = byService.get(d.service);
    if (s && s.n > 0) {
      muW[i] = s.w / s.n;
      muV[i] = s.v / s.n;
    } else if (d.containers.length > 0) {
      muV[i] = Math.min(...d.containers.map((t) => t.costMinor / (t.volumeMm3 / 1e9)));
    }
  });
  // Ride departures of each candidate as indices, per route class.
  const rideIdx = agg.candidates.map((list) =>
    list.map((k) => Int32Array.from(k.rides.map((r) => index.get(r.departure)!))),
  );

  const usageW = new Float64Array(m);
  const usageV = new Float64Array(m);
  const evaluate = (): number => {
    usageW.fill(0);
    usageV.fill(0);
    let total = 0;
    for (const c of agg.commodities) {
      const list = agg.candidates[c.routeClass]!;
      const rides = rideIdx[c.routeClass]!;
      for (const p of c.parcels) {
        const w = parcels.weightG[p]!;
        const v = parcels.volumeMm3[p]!;
        const kg = w / 1000;
        const m3 = v / 1e9;
        const promise = parcels.promiseDay[p]!;
        let best = hold;
        let bestK = -1;
        for (let k = 0; k < list.length; k++) {
          let cost = parcelCost(list[k]!, w, v, penalty, promise);
          const r = rides[k]!;
          for (let q = 0; q < r.length; q++) cost += muW[r[q]!]! * kg + muV[r[q]!]! * m3;
          if (cost < best) {
            best = cost;
            bestK = k;
          }
        }
        total += best;
        if (bestK >= 0) {
          const r = rides[bestK]!;
          for (let q = 0; q < r.length; q++) {
            usageW[r[q]!]! += kg;
            usageV[r[q]!]! += m3;
          }
        }
      }
    }
    for (let i = 0; i < m; i++) {
      const { d, containerised } = deps[i]!;
      if (containerised) {
        let capW = 0;
        let capV = 0;
        for (const t of d.containers) {
          const reduced = t.costMinor - muW[i]! * (t.payloadG / 1000) - muV[i]! * (t.volumeMm3 / 1e9);
          if (reduced < 0) {
            total += reduced * t.slots;
            capW += (t.payloadG / 1000) * t.slots;
            capV += (t.volumeMm3 / 1e9) * t.slots;
          }
        }
        usageW[i]! -= capW;
        usageV[i]! -= capV;
      } else {
        const capW = Number.isFinite(d.weightCapG) ? d.weightCapG / 1000 : Number.POSITIVE_INFINITY;
        const capV = Number.isFinite(d.volumeCapMm3) ? d.volumeCapMm3 / 1e9 : Number.POSITIVE_INFINITY;
        if (Number.isFinite(capW)) total -= muW[i]! * capW;
        if (Number.isFinite(capV)) total -= muV[i]! * capV;
        usageW[i]! = Number.isFinite(capW) ? usageW[i]! - capW : 0;
        usageV[i]! = Number.isFinite(capV) ? usageV[i]! - capV : 0;
      }
    }
    return total;
  };

  return evaluate();
}
