import { type Aggregation, mostParcelsIn } from './aggregate.ts';
import { ownChargesMinor, type PlanCandidate } from './candidates.ts';
import type { PlanContext } from './context.ts';
import type { PlanParcels } from './parcels.ts';
import {
  type CapacityPrices,
  type CommodityChoice,
  type CommodityLink,
  capacityTerm,
  commodityOn,
  type DeparturePrices,
  keepChoice,
  type PricingSettings,
  type PricingTable,
  priceCommodity,
  priceInto,
  pricingScratch,
  pricingTable,
  zeroPrices,
} from './pricing.ts';
import type { MipModel, MipResult, MipSolver, ModelChange } from './solver.ts';

export interface RelaxationOptions {
  /** Most rounds (each: solve the master LP, price every parcel, add what would lower it). Default 60. */
  readonly maxRounds?: number;
  /** Stop once the master LP is within this fraction of the bound. Default 0.0002 (0.02 %). */
  readonly tolerance?: number;
  /**
   * Linking rows (a commodity's parcels on a departure ≤ what the containers opened there can hold of
   * them), added where the master breaks them: they make the bound pay for whole containers where a
   * departure carries few. Default true.
   */
  readonly linking?: boolean;
  /** Prices to start from (say, a sample's): each parcel's cheapest candidate at them joins the first master. */
  readonly startPrices?: DeparturePrices;
  /** Scale on every departure's capacity (a sample of the parcels). Default 1. */
  readonly capacityScale?: number;
  /** Called after each round with the master's cost and the best bound so far. */
  readonly onRound?: (round: number, masterMinor: number, boundMinor: number) => void;
  /** A clock for the round timings (the core reads none of its own). */
  readonly nowMs?: () => number;
}

type Entering = { ci: number; choice: CommodityChoice };

/** One assignment of a commodity's parcels (a column of the master), and its weight in the solution. */
export interface CommodityMix {
  readonly choice: Int16Array;
  readonly weight: number;
}

/** The relaxation solved: its bound, its prices and the master's fractional plan. */
export interface Relaxation {
  readonly table: PricingTable;
  readonly links: readonly CommodityLink[];
  /** The best Lagrangian bound found: valid for every plan of these parcels over their candidates. */
  readonly boundMinor: number;
  /** The prices it was found at. */
  readonly boundPrices: CapacityPrices;
  /** The master LP's cost at the end (a relaxation of whole containers, over the columns it holds). */
  readonly masterMinor: number;
  /** The master's last prices (its LP duals). */
  readonly masterPrices: CapacityPrices;
  /** Per commodity, the assignments the master's solution mixes (weights sum to 1). */
  readonly mixes: readonly (readonly CommodityMix[])[];
  /** Each parcel's place in the relaxation's solution, settled parcel by parcel (see `settleParcels`). */
  readonly settled: SettledParcels;
  readonly rounds: number;
  readonly columns: number;
  /** Time in the master's LP solves, in pricing, and settling contested parcels (by `nowMs`). */
  readonly timingsMs: { readonly lp: number; readonly pricing: number; readonly settle: number };
}

/** Weight of the best bound's prices when the master's are steadied toward them. */
const SMOOTHING = 0.5;

/**
 * The consolidation's LP relaxation at the level of single parcels, solved by column generation
 * (Dantzig–Wolfe) over commodities. The master LP chooses, per commodity, a mix of assignments of its
 * parcels (each parcel to one candidate, or held), with container counts continuous in [0, slots] and
 * the departures' payload, filled volume and loose capacity as rows; its duals price capacity; at
 * those prices every parcel takes its own cheapest candidate (`priceCommodity`), which gives both the
 * Lagrangian bound (valid for every plan, whatever the prices) and each commodity's next column.
 * Parcels of a commodity differ in weight, volume and promise: the master never averages them.
 *
 * HiGHS solves the master; each round starts from the last basis (primal simplex after new columns,
 * dual after new linking rows). Rounds, not time, end the loop, so the same input gives the same result.
 */
