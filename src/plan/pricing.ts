import type { Aggregation } from './aggregate.ts';
import { ownChargesMinor, type PlanCandidate } from './candidates.ts';
import type { PlanContext, PlanDeparture } from './context.ts';
import { cappedContainerTerm } from './demand.ts';
import type { PlanParcels } from './parcels.ts';

/**
 * Every commodity's candidates as flat arrays, and the departures they ride indexed densely: what
 * pricing a million parcels against capacity prices reads in its inner loop.
 */
export interface PricingTable {
  /** Departures any candidate rides, in first-seen order. */
  readonly departures: readonly PlanDeparture[];
  /** Departure key → position in `departures`. */
  readonly indexOf: ReadonlyMap<number, number>;
  readonly commodities: readonly CommodityTable[];
  /** Scale on every departure's capacity (a sample's share), 1 for all the parcels. */
  readonly scale: number;
}

/** One commodity's candidates (its route class's, all of them) as arrays. */
export interface CommodityTable {
  readonly candidates: readonly PlanCandidate[];
  /**
   * Departures the candidates ride (positions in `PricingTable.departures`): the commodity's own
   * numbering, ascending for its first candidates, then in the order later ones (see `addCandidates`) added them.
   */
  readonly departures: Int32Array;
  /** Whether each of those departures carries containers (1) or loose cargo (0). */
  readonly containerised: Uint8Array;
  /** Candidate k rides the commodity's departures `rides[rideStart[k] .. rideStart[k + 1])` (each once). */
  readonly rideStart: Int32Array;
  readonly rides: Int32Array;
  readonly perParcel: Float64Array;
  readonly perKg: Float64Array;
  readonly perM3: Float64Array;
  readonly perChargeableKg: Float64Array;
  readonly deliveryDay: Int32Array;
}

/**
 * Prices on capacity, plan-currency minor units: per kg and per filled m³ of each departure, and per
 * parcel of a commodity riding a departure in a container (the linking rows of `CommodityLink`). All ≥ 0.
 */
export interface CapacityPrices {
  readonly perKg: Float64Array;
  readonly perM3: Float64Array;
  /** Per commodity, per its own departure numbering; absent when the commodity has no linking price. */
  readonly perParcel: readonly (Float64Array | undefined)[];
  /**
   * Per commodity, which of its parcels (in `Commodity.parcels` order, 1 each) pay its linking prices
   * when its links name members (`CommodityLink.members`); absent: every parcel pays them.
   */
  readonly linkMembers?: readonly (Uint8Array | undefined)[];
}

/**
 * A valid inequality of every plan: the parcels of a commodity in containers on a departure are at
 * most Σ over container types of (the most of them one container holds) × (containers opened). The
 * most one container holds counts the commodity's lightest and smallest parcels together, capped at
 * the commodity's size, so the row holds for every plan and every split of the commodity.
 */
export interface CommodityLink {
  readonly commodity: number;
  /** The departure, in the commodity's own numbering. */
  readonly local: number;
  /** Position of the departure in `PricingTable.departures`. */
  readonly departure: number;
  /** Per container type of the departure (its `containers` order). */
  readonly perContainer: readonly number[];
  /**
   * The parcels the row counts, when not all of the commodity's (1 per parcel in `Commodity.parcels`
   * order): then `perContainer` is the most of those one container holds. Every link of a commodity
   * names the same members.
   */
  readonly members?: Uint8Array;
}

/** Where each parcel of a commodity goes at some prices, and what that costs and uses. */
export interface CommodityChoice {
  /** Per parcel of the commodity (in `Commodity.parcels` order): candidate index, or −1 held. */
  readonly choice: Int16Array;
  /** What the parcels cost: own charges rounded as plans round them, lateness, hold penalties (less stay bonuses). */
  readonly costMinor: number;
  /** The same with capacity prices added: the commodity's term of the Lagrangian bound. */
  readonly pricedMinor: number;
  /** Per departure of the commodity (own numbering): kg, filled m³ and parcels riding it. */
  readonly kg: Float64Array;
  readonly m3: Float64Array;
  readonly parcels: Float64Array;
}

