import { type Aggregation, mostParcelsIn } from './aggregate.ts';
import type { PlanDeparture } from './context.ts';
import { cappedContainerTerm } from './demand.ts';
import type { PlanParcels } from './parcels.ts';
import type { CapacityPrices, CommodityLink, PricingSettings, PricingTable } from './pricing.ts';

/** Departures whose bound load is above this many of their largest container are left as they are. */
const MOST_CONTAINERS = 2;
/** Shares of a departure's capacity prices tried beside its linking prices. */
const KEEP_SHARES = [1, 0.5, 0];
/** Passes over the departures (more gain little: the timetable search, between rounds, gains more). */
const PASSES = 1;

/** A commodity's linking price on a departure, the most of its set one container holds, and the set. */
interface Linked {
  readonly price: number;
  readonly a: number[];
  /** Flags over the commodity's parcels; absent for a set made on this departure until it is kept. */
  set: Uint8Array | undefined;
  /** A set made on this departure: its members (indices in `Commodity.parcels`). */
  readonly fresh?: readonly number[];
}

/** Linking prices found by `linkAscent`: the prices with them, and the rows they price. */
export interface LinkedPrices {
  readonly prices: CapacityPrices;
  readonly links: readonly CommodityLink[];
}

/**
 * Linking prices by dual ascent, departure by departure (after Erlenkotter's DUALOC for facility
 * location), for departures that carry little in the bound.
 *
 * The row: for a set S of a commodity's parcels and a containerised departure, the parcels of S in
 * containers there are at most Σ_types a_t·y_t, y_t the containers of type t opened there and a_t the
 * most parcels of S one of them holds (its lightest and smallest together, at most |S|). Every plan
 * meets it. Priced by λ ≥ 0 in the Lagrangian, each parcel of S riding the departure pays λ and each
 * container earns a_t·λ against its rate (`capacityTerm`, `cappedContainerTerm`).
 *
 * Where few parcels ride a departure, the capacity prices (per kg, per m³) make them pay only their
 * share of a container: the LP's answer, the plan's is a whole one. Here each such departure is a
 * block of the Lagrangian with the rest fixed: per parcel that could ride it, A its cheapest priced
 * way through it (less the departure's own prices) and B its cheapest way around it (or holding); the
 * block's value is Σ min(A + μ·size + λ_c, B) plus the departure's capped term. For a few shares θ
 * of the departure's capacity prices μ, the λ of each commodity's set S (the parcels of it that ride
 * the departure, fixed at the first departure that names them) are raised by a greedy fractional
 * knapsack — budget the containers' rates less θμ·capacity, gain per parcel min(λ, B − A − θμ·size) —
 * so that the term stays zero; the best block value, if above the present one, is kept.
 *
 * The prices are a heuristic's; the bound is the Lagrangian evaluated at them afterwards (with the
 * timetable search, whose Pareto fronts carry a commodity's linking prices, so that it still holds
 * over every dated itinerary), kept only if higher than the best before.
 */
