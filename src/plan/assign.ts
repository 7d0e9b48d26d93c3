import type { Aggregation } from './aggregate.ts';
import { type PlanCandidate, parcelCost } from './candidates.ts';
import { Loading, type OpenContainer } from './containers.ts';
import type { PlanContext } from './context.ts';
import type { ModelLayout } from './model.ts';
import type { PlanParcels } from './parcels.ts';

const MAX_RIDES = 4;

/** Which itinerary and containers each parcel got. */
export interface Assignment {
  /** Commodity of each parcel, or -1 for parcels held before planning. */
  readonly commodity: Int32Array;
  /** Candidate (index into the commodity's kept candidates) of each parcel, or -1 when held. */
  readonly candidate: Int32Array;
  /** Container id per parcel and ride (parcel × 4 + ride), -1 for loose rides and unused slots. */
  readonly rideContainer: Int32Array;
  readonly loading: Loading;
  /** Parcels held for want of capacity (none of their candidates had room). */
  readonly heldForCapacity: readonly number[];
  /** The candidates `candidate` indexes, per commodity: the model's, then the route class's others. */
  readonly candidates: readonly (readonly PlanCandidate[])[];
}

/**
 * Turns the model's flows into whole parcels: per commodity, counts per candidate by largest
 * remainder; the earliest promises take the earliest deliveries; then parcels go into containers
 * (first fit, largest first) and loose space; what does not fit tries the commodity's other
 * candidates, cheapest first; then containers whose parcels fit elsewhere more cheaply are closed.
 */