/** Penalties the pricing weighs, and the saving a re-planned parcel earns on its previous itinerary. */
export interface PricingSettings {
  readonly latePenaltyMinorPerDay: number;
  readonly holdPenaltyMinor: number;
  /**
   * Per parcel: the candidate (index in its commodity's list) it keeps in a re-plan, −1 for none;
   * staying there saves `stayBonusMinor`, so that parcels move only when moving lowers the cost.
   */
  readonly preferred?: Int16Array;
  readonly stayBonusMinor?: number;
}

/**
 * Builds the pricing table of an aggregation: every candidate of each commodity's route class. With
 * `scale`, every departure's capacity (container slots, loose kg and m³) is scaled by it, for a
 * sample of the parcels.
 */
export function pricingTable(ctx: PlanContext, agg: Aggregation, scale = 1): PricingTable {
  const indexOf = new Map<number, number>();
  const departures: PlanDeparture[] = [];
  const commodities = agg.commodities.map((c): CommodityTable => {
    const candidates = [...agg.candidates[c.routeClass]!];
    const globalRides = candidates.map((k) => {
      const out: number[] = [];
      for (const r of k.rides) {
        let i = indexOf.get(r.departure);
        if (i === undefined) {
          i = departures.length;
          indexOf.set(r.departure, i);
          departures.push(scaled(ctx.departures.get(r.departure)!, scale));
        }
        if (!out.includes(i)) out.push(i);
      }
      return out;
    });
    const own = [...new Set(globalRides.flat())].sort((a, b) => a - b);
    const local = new Map(own.map((g, i) => [g, i]));
    const rideStart = new Int32Array(candidates.length + 1);
    const rides: number[] = [];
    globalRides.forEach((list, k) => {
      for (const g of list) rides.push(local.get(g)!);
      rideStart[k + 1] = rides.length;
    });
    return {
      candidates,
      departures: Int32Array.from(own),
      containerised: Uint8Array.from(own, (g) => (departures[g]!.containers.length > 0 ? 1 : 0)),
      rideStart,
      rides: Int32Array.from(rides),
      perParcel: Float64Array.from(candidates, (k) => k.perParcel),
      perKg: Float64Array.from(candidates, (k) => k.perKg),
      perM3: Float64Array.from(candidates, (k) => k.perM3),
      perChargeableKg: Float64Array.from(candidates, (k) => k.perChargeableKg),
      deliveryDay: Int32Array.from(candidates, (k) => k.deliveryDay),
    };
  });
  return { departures, indexOf, commodities, scale };
}

/**
 * Adds candidates to commodity `ci` of a table (column generation over the timetable): departures
 * the table lacks join it at the end, those the commodity lacks join its own numbering at the end, so
 * that positions already handed out stay valid. Returns how many departures joined the table.
 */
export function addCandidates(
  ctx: PlanContext,
  table: PricingTable,
  ci: number,
  added: readonly PlanCandidate[],
): number {
  if (added.length === 0) return 0;
  const departures = table.departures as PlanDeparture[];
  const indexOf = table.indexOf as Map<number, number>;
  const before = departures.length;
  const t = table.commodities[ci]!;
  const own = Array.from(t.departures);
  const local = new Map(own.map((g, l) => [g, l]));
  const rides = Array.from(t.rides);
  const rideStart = Array.from(t.rideStart);
  for (const k of added) {
    const seen = new Set<number>();
    for (const r of k.rides) {
      let g = indexOf.get(r.departure);
      if (g === undefined) {
        g = departures.length;
        indexOf.set(r.departure, g);
        departures.push(scaled(ctx.departures.get(r.departure)!, table.scale));
      }
      let l = local.get(g);
      if (l === undefined) {
        l = own.length;
        local.set(g, l);
        own.push(g);
      }
      if (!seen.has(l)) {
        seen.add(l);
        rides.push(l);
      }
    }
    rideStart.push(rides.length);
  }
  const candidates = [...t.candidates, ...added];
  (table.commodities as CommodityTable[])[ci] = {
    candidates,
    departures: Int32Array.from(own),
    containerised: Uint8Array.from(own, (g) => (departures[g]!.containers.length > 0 ? 1 : 0)),
    rideStart: Int32Array.from(rideStart),
    rides: Int32Array.from(rides),
    perParcel: Float64Array.from(candidates, (k) => k.perParcel),
    perKg: Float64Array.from(candidates, (k) => k.perKg),
    perM3: Float64Array.from(candidates, (k) => k.perM3),
    perChargeableKg: Float64Array.from(candidates, (k) => k.perChargeableKg),
    deliveryDay: Int32Array.from(candidates, (k) => k.deliveryDay),
  };
  return departures.length - before;
}