export function linkAscent(
  table: PricingTable,
  agg: Aggregation,
  parcels: PlanParcels,
  settings: PricingSettings,
  start: CapacityPrices,
  demand: (d: PlanDeparture) => readonly [number, number],
  /** Linking rows already priced in `start` (a previous ascent's, over a table that has grown since). */
  startLinks: readonly CommodityLink[] = [],
): LinkedPrices {
  const m = table.departures.length;
  const C = table.commodities.length;
  const perKg = Float64Array.from(start.perKg);
  const perM3 = Float64Array.from(start.perM3);
  const perParcel: (Float64Array | undefined)[] = table.commodities.map(() => undefined);
  const members: (Uint8Array | undefined)[] = table.commodities.map(() => undefined);
  const linkOf = new Map<string, CommodityLink>();
  for (const l of startLinks) {
    const price = start.perParcel[l.commodity]?.[l.local] ?? 0;
    if (price <= 0) continue;
    let list = perParcel[l.commodity];
    if (!list) {
      list = new Float64Array(table.commodities[l.commodity]!.departures.length);
      perParcel[l.commodity] = list;
    }
    list[l.local] = price;
    if (l.members) members[l.commodity] = l.members;
    linkOf.set(`${l.commodity}:${l.local}`, l);
  }
  // Per departure: the commodities riding it and its place in their own numbering.
  const riders: { ci: number; l: number }[][] = Array.from({ length: m }, () => []);
  for (let ci = 0; ci < C; ci++) {
    const t = table.commodities[ci]!;
    for (let l = 0; l < t.departures.length; l++)
      if (t.containerised[l] === 1) riders[t.departures[l]!]!.push({ ci, l });
  }
  const penalty = settings.latePenaltyMinorPerDay;
  const hold = settings.holdPenaltyMinor;
  const bonus = settings.stayBonusMinor ?? 0;

  // Per commodity: each parcel's priced cost on each candidate (parcel-major), its cheapest and where.
  const priced: Float64Array[] = [];
  // One buffer for every commodity's rows (many small buffers cost the collector dearly).
  let cells = 0;
  for (let ci = 0; ci < C; ci++)
    cells += agg.commodities[ci]!.count * table.commodities[ci]!.candidates.length;
  const buffer = new Float64Array(cells);
  let used = 0;
  const bestOf = new Float64Array(parcels.count);
  const bestK = new Int32Array(parcels.count).fill(-1);
  let most = 1;
  for (let ci = 0; ci < C; ci++) {
    const t = table.commodities[ci]!;
    const c = agg.commodities[ci]!;
    const K = t.candidates.length;
    most = Math.max(most, K);
    const sKg = new Float64Array(K);
    const sM3 = new Float64Array(K);
    const sLink = new Float64Array(K);
    const link = perParcel[ci];
    for (let k = 0; k < K; k++)
      for (let q = t.rideStart[k]!; q < t.rideStart[k + 1]!; q++) {
        const l = t.rides[q]!;
        const g = t.departures[l]!;
        sKg[k]! += perKg[g]!;
        sM3[k]! += perM3[g]!;
        if (link && t.containerised[l] === 1) sLink[k]! += link[l] ?? 0;
      }
    const own = members[ci];
    const row = buffer.subarray(used, used + c.count * K);
    used += c.count * K;
    for (let i = 0; i < c.count; i++) {
      const p = c.parcels[i]!;
      const wkg = parcels.weightG[p]! / 1000;
      const vol = parcels.volumeMm3[p]!;
      const vm3 = vol / 1e9;
      const charge = Math.max(wkg, vol / 6e6);
      const promise = parcels.promiseDay[p]!;
      const stay = settings.preferred ? settings.preferred[p]! : -1;
      const pays = own !== undefined && own[i] === 1;
      let best = hold;
      let bk = -1;
      for (let k = 0; k < K; k++) {
        const late = t.deliveryDay[k]! - promise;
        const x =
          Math.round(
            t.perParcel[k]! + t.perKg[k]! * wkg + (t.perM3[k]! * vol) / 1e9 + t.perChargeableKg[k]! * charge,
          ) +
          (late > 0 ? late * penalty : 0) -
          (k === stay ? bonus : 0) +
          sKg[k]! * wkg +
          sM3[k]! * vm3 +
          (pays ? sLink[k]! : 0);
        row[i * K + k] = x;
        if (x < best) {
          best = x;
          bk = k;
        }
      }
      bestOf[p] = best;
      bestK[p] = bk;
    }
    priced.push(row);
  }
  /** The candidates of ci riding its departure l, into `candBuf`; returns how many. */
  const fillThrough = (ci: number, l: number): number => {
    const t = table.commodities[ci]!;
    let count = 0;
    for (let k = 0; k < t.candidates.length; k++)
      for (let q = t.rideStart[k]!; q < t.rideStart[k + 1]!; q++)
        if (t.rides[q] === l) {
          candBuf[count++] = k;
          break;
        }
    return count;
  };
  /** Parcel i of ci's cheapest again, from its row. */
  const rescan = (ci: number, i: number, K: number) => {
    const row = priced[ci]!;
    const p = agg.commodities[ci]!.parcels[i]!;
    let best = hold;
    let bk = -1;
    for (let k = 0, at = i * K; k < K; k++, at++)
      if (row[at]! < best) {
        best = row[at]!;
        bk = k;
      }
    bestOf[p] = best;
    bestK[p] = bk;
  };
  /** Load of each departure at the present prices: what the bound's parcels put on it (kg, m³). */
  const loads = () => {
    const kg = new Float64Array(m);
    const m3 = new Float64Array(m);
    for (let ci = 0; ci < C; ci++) {
      const t = table.commodities[ci]!;
      for (const p of agg.commodities[ci]!.parcels) {
        const k = bestK[p]!;
        if (k < 0) continue;
        for (let q = t.rideStart[k]!; q < t.rideStart[k + 1]!; q++) {
          const g = t.departures[t.rides[q]!]!;
          kg[g]! += parcels.weightG[p]! / 1000;
          m3[g]! += parcels.volumeMm3[p]! / 1e9;
        }
      }
    }
    return { kg, m3 };
  };
  const through = new Uint8Array(most);
  const candBuf = new Int32Array(most);
  /** A group's members as flags over its commodity's parcels. */
  const setOf = (ci: number, e: { own: Uint8Array | undefined; fresh: number[] }): Uint8Array => {
    if (e.own) return e.own;
    const set = new Uint8Array(agg.commodities[ci]!.count);
    for (const i of e.fresh) set[i] = 1;
    return set;
  };
  /**
   * Per container type of d, at least the most of a group's parcels one container holds: all of them
   * when they fit in one together, else the most of the whole commodity's (`mostParcelsIn`), at most
   * the group's size. Never fewer than the truth, so the linking row stays valid.
   */
  const mostOfGroup = (
    ci: number,
    own: Uint8Array | undefined,
    fresh: readonly number[],
    d: PlanDeparture,
  ): number[] => {
    const c = agg.commodities[ci]!;
    let size = 0;
    let w = 0;
    let v = 0;
    const add = (i: number) => {
      size++;
      w += parcels.weightG[c.parcels[i]!]!;
      v += parcels.volumeMm3[c.parcels[i]!]!;
    };
    if (own) {
      for (let i = 0; i < c.count; i++) if (own[i] === 1) add(i);
    } else for (const i of fresh) add(i);
    return d.containers.map((t) =>
      w <= t.payloadG && v <= t.volumeMm3 ? size : Math.min(size, mostParcelsIn(c, t.payloadG, t.volumeMm3)),
    );
  };

  // The block's parcels (those that could ride its departure): A, B, kg, m³, commodity, member index.
  let A = new Float64Array(1024);
  let B = new Float64Array(1024);
  let pk = new Float64Array(1024);
  let pm = new Float64Array(1024);
  let whoC = new Int32Array(1024);
  let whoI = new Int32Array(1024);
  const grow = () => {
    const size = A.length * 2;
    const more = <T extends Float64Array | Int32Array>(x: T, y: T): T => {
      y.set(x);
      return y;
    };
    A = more(A, new Float64Array(size));
    B = more(B, new Float64Array(size));
    pk = more(pk, new Float64Array(size));
    pm = more(pm, new Float64Array(size));
    whoC = more(whoC, new Int32Array(size));
    whoI = more(whoI, new Int32Array(size));
  };
  for (let pass = 0; pass < PASSES; pass++) {
    const load = loads();
    for (let g = 0; g < m; g++) {
      const d = table.departures[g]!;
      if (d.containers.length === 0 || riders[g]!.length === 0) continue;
      let bigKg = 0;
      let bigM3 = 0;
      for (const c of d.containers)
        if (c.slots >= 1) {
          bigKg = Math.max(bigKg, c.payloadG / 1000);
          bigM3 = Math.max(bigM3, c.volumeMm3 / 1e9);
        }
      if (bigKg === 0 || load.kg[g]! > MOST_CONTAINERS * bigKg || load.m3[g]! > MOST_CONTAINERS * bigM3)
        continue;
      block(g, d);
    }
  }

  /** The block of departure g: its capacity prices and its commodities' linking prices, improved if it can. */
  function block(g: number, d: PlanDeparture): void {
    const [demandKg, demandM3] = demand(d);
    // Per parcel that can ride g: A (through g, less g's prices), B (around it), kg, m³, group.
    let n = 0;
    for (const { ci, l } of riders[g]!) {
      const t = table.commodities[ci]!;
      const c = agg.commodities[ci]!;
      const K = t.candidates.length;
      const row = priced[ci]!;
      const nc = fillThrough(ci, l);
      const cands = candBuf;
      for (let j = 0; j < nc; j++) through[cands[j]!] = 1;
      const own = members[ci];
      const lambda = perParcel[ci]?.[l] ?? 0;
      const k0 = perKg[g]!;
      const v0 = perM3[g]!;
      for (let i = 0; i < c.count; i++) {
        const p = c.parcels[i]!;
        const wkg = parcels.weightG[p]! / 1000;
        const vm3 = parcels.volumeMm3[p]! / 1e9;
        let a = Number.POSITIVE_INFINITY;
        for (let j = 0; j < nc; j++) {
          const x = row[i * K + cands[j]!]!;
          if (x < a) a = x;
        }
        a -= k0 * wkg + v0 * vm3 + (own !== undefined && own[i] === 1 ? lambda : 0);
        let b = bestOf[p]!;
        const bk = bestK[p]!;
        if (bk >= 0 && through[bk] === 1) {
          // On g now: its cheapest way around g.
          b = hold;
          for (let k = 0, at = i * K; k < K; k++, at++) if (through[k] !== 1 && row[at]! < b) b = row[at]!;
        }
        if (!(a < b)) continue;
        if (n === A.length) grow();
        A[n] = a;
        B[n] = b;
        pk[n] = wkg;
        pm[n] = vm3;
        whoC[n] = ci;
        whoI[n] = i;
        n++;
      }
      for (let j = 0; j < nc; j++) through[cands[j]!] = 0;
    }
    if (n === 0) return;
    const rates = d.containers.map((t) => Math.round(t.costMinor));
    /** The block's value at capacity prices (k, v) and linking prices λ per commodity (those of its members). */
    const value = (k: number, v: number, lambda: Map<number, Linked>) => {
      let total = 0;
      for (let j = 0; j < n; j++) {
        const x = lambda.size > 0 ? lambda.get(whoC[j]!) : undefined;
        const on = A[j]! + k * pk[j]! + v * pm[j]!;
        // A fresh set's members are the parcels that ride g at these prices.
        const extra = x && (x.set ? x.set[whoI[j]!] === 1 : on < B[j]!) ? x.price : 0;
        total += Math.min(on + extra, B[j]!);
      }
      const rho = rates.slice();
      for (const x of lambda.values())
        x.a.forEach((a, t) => {
          rho[t]! -= a * x.price;
        });
      // Each type paying at least its capped capacity's prices: no count of containers earns (the
      // capped load is subadditive), the term is nil; else it is counted out.
      let pays = true;
      d.containers.forEach((c, t) => {
        if (
          c.slots >= 1 &&
          rho[t]! - k * Math.min(c.payloadG / 1000, demandKg) - v * Math.min(c.volumeMm3 / 1e9, demandM3) < 0
        )
          pays = false;
      });
      return total + (pays ? 0 : cappedContainerTerm(d, rho, k, v, demandKg, demandM3));
    };
    // The block as it is now.
    const present = new Map<number, Linked>();
    for (const { ci, l } of riders[g]!) {
      const price = perParcel[ci]?.[l] ?? 0;
      if (price > 0) {
        const link = linkOf.get(`${ci}:${l}`)!;
        present.set(ci, { price, a: [...link.perContainer], set: link.members! });
      }
    }
    const k0 = perKg[g]!;
    const v0 = perM3[g]!;
    let best = { value: value(k0, v0, present), k: k0, v: v0, lambda: present };
    for (const share of KEEP_SHARES) {
      const k = k0 * share;
      const v = v0 * share;
      // Room left in each type's rate for linking prices, with the term kept at zero.
      const budget = d.containers.map((c, t) =>
        c.slots >= 1
          ? rates[t]! - k * Math.min(c.payloadG / 1000, demandKg) - v * Math.min(c.volumeMm3 / 1e9, demandM3)
          : Number.POSITIVE_INFINITY,
      );
      if (budget.some((x) => x <= 0)) continue;
      // Per commodity: its set (existing members, or those that ride g now), their slacks.
      const groups = new Map<number, { own: Uint8Array | undefined; fresh: number[]; slacks: number[] }>();
      for (let j = 0; j < n; j++) {
        const ci = whoC[j]!;
        const i = whoI[j]!;
        const slack = B[j]! - (A[j]! + k * pk[j]! + v * pm[j]!);
        if (slack <= 0) continue;
        const own = members[ci];
        if (own !== undefined && own[i] !== 1) continue;
        let e = groups.get(ci);
        if (!e) {
          e = { own, fresh: [], slacks: [] };
          groups.set(ci, e);
        }
        if (!own) e.fresh.push(i);
        e.slacks.push(slack);
      }
      // Each commodity's gain is concave in its λ: Σ min(λ, slack), slope the slacks above λ. The
      // budget goes where the slope per unit of budget is steepest: at a threshold rate r, λ_c is the
      // ⌈r·use_c⌉-th largest slack; r is found by bisection so that the budget just holds.
      const perC = new Map<number, { a: number[]; use: number; slacks: number[] }>();
      let top = 0;
      for (const [ci, e] of groups) {
        if (e.slacks.length === 0) continue;
        const a = mostOfGroup(ci, e.own, e.fresh, d);
        let use = 0;
        a.forEach((x, t) => {
          if (Number.isFinite(budget[t]!)) use = Math.max(use, x / budget[t]!);
        });
        if (use <= 0) continue;
        e.slacks.sort((x, y) => y - x);
        perC.set(ci, { a, use, slacks: e.slacks });
        top = Math.max(top, e.slacks.length / use);
      }
      const at = (r: number, x: { use: number; slacks: number[] }): number => {
        const j = Math.ceil(r * x.use - 1e-12);
        return j >= 1 && j <= x.slacks.length ? x.slacks[j - 1]! : j < 1 ? x.slacks[0]! : 0;
      };
      const spend = (r: number) => {
        let total = 0;
        for (const x of perC.values()) total += x.use * at(r, x);
        return total;
      };
      let lo = 0;
      let hi = top + 1;
      if (perC.size > 0 && spend(0) > 1) {
        for (let it = 0; it < 40; it++) {
          const mid = (lo + hi) / 2;
          if (spend(mid) > 1) lo = mid;
          else hi = mid;
        }
      } else hi = 0;
      const price = new Map<number, number>();
      let left = 1;
      for (const [ci, x] of perC) {
        const p = at(hi, x);
        price.set(ci, p);
        left -= x.use * p;
      }
      // What the threshold leaves: the commodities whose slope is the threshold's, each in turn.
      for (const [ci, x] of perC) {
        if (left <= 0) break;
        const from = price.get(ci)!;
        const to = at(lo, x);
        if (to <= from) continue;
        const step = Math.min(to - from, left / x.use);
        price.set(ci, from + step);
        left -= step * x.use;
      }
      const lambda = new Map<number, Linked>();
      for (const [ci, x] of price)
        if (x > 0)
          lambda.set(ci, {
            price: x * (1 - 1e-9),
            a: perC.get(ci)!.a,
            set: groups.get(ci)!.own,
            fresh: groups.get(ci)!.fresh,
          });
      const val = value(k, v, lambda);
      if (val > best.value + 1e-6 * Math.abs(best.value) + 1) best = { value: val, k, v, lambda };
    }
    if (best.lambda === present) return;
    const dk = best.k - perKg[g]!;
    const dv = best.v - perM3[g]!;
    perKg[g] = best.k;
    perM3[g] = best.v;
    // The departure's linking prices: the new ones, and none for commodities that lost theirs; each
    // rider's priced costs through g moved by the change.
    for (const { ci, l } of riders[g]!) {
      const x = best.lambda.get(ci);
      if (x && !x.set) x.set = setOf(ci, { own: undefined, fresh: [...(x.fresh ?? [])] });
      const t = table.commodities[ci]!;
      const c = agg.commodities[ci]!;
      const oldSet = members[ci];
      const oldPrice = perParcel[ci]?.[l] ?? 0;
      const newSet = x ? x.set : oldSet;
      const newPrice = x ? x.price : 0;
      if (!x) {
        const list = perParcel[ci];
        if (list) list[l] = 0;
        linkOf.delete(`${ci}:${l}`);
      } else {
        const own = perParcel[ci] ?? new Float64Array(t.departures.length);
        perParcel[ci] = own;
        own[l] = x.price;
        members[ci] = x.set;
        linkOf.set(`${ci}:${l}`, {
          commodity: ci,
          local: l,
          departure: g,
          perContainer: x.a,
          members: x.set,
        });
      }
      const K = t.candidates.length;
      const row = priced[ci]!;
      const nc = fillThrough(ci, l);
      const cands = candBuf;
      for (let i = 0; i < c.count; i++) {
        const p = c.parcels[i]!;
        const delta =
          dk * (parcels.weightG[p]! / 1000) +
          dv * (parcels.volumeMm3[p]! / 1e9) +
          (newSet !== undefined && newSet[i] === 1 ? newPrice : 0) -
          (oldSet !== undefined && oldSet[i] === 1 ? oldPrice : 0);
        if (delta === 0) continue;
        let on = false;
        let low = Number.POSITIVE_INFINITY;
        let lowK = -1;
        for (let j = 0; j < nc; j++) {
          const k = cands[j]!;
          row[i * K + k]! += delta;
          if (k === bestK[p]) on = true;
          if (row[i * K + k]! < low) {
            low = row[i * K + k]!;
            lowK = k;
          }
        }
        if (on) rescan(ci, i, K);
        else if (low < bestOf[p]!) {
          bestOf[p] = low;
          bestK[p] = lowK;
        }
      }
    }
  }

  return {
    prices: { perKg, perM3, perParcel, linkMembers: members },
    links: [...linkOf.values()].filter((l) => (perParcel[l.commodity]?.[l.local] ?? 0) > 0),
  };
}
