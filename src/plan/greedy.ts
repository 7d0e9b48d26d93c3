import type { Aggregation } from './aggregate.ts';
import { type Assignment, MAX_RIDES } from './assign.ts';
import { type PlanCandidate, parcelCost } from './candidates.ts';
import { Loading } from './containers.ts';
import type { PlanContext } from './context.ts';
import type { PlanParcels } from './parcels.ts';

/**
 * The rule a hub uses today, as the baseline: parcels in ready order, each on its cheapest on-time
 * itinerary at the consolidated price (its own charges plus its share of a container at the expected
 * fill), the earliest delivery when none is on time; containers first fit; when a departure is full,
 * the next choice. Returns the assignment over the full candidate lists (`agg.candidates`).
 */
export function planGreedy(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
): { assignment: Assignment; candidates: readonly (readonly PlanCandidate[])[] } {
  const n = parcels.count;
  const commodity = new Int32Array(n).fill(-1);
  const candidate = new Int32Array(n).fill(-1);
  const rideContainer = new Int32Array(n * MAX_RIDES).fill(-1);
  const loading = new Loading(ctx.departures);
  const fill = ctx.settings.containerFill;
  const candidates = agg.commodities.map((c) => agg.candidates[c.routeClass]!);
  agg.commodities.forEach((c, ci) => {
    for (const p of c.parcels) commodity[p] = ci;
  });
  const order: number[] = [];
  for (let p = 0; p < n; p++) if (commodity[p]! >= 0) order.push(p);
  order.sort((a, b) => parcels.readyAtMs[a]! - parcels.readyAtMs[b]! || a - b);

  const price = (k: PlanCandidate, p: number) => {
    const w = parcels.weightG[p]!;
    const v = parcels.volumeMm3[p]!;
    let cost = parcelCost(k, w, v, 0, 0);
    for (const r of k.rides) {
      if (!r.containerised) continue;
      const d = ctx.departures.get(r.departure)!;
      let best = Number.POSITIVE_INFINITY;
      // t.volumeMm3 is already the filled volume: the parcel's share of the container at that fill.
      for (const t of d.containers)
        best = Math.min(best, t.costMinor * Math.max(w / (t.payloadG * fill), v / t.volumeMm3));
      cost += best;
    }
    return cost;
  };

  const heldForCapacity: number[] = [];
  for (const p of order) {
    const list = candidates[commodity[p]!]!;
    const promise = parcels.promiseDay[p]!;
    const ranked = list
      .map((k, j) => ({ j, onTime: k.deliveryDay <= promise, day: k.deliveryDay, price: price(k, p) }))
      .sort((a, b) =>
        a.onTime !== b.onTime
          ? a.onTime
            ? -1
            : 1
          : a.onTime
            ? a.price - b.price || a.j - b.j
            : a.day - b.day || a.price - b.price || a.j - b.j,
      );
    let placed = false;
    for (const { j } of ranked) {
      const k = list[j]!;
      const w = parcels.weightG[p]!;
      const v = parcels.volumeMm3[p]!;
      const done: { r: number; id: number }[] = [];
      const loose: number[] = [];
      let ok = true;
      for (let r = 0; r < k.rides.length && ok; r++) {
        const ride = k.rides[r]!;
        if (ride.containerised) {
          const c = loading.place(ride.departure, p, w, v, true);
          if (c) done.push({ r, id: c.id });
          else ok = false;
        } else if (loading.fitsLoose(ride.departure, w, v)) {
          loading.addLoose(ride.departure, w, v);
          loose.push(ride.departure);
        } else ok = false;
      }
      if (ok) {
        candidate[p] = j;
        for (const { r, id } of done) rideContainer[p * MAX_RIDES + r] = id;
        placed = true;
        break;
      }
      for (const { id } of done) {
        const c = loading.all[id]!;
        loading.unplace(c, w, v);
        c.parcels.pop();
      }
      for (const d of loose) loading.removeLoose(d, w, v);
    }
    if (!placed) heldForCapacity.push(p);
  }
  loading.compact((c, p) => {
    for (let r = 0; r < MAX_RIDES; r++) if (rideContainer[p * MAX_RIDES + r] === c.id) return true;
    return false;
  });
  return {
    assignment: { commodity, candidate, rideContainer, loading, heldForCapacity, candidates },
    candidates,
  };
}