function scaled(d: PlanDeparture, scale: number): PlanDeparture {
  if (scale === 1) return d;
  return {
    ...d,
    containers: d.containers.map((t) => ({ ...t, slots: t.slots * scale })),
    weightCapG: d.weightCapG * scale,
    volumeCapMm3: d.volumeCapMm3 * scale,
  };
}

/** Prices per departure key (kg, m³), to carry prices from one table to another. */
export interface DeparturePrices {
  readonly perKg: ReadonlyMap<number, number>;
  readonly perM3: ReadonlyMap<number, number>;
}

/** The prices of a table keyed by departure. */
export function departurePrices(table: PricingTable, prices: CapacityPrices): DeparturePrices {
  const perKg = new Map<number, number>();
  const perM3 = new Map<number, number>();
  table.departures.forEach((d, i) => {
    perKg.set(d.key, prices.perKg[i]!);
    perM3.set(d.key, prices.perM3[i]!);
  });
  return { perKg, perM3 };
}

/** Prices of zero on every departure. */
export function zeroPrices(table: PricingTable): CapacityPrices {
  const m = table.departures.length;
  return {
    perKg: new Float64Array(m),
    perM3: new Float64Array(m),
    perParcel: table.commodities.map(() => undefined),
  };
}

/** Buffers `priceInto` writes to, reused from one commodity to the next. */
export interface PricingScratch {
  choice: Int16Array;
  kg: Float64Array;
  m3: Float64Array;
  parcels: Float64Array;
  sumKg: Float64Array;
  sumM3: Float64Array;
  sumLink: Float64Array;
}

/** Scratch buffers large enough for every commodity of the table. */
export function pricingScratch(table: PricingTable, agg: Aggregation): PricingScratch {
  let members = 1;
  let local = 1;
  let K = 1;
  table.commodities.forEach((t, ci) => {
    members = Math.max(members, agg.commodities[ci]!.count);
    local = Math.max(local, t.departures.length);
    K = Math.max(K, t.candidates.length);
  });
  return {
    choice: new Int16Array(members),
    kg: new Float64Array(local),
    m3: new Float64Array(local),
    parcels: new Float64Array(local),
    sumKg: new Float64Array(K),
    sumM3: new Float64Array(K),
    sumLink: new Float64Array(K),
  };
}

/**
 * Each parcel of commodity `ci` on its cheapest candidate at the capacity prices (or held, at the
 * hold penalty, when that is cheaper): the commodity's part of the Lagrangian relaxation, solved
 * exactly, parcel by parcel. Ties go to the earlier candidate, so the answer is deterministic.
 */
export function priceCommodity(
  table: PricingTable,
  agg: Aggregation,
  ci: number,
  parcels: PlanParcels,
  settings: PricingSettings,
  prices: CapacityPrices,
): CommodityChoice {
  const t = table.commodities[ci]!;
  const n = agg.commodities[ci]!.count;
  const local = t.departures.length;
  const K = t.candidates.length;
  const scratch: PricingScratch = {
    choice: new Int16Array(n),
    kg: new Float64Array(local),
    m3: new Float64Array(local),
    parcels: new Float64Array(local),
    sumKg: new Float64Array(K),
    sumM3: new Float64Array(K),
    sumLink: new Float64Array(K),
  };
  const { costMinor, pricedMinor } = priceInto(table, agg, ci, parcels, settings, prices, scratch);
  return {
    choice: scratch.choice,
    costMinor,
    pricedMinor,
    kg: scratch.kg,
    m3: scratch.m3,
    parcels: scratch.parcels,
  };
}

