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

/** A parcel's own charges on a candidate, rounded to a minor unit as plans round them. */
const ownMinor = (cand: PlanCandidate, kg: number, m3: number, chargeable: number) =>
  Math.round(cand.perParcel + cand.perKg * kg + cand.perM3 * m3 + cand.perChargeableKg * chargeable);

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
        let cost = ownMinor(cand, kg, m3, chargeable) + Math.max(0, cand.deliveryDay - promise) * penalty;
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

/**
 * Raises the bound's prices by coordinate ascent: for each departure in turn, and for its price per m³
 * then per kg, the price that maximises the bound with every other price held. Along one price the
 * bound is concave and piecewise linear (each parcel rides the departure below its own break-even
 * price; each container type opens above its own), so the best price is where the volume (or weight)
 * the parcels would ride meets the capacity the relaxation opens: found by sorting the break-evens.
 * The bound at the prices returned is computed afresh by `lagrangianBound`, so it stays valid whatever
 * this does.
 */
export function raisePrices(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  lists: readonly (readonly PlanCandidate[])[],
  prices: CapacityPrices,
  links: ModelLayout['links'],
  sweeps: number,
  /** Departures (keys) whose prices may move; all when absent. */
  only?: ReadonlySet<number>,
): CapacityPrices {
  const penalty = ctx.settings.latePenaltyMinorPerDay;
  const hold = ctx.settings.holdPenaltyMinor;
  const { index, deps } = boundDepartures(ctx, lists);
  const m = deps.length;
  const muW = Float64Array.from(deps, (d) => prices.perKg.get(d.key) ?? 0);
  const muV = Float64Array.from(deps, (d) => prices.perM3.get(d.key) ?? 0);
  const linked = new Set(links.map((l) => linkKey(l.commodity, l.departure)));
  // Rate less the linking prices, per departure and container type.
  const rateLessLinks = deps.map((d) => d.containers.map((t) => Math.round(t.costMinor)));
  for (const l of links) {
    const i = index.get(l.departure);
    if (i === undefined) continue;
    const lambda = prices.perParcel.get(linkKey(l.commodity, l.departure)) ?? 0;
    l.coefficients.forEach((a, t) => {
      rateLessLinks[i]![t]! -= lambda * a;
    });
  }
  // Per commodity: each candidate's departures and its linking prices summed; who uses each departure.
  const users: number[][] = deps.map(() => []);
  const rides = agg.commodities.map((_, ci) => lists[ci]!.map((k) => dedupedRides(k, index)));
  const lamSum = agg.commodities.map((_, ci) =>
    lists[ci]!.map((k) => {
      let sum = 0;
      const r = dedupedRides(k, index);
      const box = dedupedContainerised(k, index);
      r.forEach((i, q) => {
        const key = linkKey(ci, deps[i]!.key);
        if (box[q] && linked.has(key)) sum += prices.perParcel.get(key) ?? 0;
      });
      return sum;
    }),
  );
  agg.commodities.forEach((_, ci) => {
    const seen = new Set<number>();
    for (const r of rides[ci]!) for (const i of r) seen.add(i);
    for (const i of seen) users[i]!.push(ci);
  });

  const breakEven: number[] = [];
  const mass: number[] = [];
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let i = 0; i < m; i++) {
      const d = deps[i]!;
      if (only && !only.has(d.key)) continue;
      for (const byVolume of [true, false]) {
        const mu = byVolume ? muV : muW;
        const loose = d.containers.length === 0;
        const looseCap = loose ? (byVolume ? d.volumeCapMm3 / 1e9 : d.weightCapG / 1000) : 0;
        if (loose && !Number.isFinite(looseCap)) continue;
        breakEven.length = 0;
        mass.length = 0;
        for (const ci of users[i]!) {
          const list = lists[ci]!;
          const r = rides[ci]!;
          const lam = lamSum[ci]!;
          for (const p of agg.commodities[ci]!.parcels) {
            const kg = parcels.weightG[p]! / 1000;
            const m3 = parcels.volumeMm3[p]! / 1e9;
            const u = byVolume ? m3 : kg;
            if (u <= 0) continue;
            const chargeable = Math.max(kg, parcels.volumeMm3[p]! / 6e6);
            const promise = parcels.promiseDay[p]!;
            let a = Number.POSITIVE_INFINITY;
            let b = hold;
            for (let k = 0; k < list.length; k++) {
              const cand = list[k]!;
              let cost =
                ownMinor(cand, kg, m3, chargeable) +
                Math.max(0, cand.deliveryDay - promise) * penalty +
                lam[k]!;
              let rides_i = false;
              const rk = r[k]!;
              for (let q = 0; q < rk.length; q++) {
                const j = rk[q]!;
                if (j === i) {
                  rides_i = true;
                  cost += byVolume ? muW[j]! * kg : muV[j]! * m3;
                } else cost += muW[j]! * kg + muV[j]! * m3;
              }
              if (rides_i) {
                if (cost < a) a = cost;
              } else if (cost < b) b = cost;
            }
            if (a < b) {
              breakEven.push((b - a) / u);
              mass.push(u);
            }
          }
        }
        // Capacity the relaxation opens as the price rises: each container type above its break-even.
        const events: { at: number; cap: number }[] = [];
        let capAtZero = 0;
        if (loose) capAtZero = looseCap;
        else
          d.containers.forEach((t, ti) => {
            const own = byVolume ? t.volumeMm3 / 1e9 : t.payloadG / 1000;
            const other = byVolume ? muW[i]! * (t.payloadG / 1000) : muV[i]! * (t.volumeMm3 / 1e9);
            const at = (rateLessLinks[i]![ti]! - other) / own;
            if (at <= 0) capAtZero += own * t.slots;
            else events.push({ at, cap: own * t.slots });
          });
        const order = breakEven.map((_, j) => j).sort((x, y) => breakEven[x]! - breakEven[y]!);
        events.sort((x, y) => x.at - y.at);
        let riding = 0;
        for (const u of mass) riding += u;
        let capacity = capAtZero;
        let best = 0;
        let pj = 0;
        let ej = 0;
        // Walk up the price while the parcels riding outweigh the capacity opened (slope > 0).
        while (riding > capacity) {
          const nextP = pj < order.length ? breakEven[order[pj]!]! : Number.POSITIVE_INFINITY;
          const nextE = ej < events.length ? events[ej]!.at : Number.POSITIVE_INFINITY;
          if (!Number.isFinite(nextP) && !Number.isFinite(nextE)) break;
          if (nextP <= nextE) {
            best = nextP;
            riding -= mass[order[pj++]!]!;
          } else {
            best = nextE;
            capacity += events[ej++]!.cap;
          }
        }
        mu[i] = best;
      }
    }
  }
  const perKg = new Map(prices.perKg);
  const perM3 = new Map(prices.perM3);
  deps.forEach((d, i) => {
    perKg.set(d.key, muW[i]!);
    perM3.set(d.key, muV[i]!);
  });
  return { perKg, perM3, perParcel: prices.perParcel };
}
