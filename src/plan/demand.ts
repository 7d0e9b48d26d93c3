import type { Aggregation } from './aggregate.ts';
import { patternAdmits } from './candidates.ts';
import type { PlanContext, PlanDeparture } from './context.ts';
import type { PlanParcels } from './parcels.ts';

/** Enumerations of container counts per departure larger than this fall back to the linear term. */
const MOST_COMBINATIONS = 4096;

/**
 * The most any plan can put on a departure: the kg and filled m³ of every parcel that some dated
 * itinerary of the timetable could carry on it — parcels of a route class admitted by a route
 * pattern that rides the departure's service, ready by the run's cut-off (no itinerary boards a run
 * whose cut-off is before the parcel is ready). It over-counts (any pattern, any step), never
 * under-counts, so the cap holds for every plan.
 */
export class DepartureDemand {
  /** Per service: ready instants of its possible riders, ascending, and running sums of kg and m³. */
  private readonly ready: Float64Array[] = [];
  private readonly kg: Float64Array[] = [];
  private readonly m3: Float64Array[] = [];

  constructor(
    private readonly ctx: PlanContext,
    agg: Aggregation,
    parcels: PlanParcels,
  ) {
    const services = ctx.network.services.length;
    const riders: number[][] = Array.from({ length: services }, () => []);
    const classServices = new Map<number, Set<number>>();
    for (const c of agg.commodities) {
      let set = classServices.get(c.routeClass);
      if (!set) {
        set = new Set();
        const rc = agg.routeClasses[c.routeClass]!;
        for (let pi = 0; pi < ctx.patterns.length; pi++) {
          if (!patternAdmits(ctx, pi, rc)) continue;
          for (const step of ctx.patterns[pi]!.steps) if (step.kind === 'ride') set.add(step.service);
        }
        classServices.set(c.routeClass, set);
      }
      for (const s of set) for (const p of c.parcels) riders[s]!.push(p);
    }
    for (let s = 0; s < services; s++) {
      const list = riders[s]!;
      list.sort((a, b) => parcels.readyAtMs[a]! - parcels.readyAtMs[b]! || a - b);
      const ready = new Float64Array(list.length);
      const kg = new Float64Array(list.length + 1);
      const m3 = new Float64Array(list.length + 1);
      list.forEach((p, i) => {
        ready[i] = parcels.readyAtMs[p]!;
        kg[i + 1] = kg[i]! + parcels.weightG[p]! / 1000;
        m3[i + 1] = m3[i]! + parcels.volumeMm3[p]! / 1e9;
      });
      this.ready.push(ready);
      this.kg.push(kg);
      this.m3.push(m3);
    }
  }

  /** The most kg and filled m³ any plan puts on departure `d`. */
  of(d: PlanDeparture): readonly [number, number] {
    const cutoff = this.ctx.index.timetables[d.service]!.cutoffs[d.run] ?? Number.POSITIVE_INFINITY;
    const ready = this.ready[d.service]!;
    let lo = 0;
    let hi = ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ready[mid]! <= cutoff) lo = mid + 1;
      else hi = mid;
    }
    return [this.kg[d.service]![lo]!, this.m3[d.service]![lo]!];
  }
}

/**
 * A containerised departure's term of the Lagrangian bound with its demand capped:
 *
 *   min over container counts y_t ∈ {0..slots_t} of Σ_t ρ_t·y_t − μ_kg·min(Σ_t W_t·y_t, K) − μ_m³·min(Σ_t V_t·y_t, M)
 *
 * where ρ_t is type t's rate less its linking prices, W_t, V_t its payload and filled volume, and K, M
 * the most kg and m³ any plan puts on the departure (`DepartureDemand`). A plan's load there is at
 * most both what its containers hold and what its parcels could bring, so every plan pays at least
 * this for the departure at these prices. Without the caps the minimum is Σ_t slots_t·min(0, ρ_t −
 * μ·(W_t, V_t)), the linear term: the caps make a departure few parcels can reach pay for a whole
 * container (the cost-of-ceil of its demand) rather than for the share it fills. Where the
 * enumeration would be large, or a type pays for itself (ρ_t < 0), the linear term is used: it is
 * never above the capped one, so still a bound.
 */
export function cappedContainerTerm(
  d: PlanDeparture,
  rho: readonly number[],
  perKg: number,
  perM3: number,
  demandKg: number,
  demandM3: number,
): number {
  let linear = 0;
  for (let t = 0; t < d.containers.length; t++) {
    const c = d.containers[t]!;
    linear +=
      Math.max(0, c.slots) * Math.min(0, rho[t]! - perKg * (c.payloadG / 1000) - perM3 * (c.volumeMm3 / 1e9));
  }
  if (linear === 0 && perKg <= 0 && perM3 <= 0) return 0;
  // Box of counts worth trying: beyond the fewest of type t that hold the whole demand, more of it
  // only costs (ρ_t ≥ 0).
  const top: number[] = [];
  let combos = 1;
  for (let t = 0; t < d.containers.length; t++) {
    const c = d.containers[t]!;
    if (rho[t]! < 0 || !Number.isInteger(c.slots)) return linear;
    const need = Math.ceil(Math.max(demandKg / (c.payloadG / 1000), demandM3 / (c.volumeMm3 / 1e9)) - 1e-9);
    const n = Math.max(0, Math.min(c.slots, need));
    top.push(n);
    combos *= n + 1;
    if (combos > MOST_COMBINATIONS) return linear;
  }
  let best = 0;
  const y = new Array<number>(top.length).fill(0);
  for (;;) {
    let t = 0;
    while (t < y.length && y[t] === top[t]) y[t++] = 0;
    if (t === y.length) break;
    y[t]!++;
    let cost = 0;
    let w = 0;
    let v = 0;
    for (let u = 0; u < y.length; u++) {
      const c = d.containers[u]!;
      cost += rho[u]! * y[u]!;
      w += (y[u]! * c.payloadG) / 1000;
      v += (y[u]! * c.volumeMm3) / 1e9;
    }
    const term = cost - perKg * Math.min(w, demandKg) - perM3 * Math.min(v, demandM3);
    if (term < best) best = term;
  }
  return Math.max(best, linear);
}

/**
 * The highest prices on a departure, along the direction (perKg, perM3), at which its capped term
 * (`cappedContainerTerm`, no linking prices) is still zero: the scale s ≥ 0 of min over container
 * counts of Σ rate·y / (perKg·min(W·y, K) + perM3·min(V·y, M)). Infinity when the demand is nil.
 */
export function zeroTermScale(
  d: PlanDeparture,
  perKg: number,
  perM3: number,
  demandKg: number,
  demandM3: number,
): number {
  let scale = Number.POSITIVE_INFINITY;
  // One container of each type is the binding case when the demand fits one; more never binds harder
  // (each adds its rate and at most its capacity).
  for (const c of d.containers) {
    if (c.slots < 1) continue;
    const value =
      perKg * Math.min(c.payloadG / 1000, demandKg) + perM3 * Math.min(c.volumeMm3 / 1e9, demandM3);
    if (value > 0) scale = Math.min(scale, Math.round(c.costMinor) / value);
  }
  return scale;
}