/** The answer of `priceInto`, copied out of the scratch buffers. */
export function keepChoice(
  table: PricingTable,
  agg: Aggregation,
  ci: number,
  scratch: PricingScratch,
  sums: { readonly costMinor: number; readonly pricedMinor: number },
): CommodityChoice {
  const n = agg.commodities[ci]!.count;
  const local = table.commodities[ci]!.departures.length;
  return {
    choice: scratch.choice.slice(0, n),
    costMinor: sums.costMinor,
    pricedMinor: sums.pricedMinor,
    kg: scratch.kg.slice(0, local),
    m3: scratch.m3.slice(0, local),
    parcels: scratch.parcels.slice(0, local),
  };
}

/** `priceCommodity` into scratch buffers: only the sums are returned; the rest is in `scratch`. */
export function priceInto(
  table: PricingTable,
  agg: Aggregation,
  ci: number,
  parcels: PlanParcels,
  settings: PricingSettings,
  prices: CapacityPrices,
  scratch: PricingScratch,
): { costMinor: number; pricedMinor: number } {
  const t = table.commodities[ci]!;
  const members = agg.commodities[ci]!.parcels;
  const K = t.candidates.length;
  const local = t.departures.length;
  // Per candidate: Σ prices per kg and per m³ over its departures, and Σ linking prices over its container rides.
  const { sumKg, sumM3, sumLink, choice, kg: kgUse, m3: m3Use, parcels: parcelUse } = scratch;
  sumKg.fill(0, 0, K);
  sumM3.fill(0, 0, K);
  sumLink.fill(0, 0, K);
  kgUse.fill(0, 0, local);
  m3Use.fill(0, 0, local);
  parcelUse.fill(0, 0, local);
  const link = prices.perParcel[ci];
  const paying = link ? prices.linkMembers?.[ci] : undefined;
  for (let k = 0; k < K; k++) {
    for (let q = t.rideStart[k]!; q < t.rideStart[k + 1]!; q++) {
      const l = t.rides[q]!;
      const g = t.departures[l]!;
      sumKg[k]! += prices.perKg[g]!;
      sumM3[k]! += prices.perM3[g]!;
      if (link && t.containerised[l] === 1) sumLink[k]! += link[l] ?? 0;
    }
  }
  const penalty = settings.latePenaltyMinorPerDay;
  const hold = settings.holdPenaltyMinor;
  const preferred = settings.preferred;
  const bonus = settings.stayBonusMinor ?? 0;
  let cost = 0;
  let priced = 0;
  for (let i = 0; i < members.length; i++) {
    const p = members[i]!;
    const w = parcels.weightG[p]!;
    const v = parcels.volumeMm3[p]!;
    const kg = w / 1000;
    const m3 = v / 1e9;
    const chargeable = Math.max(kg, v / 6e6);
    const promise = parcels.promiseDay[p]!;
    const stay = preferred ? preferred[p]! : -1;
    const pays = !paying || paying[i] === 1;
    let best = hold;
    let bestCost = hold;
    let bestK = -1;
    for (let k = 0; k < K; k++) {
      const late = t.deliveryDay[k]! - promise;
      let c =
        Math.round(
          t.perParcel[k]! + t.perKg[k]! * kg + (t.perM3[k]! * v) / 1e9 + t.perChargeableKg[k]! * chargeable,
        ) + (late > 0 ? late * penalty : 0);
      if (k === stay) c -= bonus;
      const withPrices = c + sumKg[k]! * kg + sumM3[k]! * m3 + (pays ? sumLink[k]! : 0);
      if (withPrices < best) {
        best = withPrices;
        bestCost = c;
        bestK = k;
      }
    }
    choice[i] = bestK;
    cost += bestCost;
    priced += best;
    if (bestK >= 0)
      for (let q = t.rideStart[bestK]!; q < t.rideStart[bestK + 1]!; q++) {
        const l = t.rides[q]!;
        kgUse[l]! += kg;
        m3Use[l]! += m3;
        parcelUse[l]!++;
      }
  }
  return { costMinor: cost, pricedMinor: priced };
}