export function solveRelaxation(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  solver: MipSolver,
  settings: PricingSettings,
  options: RelaxationOptions = {},
): Relaxation {
  const now = options.nowMs ?? (() => 0);
  const maxRounds = options.maxRounds ?? 60;
  const tolerance = options.tolerance ?? 2e-4;
  const linking = options.linking ?? false;
  const table = pricingTable(ctx, agg, options.capacityScale ?? 1);
  if (agg.commodities.length === 0) {
    // Nothing to plan (no parcels, or every one held before planning): nothing to bound either.
    const none = zeroPrices(table);
    return {
      table,
      links: [],
      boundMinor: 0,
      boundPrices: none,
      masterMinor: 0,
      masterPrices: none,
      mixes: [],
      settled: { choice: new Int16Array(parcels.count).fill(-1), split: new Map(), contested: 0 },
      rounds: 0,
      columns: 0,
      timingsMs: { lp: 0, pricing: 0, settle: 0 },
    };
  }
  const master = new Master(table, agg, settings.holdPenaltyMinor);
  const links: (CommodityLink & { row: number })[] = [];
  const C = agg.commodities.length;

  // Start: every commodity held (always feasible), and each parcel on its cheapest candidate at no price.
  const zero = zeroPrices(table);
  for (let ci = 0; ci < C; ci++) {
    master.addHold(ci);
    master.addColumn(ci, priceCommodity(table, agg, ci, parcels, settings, zero));
  }
  let startAt: CapacityPrices | undefined;
  if (options.startPrices) {
    const start = options.startPrices;
    startAt = {
      perKg: Float64Array.from(table.departures, (d) => start.perKg.get(d.key) ?? 0),
      perM3: Float64Array.from(table.departures, (d) => start.perM3.get(d.key) ?? 0),
      perParcel: table.commodities.map(() => undefined),
    };
    for (let ci = 0; ci < C; ci++)
      master.addColumn(ci, priceCommodity(table, agg, ci, parcels, settings, startAt));
  }
  const session = solver.openRelaxation(master.build(), {
    timeLimitSeconds: 600,
    relativeGap: 1e-6,
    relaxed: true,
    // Presolve costs more than it saves on a master solved again and again from its last basis.
    highsOptions: { presolve: 'off' },
  });
  master.commit();

  let bound = Number.NEGATIVE_INFINITY;
  let boundPrices = zero;
  let masterPrices = zero;
  let rounds = 0;
  let lpMs = 0;
  let pricingMs = 0;
  /** The Lagrangian at `prices`; with `dual` (the master's row duals), the columns that would lower the master. */
  const scratch = pricingScratch(table, agg);
  const price = (prices: CapacityPrices, dual: Float64Array | undefined, entering: Entering[]): number => {
    let lagrangian = capacityTerm(table, prices, links);
    for (let ci = 0; ci < C; ci++) {
      const sums = priceInto(table, agg, ci, parcels, settings, prices, scratch);
      lagrangian += sums.pricedMinor;
      if (!dual) continue;
      const sigma = dual[ci]!;
      const reduced =
        prices === masterPrices
          ? sums.pricedMinor
          : reducedCost(table, ci, { ...scratch, costMinor: sums.costMinor }, masterPrices);
      if (reduced < sigma - 1e-9 * Math.abs(sigma) - 1e-6)
        entering.push({ ci, choice: keepChoice(table, agg, ci, scratch, sums) });
    }
    if (lagrangian > bound) {
      bound = lagrangian;
      boundPrices = prices;
    }
    return lagrangian;
  };
  // Starting prices: their Lagrangian is a first bound, and the centre the master is steadied toward.
  if (startAt) price(startAt, undefined, []);

  let lp: MipResult;
  try {
    for (;;) {
      let t = now();
      lp = session.solve();
      lpMs += now() - t;
      if (lp.status !== 'optimal' || !lp.rowDual)
        throw new Error(`planner: the relaxation's master LP ended ${lp.status}`);
      rounds++;
      t = now();
      masterPrices = master.prices(lp.rowDual, links);
      const center = boundPrices;
      const entering: Entering[] = [];
      price(masterPrices, lp.rowDual, entering);
      // Stabilisation (Wentges 1997): also price halfway between the master's prices and those of the
      // best bound so far, which damps the master's swings; its columns join when they would lower the
      // master, and its Lagrangian is a bound like any other.
      if (center !== zero) price(between(center, masterPrices, SMOOTHING), lp.rowDual, entering);
      const cuts = linking ? master.brokenLinks(lp.x) : [];
      pricingMs += now() - t;
      options.onRound?.(rounds, lp.objective, bound);
      const closeEnough = lp.objective - bound <= tolerance * Math.abs(lp.objective);
      if (cuts.length === 0 && (closeEnough || entering.length === 0)) break;
      if (rounds >= maxRounds) break;
      for (const cut of cuts) links.push(master.addLink(cut.ci, cut.local));
      for (const { ci, choice } of entering) master.addColumn(ci, choice);
      session.add(master.change());
      master.commit();
    }
  } finally {
    session.dispose();
  }
  const mixes = master.mixes(lp.x);
  const t0 = now();
  const settled = settleParcels(ctx, parcels, agg, table, mixes, solver, settings);
  const settleMs = now() - t0;
  return {
    table,
    links: links.map(({ row: _row, ...l }) => l),
    boundMinor: bound,
    boundPrices,
    masterMinor: lp.objective,
    masterPrices,
    mixes,
    settled,
    rounds,
    columns: master.numCols,
    timingsMs: { lp: lpMs, pricing: pricingMs, settle: settleMs },
  };
}

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
function settleParcels(
  ctx: PlanContext,
  parcels: PlanParcels,
  agg: Aggregation,
  table: PricingTable,
  mixes: readonly (readonly CommodityMix[])[],
  solver: MipSolver,
  settings: PricingSettings,
): SettledParcels {
  const first = parcelsFromMixes(agg, mixes, parcels.count);
  if (first.split.size === 0) return first;
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

/**
 * The master LP, grown a round at a time. Rows: one per commodity (its mix sums to 1); payload (kg)
 * and filled volume (m³) per departure — within the containers opened, or within the loose capacity;
 * linking rows as they are added. Columns: containers per departure and type (cost the rate, bounds
 * [0, slots]); one per assignment of a commodity's parcels (cost what they cost; entries the kg, m³
 * and parcels it puts on each departure).
 */
class Master {
  private readonly rowLower: number[] = [];
  private readonly rowUpper: number[] = [];
  private readonly colCost: number[] = [];
  private readonly colUpper: number[] = [];
  private readonly colInt: number[] = [];
  private readonly colIndex: number[][] = [];
  private readonly colValue: number[][] = [];
  /** Rows made since the last commit: their entries on committed columns. */
  private readonly newRowEntries = new Map<number, { cols: number[]; vals: number[] }>();
  private committedRows = 0;
  private committedCols = 0;

  private readonly kgRow: Int32Array;
  private readonly m3Row: Int32Array;
  /** First container column of each departure (its types follow), −1 for loose departures. */
  private readonly containerCol: Int32Array;
  /** Per column: its commodity (−1 for containers), parcel choices and parcels per departure of the commodity. */
  private readonly colCommodity: number[] = [];
  private readonly colChoice: (Int16Array | undefined)[] = [];
  private readonly colParcels: (Float64Array | undefined)[] = [];
  private readonly columnsOf: number[][];
  private readonly linkRows: Map<number, number>[];

  constructor(
    private readonly table: PricingTable,
    private readonly agg: Aggregation,
    private readonly holdPenalty: number,
    /** Load already on each departure (kg, m³ by position in the table), from parcels outside the model. */
    reserved?: { readonly kg: Float64Array; readonly m3: Float64Array },
  ) {
    const C = agg.commodities.length;
    for (let ci = 0; ci < C; ci++) this.addRow(1, 1);
    const m = table.departures.length;
    this.kgRow = new Int32Array(m).fill(-1);
    this.m3Row = new Int32Array(m).fill(-1);
    this.containerCol = new Int32Array(m).fill(-1);
    table.departures.forEach((d, i) => {
      const kg = reserved?.kg[i] ?? 0;
      const m3 = reserved?.m3[i] ?? 0;
      if (d.containers.length > 0) {
        this.kgRow[i] = this.addRow(Number.NEGATIVE_INFINITY, -kg);
        this.m3Row[i] = this.addRow(Number.NEGATIVE_INFINITY, -m3);
        this.containerCol[i] = this.colCost.length;
        for (const t of d.containers)
          this.addCol(
            Math.round(t.costMinor),
            t.slots,
            1,
            [this.kgRow[i]!, this.m3Row[i]!],
            [-t.payloadG / 1000, -t.volumeMm3 / 1e9],
            -1,
          );
      } else {
        if (Number.isFinite(d.weightCapG))
          this.kgRow[i] = this.addRow(Number.NEGATIVE_INFINITY, Math.max(0, d.weightCapG / 1000 - kg));
        if (Number.isFinite(d.volumeCapMm3))
          this.m3Row[i] = this.addRow(Number.NEGATIVE_INFINITY, Math.max(0, d.volumeCapMm3 / 1e9 - m3));
      }
    });
    this.columnsOf = agg.commodities.map(() => []);
    this.linkRows = agg.commodities.map(() => new Map());
  }

  get numCols(): number {
    return this.colCost.length;
  }

  /** The column that holds every parcel of commodity `ci`. */
  addHold(ci: number): void {
    const c = this.agg.commodities[ci]!;
    const col = this.addCol(c.count * this.holdPenalty, Number.POSITIVE_INFINITY, 0, [ci], [1], ci);
    this.colChoice[col] = new Int16Array(c.count).fill(-1);
    this.colParcels[col] = new Float64Array(this.table.commodities[ci]!.departures.length);
    this.columnsOf[ci]!.push(col);
  }

  /** A column of commodity `ci`: the assignment `choice`. */
  addColumn(ci: number, choice: CommodityChoice): void {
    const t = this.table.commodities[ci]!;
    const index = [ci];
    const value = [1];
    const links = this.linkRows[ci]!;
    for (let l = 0; l < t.departures.length; l++) {
      if (choice.parcels[l] === 0) continue;
      const g = t.departures[l]!;
      if (this.kgRow[g]! >= 0) {
        index.push(this.kgRow[g]!);
        value.push(choice.kg[l]!);
      }
      if (this.m3Row[g]! >= 0) {
        index.push(this.m3Row[g]!);
        value.push(choice.m3[l]!);
      }
      const row = links.get(l);
      if (row !== undefined) {
        index.push(row);
        value.push(choice.parcels[l]!);
      }
    }
    const col = this.addCol(choice.costMinor, Number.POSITIVE_INFINITY, 0, index, value, ci);
    this.colChoice[col] = choice.choice;
    this.colParcels[col] = choice.parcels;
    this.columnsOf[ci]!.push(col);
  }

  /**
   * Adds the linking row of commodity `ci` on its departure `local`: its parcels there ≤ Σ_types
   * min(count, most of them one container holds) × containers.
   */
  addLink(ci: number, local: number): CommodityLink & { row: number } {
    const c = this.agg.commodities[ci]!;
    const t = this.table.commodities[ci]!;
    const g = t.departures[local]!;
    const d = this.table.departures[g]!;
    const row = this.addRow(Number.NEGATIVE_INFINITY, 0);
    const cols: number[] = [];
    const vals: number[] = [];
    const perContainer = d.containers.map((k) =>
      Math.min(c.count, mostParcelsIn(c, k.payloadG, k.volumeMm3)),
    );
    for (const col of this.columnsOf[ci]!) {
      const n = this.colParcels[col]![local]!;
      if (n === 0) continue;
      this.colIndex[col]!.push(row);
      this.colValue[col]!.push(n);
      if (col < this.committedCols) {
        cols.push(col);
        vals.push(n);
      }
    }
    perContainer.forEach((a, ti) => {
      if (a === 0) return;
      const col = this.containerCol[g]! + ti;
      this.colIndex[col]!.push(row);
      this.colValue[col]!.push(-a);
      if (col < this.committedCols) {
        cols.push(col);
        vals.push(-a);
      }
    });
    this.newRowEntries.set(row, { cols, vals });
    this.linkRows[ci]!.set(local, row);
    return { commodity: ci, local, departure: g, perContainer, row };
  }

  /** Linking rows the solution `x` breaks (parcels of a commodity on a departure beyond its containers' room for them). */
  brokenLinks(x: Float64Array): { ci: number; local: number }[] {
    const out: { ci: number; local: number }[] = [];
    const C = this.agg.commodities.length;
    for (let ci = 0; ci < C; ci++) {
      const t = this.table.commodities[ci]!;
      const c = this.agg.commodities[ci]!;
      let use: Float64Array | undefined;
      for (const col of this.columnsOf[ci]!) {
        const w = x[col] ?? 0;
        if (w <= 1e-9) continue;
        use ??= new Float64Array(t.departures.length);
        const n = this.colParcels[col]!;
        for (let l = 0; l < n.length; l++) use[l]! += w * n[l]!;
      }
      if (!use) continue;
      const have = this.linkRows[ci]!;
      for (let l = 0; l < use.length; l++) {
        if (t.containerised[l] !== 1 || use[l]! <= 1e-6 || have.has(l)) continue;
        const g = t.departures[l]!;
        const d = this.table.departures[g]!;
        let room = 0;
        d.containers.forEach((k, ti) => {
          room +=
            Math.min(c.count, mostParcelsIn(c, k.payloadG, k.volumeMm3)) *
            (x[this.containerCol[g]! + ti] ?? 0);
        });
        if (use[l]! > room + 1e-6 * Math.max(1, use[l]!)) out.push({ ci, local: l });
      }
    }
    return out;
  }

  /** Capacity prices from the master's row duals (minimisation: ≤ rows have duals ≤ 0). */
  prices(rowDual: Float64Array, links: readonly (CommodityLink & { row: number })[]): CapacityPrices {
    const m = this.table.departures.length;
    const perKg = new Float64Array(m);
    const perM3 = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      if (this.kgRow[i]! >= 0) perKg[i] = Math.max(0, -rowDual[this.kgRow[i]!]!);
      if (this.m3Row[i]! >= 0) perM3[i] = Math.max(0, -rowDual[this.m3Row[i]!]!);
    }
    const perParcel: (Float64Array | undefined)[] = this.agg.commodities.map(() => undefined);
    for (const l of links) {
      const price = Math.max(0, -rowDual[l.row]!);
      if (price === 0) continue;
      let list = perParcel[l.commodity];
      if (!list) {
        list = new Float64Array(this.table.commodities[l.commodity]!.departures.length);
        perParcel[l.commodity] = list;
      }
      list[l.local] = price;
    }
    return { perKg, perM3, perParcel };
  }

  /** Per commodity, the columns the solution `x` uses and their weights. */
  mixes(x: Float64Array): CommodityMix[][] {
    return this.columnsOf.map((cols) => {
      const out: CommodityMix[] = [];
      let total = 0;
      for (const col of cols) {
        const w = x[col] ?? 0;
        if (w > 1e-9) {
          out.push({ choice: this.colChoice[col]!, weight: w });
          total += w;
        }
      }
      return out.map((m) => ({ choice: m.choice, weight: m.weight / total }));
    });
  }

  build(): MipModel {
    const n = this.colCost.length;
    const start = new Int32Array(n + 1);
    for (let j = 0; j < n; j++) start[j + 1] = start[j]! + this.colIndex[j]!.length;
    const index = new Int32Array(start[n]!);
    const value = new Float64Array(start[n]!);
    for (let j = 0; j < n; j++) sortedInto(this.colIndex[j]!, this.colValue[j]!, index, value, start[j]!);
    return {
      numCols: n,
      numRows: this.rowLower.length,
      colCost: Float64Array.from(this.colCost),
      colLower: new Float64Array(n),
      colUpper: Float64Array.from(this.colUpper),
      rowLower: Float64Array.from(this.rowLower),
      rowUpper: Float64Array.from(this.rowUpper),
      start,
      index,
      value,
      integrality: Int32Array.from(this.colInt),
      offset: 0,
    };
  }

  /** What is new since the last commit. */
  change(): ModelChange {
    const r0 = this.committedRows;
    const rows = this.rowLower.length - r0;
    const rowStart = new Int32Array(rows + 1);
    const rowIndex: number[] = [];
    const rowValue: number[] = [];
    for (let r = 0; r < rows; r++) {
      const e = this.newRowEntries.get(r0 + r);
      if (e) {
        const order = e.cols.map((_, i) => i).sort((a, b) => e.cols[a]! - e.cols[b]!);
        for (const i of order) {
          rowIndex.push(e.cols[i]!);
          rowValue.push(e.vals[i]!);
        }
      }
      rowStart[r + 1] = rowIndex.length;
    }
    const c0 = this.committedCols;
    const cols = this.colCost.length - c0;
    const colStart = new Int32Array(cols + 1);
    for (let j = 0; j < cols; j++) colStart[j + 1] = colStart[j]! + this.colIndex[c0 + j]!.length;
    const colIndex = new Int32Array(colStart[cols]!);
    const colValue = new Float64Array(colStart[cols]!);
    for (let j = 0; j < cols; j++)
      sortedInto(this.colIndex[c0 + j]!, this.colValue[c0 + j]!, colIndex, colValue, colStart[j]!);
    return {
      rows: {
        lower: Float64Array.from(this.rowLower.slice(r0)),
        upper: Float64Array.from(this.rowUpper.slice(r0)),
        start: rowStart,
        index: Int32Array.from(rowIndex),
        value: Float64Array.from(rowValue),
      },
      cols: {
        cost: Float64Array.from(this.colCost.slice(c0)),
        lower: new Float64Array(cols),
        upper: Float64Array.from(this.colUpper.slice(c0)),
        start: colStart,
        index: colIndex,
        value: colValue,
      },
    };
  }

  commit(): void {
    this.committedRows = this.rowLower.length;
    this.committedCols = this.colCost.length;
    this.newRowEntries.clear();
  }

  private addRow(lower: number, upper: number): number {
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    return this.rowLower.length - 1;
  }

  private addCol(
    cost: number,
    upper: number,
    integer: number,
    index: number[],
    value: number[],
    ci: number,
  ): number {
    this.colCost.push(cost);
    this.colUpper.push(upper);
    this.colInt.push(integer);
    this.colIndex.push(index);
    this.colValue.push(value);
    this.colCommodity.push(ci);
    this.colChoice.push(undefined);
    this.colParcels.push(undefined);
    return this.colCost.length - 1;
  }
}