export function assignParcels(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  layout: ModelLayout,
  flows: Float64Array,
  previousKey?: (parcel: number) => string | undefined,
): Assignment {
  const n = parcels.count;
  const commodity = new Int32Array(n).fill(-1);
  const candidate = new Int32Array(n).fill(-1);
  const rideContainer = new Int32Array(n * MAX_RIDES).fill(-1);
  const loading = new Loading(ctx.departures);
  const penalty = ctx.settings.latePenaltyMinorPerDay;
  // The model's candidates first (their indices match its columns), then the rest of the route class's.
  const lists = agg.commodities.map((c, ci) => {
    const kept = layout.candidates[ci]!;
    const inModel = new Set(kept);
    return [...kept, ...agg.candidates[c.routeClass]!.filter((k) => !inModel.has(k))];
  });
  const cand = (p: number): PlanCandidate => lists[commodity[p]!]![candidate[p]!]!;

  // 1. Counts per candidate, then promises matched to delivery days.
  const stayFlow = new Map<string, number>();
  for (const s of layout.stayCols) stayFlow.set(`${s.commodity}|${s.candidate}`, flows[s.col] ?? 0);
  agg.commodities.forEach((c, ci) => {
    const list = layout.candidates[ci]!;
    const cols = layout.flowCols[ci]!;
    const want = list.map((_, j) => Math.max(0, (flows[cols[j]!] ?? 0) + (stayFlow.get(`${ci}|${j}`) ?? 0)));
    const total = want.reduce((a, b) => a + b, 0);
    const served = Math.min(c.count, Math.round(total));
    const counts = want.map((x) => Math.floor(x));
    let left = served - counts.reduce((a, b) => a + b, 0);
    const order = want
      .map((x, j) => ({ j, frac: x - Math.floor(x) }))
      .sort((a, b) => b.frac - a.frac || a.j - b.j);
    for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) counts[order[k]!.j]!++;
    for (const p of c.parcels) commodity[p] = ci;
    // Re-planning: parcels keep their previous itinerary while its count lasts.
    if (previousKey) {
      const keys = list.map((k) => candidateKey(ctx, k));
      for (const p of c.parcels) {
        const key = previousKey(p);
        if (key === undefined) continue;
        const j = keys.indexOf(key);
        if (j >= 0 && counts[j]! > 0) {
          candidate[p] = j;
          counts[j]!--;
        }
      }
    }
    // Parcels the model leaves unserved: the largest (they free the most room for the others).
    const skip = new Set<number>();
    if (served < c.count) {
      const open = [...c.parcels]
        .filter((p) => candidate[p]! < 0)
        .sort((a, b) => parcels.volumeMm3[b]! - parcels.volumeMm3[a]! || a - b);
      for (let q = 0; q < c.count - served && q < open.length; q++) skip.add(open[q]!);
    }
    const byDay = list.map((k, j) => ({ j, day: k.deliveryDay })).sort((a, b) => a.day - b.day || a.j - b.j);
    let next = 0;
    for (const { j } of byDay) {
      for (let q = 0; q < counts[j]!; q++) {
        while (next < c.parcels.length && (candidate[c.parcels[next]!]! >= 0 || skip.has(c.parcels[next]!)))
          next++;
        if (next >= c.parcels.length) break;
        candidate[c.parcels[next++]!] = j;
      }
    }
  });

  const load = (p: number, k: PlanCandidate, mayOpen: boolean): boolean => {
    const w = parcels.weightG[p]!;
    const v = parcels.volumeMm3[p]!;
    const placed: OpenContainer[] = [];
    const loose: number[] = [];
    let ok = true;
    for (let r = 0; r < k.rides.length && ok; r++) {
      const ride = k.rides[r]!;
      if (ride.containerised) {
        const c = loading.place(ride.departure, p, w, v, mayOpen);
        if (c) {
          placed.push(c);
          rideContainer[p * MAX_RIDES + r] = c.id;
        } else ok = false;
      } else if (loading.fitsLoose(ride.departure, w, v)) {
        loading.addLoose(ride.departure, w, v);
        loose.push(ride.departure);
      } else ok = false;
    }
    if (!ok) {
      for (const c of placed) {
        loading.unplace(c, w, v);
        c.parcels.pop();
      }
      for (const d of loose) loading.removeLoose(d, w, v);
      rideContainer.fill(-1, p * MAX_RIDES, p * MAX_RIDES + MAX_RIDES);
    }
    return ok;
  };
  const unload = (p: number) => {
    const k = cand(p);
    const w = parcels.weightG[p]!;
    const v = parcels.volumeMm3[p]!;
    k.rides.forEach((ride, r) => {
      if (ride.containerised) {
        const id = rideContainer[p * MAX_RIDES + r]!;
        if (id >= 0) loading.unplace(loading.all[id]!, w, v);
      } else loading.removeLoose(ride.departure, w, v);
    });
    rideContainer.fill(-1, p * MAX_RIDES, p * MAX_RIDES + MAX_RIDES);
    candidate[p] = -1;
  };

  // 2. Load, largest parcels first.
  const order: number[] = [];
  for (let p = 0; p < n; p++) if (candidate[p]! >= 0) order.push(p);
  order.sort((a, b) => parcels.volumeMm3[b]! - parcels.volumeMm3[a]! || a - b);
  const overflow: number[] = [];
  for (const p of order) {
    if (!load(p, cand(p), true)) candidate[p] = -1;
  }
  for (let p = 0; p < n; p++) if (commodity[p]! >= 0 && candidate[p]! < 0) overflow.push(p);

  // 3. Overflow: the commodity's other candidates, cheapest first; existing room before new containers.
  const heldForCapacity: number[] = [];
  const alternatives = (p: number) => {
    const list = lists[commodity[p]!]!;
    return list
      .map((k, j) => ({
        j,
        cost: parcelCost(k, parcels.weightG[p]!, parcels.volumeMm3[p]!, penalty, parcels.promiseDay[p]!),
      }))
      .sort((a, b) => a.cost - b.cost || a.j - b.j);
  };
  overflow.sort((a, b) => parcels.promiseDay[a]! - parcels.promiseDay[b]! || a - b);
  for (const p of overflow) {
    const list = lists[commodity[p]!]!;
    const alts = alternatives(p);
    let done = false;
    for (const mayOpen of [false, true]) {
      for (const { j } of alts) {
        if (load(p, list[j]!, mayOpen)) {
          candidate[p] = j;
          done = true;
          break;
        }
      }
      if (done) break;
    }
    if (!done) heldForCapacity.push(p);
  }

  // 4. Each parcel onto a cheaper itinerary of its route class where containers already open (or
  //    loose space) have room: parcels differ, and the model saw their class's average.
  for (let pass = 0; pass < 2; pass++) {
    let moves = 0;
    for (let p = 0; p < n; p++) {
      const j0 = candidate[p]!;
      if (j0 < 0) continue;
      const list = lists[commodity[p]!]!;
      const w = parcels.weightG[p]!;
      const v = parcels.volumeMm3[p]!;
      const promise = parcels.promiseDay[p]!;
      const current = parcelCost(list[j0]!, w, v, penalty, promise);
      let bestJ = -1;
      let best = current - 0.5;
      for (let j = 0; j < list.length; j++) {
        if (j === j0) continue;
        const c = parcelCost(list[j]!, w, v, penalty, promise);
        if (c < best) {
          best = c;
          bestJ = j;
        }
      }
      if (bestJ < 0) continue;
      unload(p);
      if (load(p, list[bestJ]!, false)) {
        candidate[p] = bestJ;
        moves++;
      } else if (!load(p, list[j0]!, true)) throw new Error('planner: could not restore a parcel');
      else candidate[p] = j0;
    }
    if (moves === 0) break;
  }

  // 5. Close containers whose parcels fit elsewhere for less than the container costs.
  for (let pass = 0; pass < 2; pass++) {
    const open = loading.all
      .filter((c) => {
        if (c.weightG <= 0) return false;
        const t = ctx.departures.get(c.departure)!.containers[c.type]!;
        return c.weightG < t.payloadG * 0.5 && c.volumeMm3 < t.volumeMm3 * 0.5;
      })
      .sort((a, b) => a.volumeMm3 - b.volumeMm3 || a.id - b.id);
    for (const c of open) {
      const d = ctx.departures.get(c.departure)!;
      const saving = d.containers[c.type]!.costMinor;
      const members = [...new Set(c.parcels)].filter((p) => candidate[p]! >= 0 && isInContainer(p, c.id));
      if (members.length === 0) continue;
      const before = members.map((p) => ({ p, j: candidate[p]! }));
      let extra = 0;
      for (const p of members)
        extra -= parcelCost(
          cand(p),
          parcels.weightG[p]!,
          parcels.volumeMm3[p]!,
          penalty,
          parcels.promiseDay[p]!,
        );
      for (const p of members) unload(p);
      // Block the container while its parcels look for other room.
      const blocked = c.weightG;
      c.weightG = Number.POSITIVE_INFINITY;
      let ok = true;
      const moved: number[] = [];
      for (const p of members) {
        const list = lists[commodity[p]!]!;
        let placed = false;
        for (const { j, cost } of alternatives(p)) {
          if (load(p, list[j]!, false)) {
            candidate[p] = j;
            extra += cost;
            placed = true;
            moved.push(p);
            break;
          }
        }
        if (!placed || extra >= saving) {
          ok = false;
          break;
        }
      }
      c.weightG = blocked;
      if (ok && extra < saving) {
        c.weightG = 0;
        c.volumeMm3 = 0;
        continue;
      }
      // Undo: back where they were.
      for (const p of moved) unload(p);
      for (const { p, j } of before) {
        candidate[p] = j;
        if (!load(p, lists[commodity[p]!]![j]!, true)) throw new Error('planner: could not restore a parcel');
      }
    }
  }

  function isInContainer(p: number, id: number): boolean {
    for (let r = 0; r < MAX_RIDES; r++) if (rideContainer[p * MAX_RIDES + r] === id) return true;
    return false;
  }
  loading.compact((c, p) => candidate[p]! >= 0 && isInContainer(p, c.id));
  loading.rightSize();
  return { commodity, candidate, rideContainer, loading, heldForCapacity, candidates: lists };
}

export { MAX_RIDES };

/** A stable name of an itinerary: its departures, where the parcel alights, and the gateway. */
export function candidateKey(ctx: PlanContext, k: PlanCandidate): string {
  const rides = k.rides.map(
    (r) => `${ctx.departures.get(r.departure)!.id}>${ctx.network.services[r.service]!.legs[r.alight]!.to}`,
  );
  return `${rides.join('|')}@${k.gateway}`;
}