/** Every parcel of commodity `ci` on candidate `k`: what that costs and uses. */
export function commodityOn(
  table: PricingTable,
  agg: Aggregation,
  ci: number,
  parcels: PlanParcels,
  settings: PricingSettings,
  k: number,
): CommodityChoice {
  const t = table.commodities[ci]!;
  const members = agg.commodities[ci]!.parcels;
  const local = t.departures.length;
  const kgUse = new Float64Array(local);
  const m3Use = new Float64Array(local);
  const parcelUse = new Float64Array(local);
  const bonus = settings.stayBonusMinor ?? 0;
  let cost = 0;
  for (let i = 0; i < members.length; i++) {
    const p = members[i]!;
    const w = parcels.weightG[p]!;
    const v = parcels.volumeMm3[p]!;
    const late = t.deliveryDay[k]! - parcels.promiseDay[p]!;
    cost +=
      ownChargesMinor(t.candidates[k]!, w, v) +
      (late > 0 ? late * settings.latePenaltyMinorPerDay : 0) -
      (settings.preferred?.[p] === k ? bonus : 0);
    for (let q = t.rideStart[k]!; q < t.rideStart[k + 1]!; q++) {
      const l = t.rides[q]!;
      kgUse[l]! += w / 1000;
      m3Use[l]! += v / 1e9;
      parcelUse[l]!++;
    }
  }
  return {
    choice: new Int16Array(members.length).fill(k),
    costMinor: cost,
    pricedMinor: cost,
    kg: kgUse,
    m3: m3Use,
    parcels: parcelUse,
  };
}

/**
 * The capacity side of the Lagrangian bound at these prices: every container slot whose rate is
 * below what the prices pay for its payload, filled volume and linked parcels is opened (a negative
 * term), and loose capacity is sold at its prices (minus their value). With `demand` (the most kg
 * and m³ any plan puts on a departure, see `DepartureDemand`), a departure sells no more than its
 * demand: containers are counted whole against it (`cappedContainerTerm`), loose capacity up to it.
 */