/** Prices `weight` of the way from `b` to `a`. */
function between(a: CapacityPrices, b: CapacityPrices, weight: number): CapacityPrices {
  const mix = (x: Float64Array, y: Float64Array) =>
    Float64Array.from(x, (v, i) => weight * v + (1 - weight) * y[i]!);
  return {
    perKg: mix(a.perKg, b.perKg),
    perM3: mix(a.perM3, b.perM3),
    perParcel: b.perParcel.map((y, ci) => {
      const x = a.perParcel[ci];
      if (!x && !y) return undefined;
      const len = (x ?? y)!.length;
      return Float64Array.from(
        { length: len },
        (_, l) => weight * (x?.[l] ?? 0) + (1 - weight) * (y?.[l] ?? 0),
      );
    }),
  };
}

/** A column's cost with these prices added (its reduced cost less the commodity row's dual). */
function reducedCost(
  table: PricingTable,
  ci: number,
  choice: Pick<CommodityChoice, 'costMinor' | 'kg' | 'm3' | 'parcels'>,
  prices: CapacityPrices,
): number {
  const t = table.commodities[ci]!;
  const link = prices.perParcel[ci];
  let total = choice.costMinor;
  for (let l = 0; l < t.departures.length; l++) {
    if (choice.parcels[l] === 0) continue;
    const g = t.departures[l]!;
    total += prices.perKg[g]! * choice.kg[l]! + prices.perM3[g]! * choice.m3[l]!;
    if (link && t.containerised[l] === 1) total += link[l]! * choice.parcels[l]!;
  }
  return total;
}

/** Writes a column's (or row's) entries sorted by index into flat arrays from `at`. */
function sortedInto(
  index: number[],
  value: number[],
  outIndex: Int32Array,
  outValue: Float64Array,
  at: number,
): void {
  const order = index.map((_, i) => i).sort((a, b) => index[a]! - index[b]!);
  for (let i = 0; i < order.length; i++) {
    outIndex[at + i] = index[order[i]!]!;
    outValue[at + i] = value[order[i]!]!;
  }
}