export function capacityTerm(
  table: PricingTable,
  prices: CapacityPrices,
  links: readonly CommodityLink[],
  demand?: (d: PlanDeparture) => readonly [number, number],
): number {
  const m = table.departures.length;
  // Per departure and container type: its rate less the linking prices it earns.
  const rho = table.departures.map((d) => d.containers.map((t) => Math.round(t.costMinor)));
  for (const l of links) {
    const lambda = prices.perParcel[l.commodity]?.[l.local] ?? 0;
    if (lambda === 0) continue;
    const r = rho[l.departure]!;
    l.perContainer.forEach((a, t) => {
      r[t]! -= lambda * a;
    });
  }
  let total = 0;
  for (let i = 0; i < m; i++) {
    const d = table.departures[i]!;
    const kg = prices.perKg[i]!;
    const m3 = prices.perM3[i]!;
    if (d.containers.length > 0) {
      if (demand) {
        const [dk, dm] = demand(d);
        total += cappedContainerTerm(d, rho[i]!, kg, m3, dk, dm);
        continue;
      }
      d.containers.forEach((t, ti) => {
        const r = rho[i]![ti]! - kg * (t.payloadG / 1000) - m3 * (t.volumeMm3 / 1e9);
        if (r < 0) total += r * t.slots;
      });
    } else {
      const [dk, dm] = demand ? demand(d) : [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
      if (Number.isFinite(d.weightCapG)) total -= kg * Math.min(d.weightCapG / 1000, dk);
      if (Number.isFinite(d.volumeCapMm3)) total -= m3 * Math.min(d.volumeCapMm3 / 1e9, dm);
    }
  }
  return total;
}

/**
 * A lower bound on the cost of every plan of these parcels over their commodities' candidates, at
 * any prices ≥ 0: the Lagrangian relaxation of the departures' capacities (kg, filled m³, container
 * slots) and of the linking rows,
 *
 *   L = Σ_parcels min(hold penalty, min_k [own charges + lateness + Σ_rides (μ_kg·kg + μ_m³·m³ + λ)])
 *       + Σ_departures, container types slots × min(0, rate − μ·(payload, filled m³) − Σ_c λ_c·a_c)
 *       − Σ_loose departures μ·(capacity kg, m³).
 *
 * Each plan is feasible for the relaxed problem at no more than its cost, so L ≤ the cost of any plan.
 * A linking price counts only for a commodity and departure that `links` lists. With `demand`, each
 * departure's term is capped by what its parcels could bring (`capacityTerm`): higher, still a bound.
 * With stay bonuses (re-plans) the bound is of the cost less the bonuses, so lower still.
 */
export function lagrangianBound(
  table: PricingTable,
  agg: Aggregation,
  parcels: PlanParcels,
  settings: PricingSettings,
  prices: CapacityPrices,
  links: readonly CommodityLink[],
  demand?: (d: PlanDeparture) => readonly [number, number],
): number {
  // A linking price counts only where there is a linking row: the container side pays for it there.
  const linked: (Float64Array | undefined)[] = table.commodities.map(() => undefined);
  const members: (Uint8Array | undefined)[] = table.commodities.map(() => undefined);
  for (const l of links) {
    if (l.members) members[l.commodity] = l.members;
    const price = prices.perParcel[l.commodity]?.[l.local] ?? 0;
    if (price === 0) continue;
    let list = linked[l.commodity];
    if (!list) {
      list = new Float64Array(table.commodities[l.commodity]!.departures.length);
      linked[l.commodity] = list;
    }
    list[l.local] = price;
  }
  const used: CapacityPrices = {
    perKg: prices.perKg,
    perM3: prices.perM3,
    perParcel: linked,
    linkMembers: members,
  };
  let total = capacityTerm(table, used, links, demand);
  const scratch = pricingScratch(table, agg);
  for (let ci = 0; ci < table.commodities.length; ci++)
    total += priceInto(table, agg, ci, parcels, settings, used, scratch).pricedMinor;
  return total;
}

/**
 * A parcel's costs on candidate k of a commodity: its own charges and lateness (`raw`), and what the
 * capacity prices charge it for the kg, m³ and container places it takes (`capacity`).
 */
export function commodityCosts(
  parcels: PlanParcels,
  t: CommodityTable,
  perKg: Float64Array,
  perM3: Float64Array,
  link: Float64Array | undefined,
  penalty: number,
): {
  raw: (p: number, k: number) => number;
  capacity: (p: number, k: number) => number;
} {
  const K = t.candidates.length;
  const sumKg = new Float64Array(K);
  const sumM3 = new Float64Array(K);
  const sumLink = new Float64Array(K);
  for (let k = 0; k < K; k++)
    for (let q = t.rideStart[k]!; q < t.rideStart[k + 1]!; q++) {
      const l = t.rides[q]!;
      const g = t.departures[l]!;
      sumKg[k]! += perKg[g]!;
      sumM3[k]! += perM3[g]!;
      if (link && t.containerised[l] === 1) sumLink[k]! += link[l] ?? 0;
    }
  return {
    raw: (p, k) =>
      ownChargesMinor(t.candidates[k]!, parcels.weightG[p]!, parcels.volumeMm3[p]!) +
      Math.max(0, t.deliveryDay[k]! - parcels.promiseDay[p]!) * penalty,
    capacity: (p, k) =>
      (sumKg[k]! * parcels.weightG[p]!) / 1000 + (sumM3[k]! * parcels.volumeMm3[p]!) / 1e9 + sumLink[k]!,
  };
}
