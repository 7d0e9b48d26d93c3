import { type Aggregation, type Commodity, mostParcelsIn } from './aggregate.ts';
import type { PlanCandidate } from './candidates.ts';
import type { PlanContext, PlanDeparture } from './context.ts';
import type { MipModel } from './solver.ts';

/** Where each decision sits among the model's columns, to read a solution back. */
export interface ModelLayout {
  /** The whole model as it stands (built on demand). */
  readonly model: MipModel;
  /** Candidates in the model per commodity, and the column of each one's flow, in the same order. */
  readonly candidates: readonly (readonly PlanCandidate[])[];
  readonly flowCols: readonly (readonly number[])[];
  /** Column of commodity c's unserved parcels. */
  readonly unservedCol: Int32Array;
  /** Container columns: departure, container type index, column. */
  readonly containerCols: readonly {
    readonly departure: PlanDeparture;
    readonly type: number;
    readonly col: number;
  }[];
  /** Capacity rows of each departure the model prices (weight in kg, volume in m³; -1 when none). */
  readonly departureRows: ReadonlyMap<number, { readonly weight: number; readonly volume: number }>;
  /**
   * Linking rows: parcels of a commodity through a departure ≤ Σ over container types of the most of
   * its parcels one container holds (capped at the commodity's count) × containers of that type.
   */
  readonly links: readonly {
    readonly row: number;
    readonly commodity: number;
    readonly departure: number;
    /** Per container type of the departure (its `containers` order). */
    readonly coefficients: readonly number[];
  }[];
  /** Re-planning: columns of parcels that stay on their previous itinerary, per commodity and candidate. */
  readonly stayCols: readonly {
    readonly commodity: number;
    readonly candidate: number;
    readonly col: number;
  }[];
}

/** Rows and columns added to a model since it was last handed to a solver. */
export interface ModelChange {
  /** New rows: bounds, and their entries on columns the solver already has (CSR). */
  readonly rows: {
    readonly lower: Float64Array;
    readonly upper: Float64Array;
    readonly start: Int32Array;
    readonly index: Int32Array;
    readonly value: Float64Array;
  };
  /** New columns: cost, bounds and all their entries (CSC; rows include the new ones). */
  readonly cols: {
    readonly cost: Float64Array;
    readonly lower: Float64Array;
    readonly upper: Float64Array;
    readonly start: Int32Array;
    readonly index: Int32Array;
    readonly value: Float64Array;
  };
}

/** Saving a parcel earns by staying on its previous itinerary in a re-plan: one minor unit. */
export const STAY_BONUS_MINOR = 1;

/** Estimated cost of one average parcel of `c` on candidate `k`, with its share of containers. */
export function unitCostEstimate(ctx: PlanContext, c: Commodity, k: PlanCandidate): number {
  const w = c.weightG / c.count;
  const v = c.volumeMm3 / c.count;
  let cost = ownUnitCost(c, k);
  for (const r of k.rides) {
    if (!r.containerised) continue;
    const d = ctx.departures.get(r.departure)!;
    let best = Number.POSITIVE_INFINITY;
    for (const t of d.containers)
      best = Math.min(best, t.costMinor * Math.max(w / t.payloadG, v / t.volumeMm3));
    cost += best;
  }
  return cost;
}

/** The commodity's average parcel's own charges on a candidate (no containers, no lateness). */
function ownUnitCost(c: Commodity, k: PlanCandidate): number {
  const w = c.weightG / c.count;
  const v = c.volumeMm3 / c.count;
  const ch = c.chargeableKg / c.count;
  return k.perParcel + (k.perKg * w) / 1000 + (k.perM3 * v) / 1e9 + k.perChargeableKg * ch;
}

/**
 * Keeps the candidates in the first `layers` Pareto layers over (delivery day, estimated unit cost):
 * the fastest and cheapest ways, plus one layer of alternatives for when those fill up.
 */
export function pruneCandidates(
  ctx: PlanContext,
  c: Commodity,
  list: readonly PlanCandidate[],
  layers: number,
): PlanCandidate[] {
  const scored = list.map((k, i) => ({ k, i, day: k.deliveryDay, cost: unitCostEstimate(ctx, c, k) }));
  const keep = new Set<number>();
  let rest = scored;
  for (let layer = 0; layer < layers && rest.length > 0; layer++) {
    const front = rest.filter(
      (a) =>
        !rest.some(
          (b) =>
            b !== a && b.day <= a.day && b.cost <= a.cost && (b.day < a.day || b.cost < a.cost || b.i < a.i),
        ),
    );
    for (const a of front) keep.add(a.i);
    rest = rest.filter((a) => !keep.has(a.i));
  }
  return list.filter((_, i) => keep.has(i));
}

/**
 * The aggregated consolidation model, built so that candidates can join it after a solve (column
 * generation): rows for departures and linking are made on first use, and `change()` hands a solver
 * what is new since the last `commit()`.
 *
 * - flows g[c, k] ≥ 0: parcels of commodity c on candidate k, with the per-parcel costs of the
 *   commodity's average parcel; unserved u[c] at a prohibitive penalty; Σ g + u = count;
 * - lateness: parcels with the earliest promises ride the earliest deliveries, so the parcel-days late
 *   are Σ_t max(0, N(t−1) − G(t−1)) (N: promised by day t−1, G: delivered by t−1); one variable per
 *   interval between breakpoints (every delivery day of the route class's candidates), at the penalty
 *   per day times the interval's days;
 * - containers y[d, type] integer within the slots of each departure, at the container rate;
 *   weight (kg) and filled volume (m³) of the flows through d within the containers opened;
 *   linking rows per commodity and departure (see `ModelLayout.links`);
 * - loose capacity (air) in kg and m³ per departure.
 */
export class ConsolidationModel implements ModelLayout {
  readonly candidates: PlanCandidate[][];
  readonly flowCols: number[][];
  readonly unservedCol: Int32Array;
  readonly containerCols: { departure: PlanDeparture; type: number; col: number }[] = [];
  readonly departureRows = new Map<number, { weight: number; volume: number }>();
  readonly links: { row: number; commodity: number; departure: number; coefficients: number[] }[] = [];
  readonly stayCols: { commodity: number; candidate: number; col: number }[] = [];

  private readonly colCost: number[] = [];
  private readonly colLower: number[] = [];
  private readonly colUpper: number[] = [];
  private readonly colInt: number[] = [];
  private readonly colRows: number[][] = [];
  private readonly colVals: number[][] = [];
  private readonly rowLower: number[] = [];
  private readonly rowUpper: number[] = [];
  private offset = 0;
  private committedRows = 0;
  private committedCols = 0;
  /** Entries of rows not yet committed on columns already committed, by row. */
  private readonly pending = new Map<number, { cols: number[]; vals: number[] }>();
  private snapshot: MipModel | undefined;

  private readonly demandRow: Int32Array;
  private readonly containerColsOf = new Map<number, number[]>();
  private readonly linkRowOf: Map<number, number>[];
  /** Lateness rows of each commodity: the row and the day t (flows delivered by t − 1 count). */
  private readonly lateRows: { row: number; t: number }[][];
  private readonly inModel: Set<PlanCandidate>[];

  constructor(
    private readonly ctx: PlanContext,
    private readonly agg: Aggregation,
    private readonly linking = true,
    /** Candidates whose delivery days are the lateness breakpoints (default: every one of the route class). */
    breakpoints: (ci: number) => readonly PlanCandidate[] = (ci) =>
      agg.candidates[agg.commodities[ci]!.routeClass]!,
  ) {
    const n = agg.commodities.length;
    this.candidates = agg.commodities.map(() => []);
    this.flowCols = agg.commodities.map(() => []);
    this.unservedCol = new Int32Array(n);
    this.demandRow = new Int32Array(n);
    this.linkRowOf = agg.commodities.map(() => new Map());
    this.lateRows = agg.commodities.map(() => []);
    this.inModel = agg.commodities.map(() => new Set());
    const penalty = ctx.settings.latePenaltyMinorPerDay;
    agg.commodities.forEach((c, ci) => {
      this.demandRow[ci] = this.addRow(c.count, c.count);
      this.unservedCol[ci] = this.addCol(ctx.settings.holdPenaltyMinor, 0, c.count);
      this.put(this.unservedCol[ci]!, this.demandRow[ci]!, 1);

      // Lateness by breakpoints at the candidates' delivery days (every candidate of the route class when
      // candidates may join later; one that joins with a day between breakpoints counts from the next). Promises before the earliest delivery are late by a constant extra (every route delivers
      // at or after that day): counted in the offset, promise clamped.
      const all = breakpoints(ci);
      const minDay = Math.min(...all.map((k) => k.deliveryDay));
      const maxDay = Math.max(...all.map((k) => k.deliveryDay));
      const promiseDays: number[] = [];
      const promiseCounts: number[] = [];
      for (let i = 0; i < c.promiseDays.length; i++) {
        const p = c.promiseDays[i]!;
        const count = c.promiseCounts[i]!;
        const clamped = Math.max(p, minDay - 1);
        this.offset += penalty * count * (clamped - p);
        if (clamped >= maxDay) continue; // never late
        if (promiseDays.length > 0 && promiseDays[promiseDays.length - 1] === clamped)
          promiseCounts[promiseCounts.length - 1]! += count;
        else {
          promiseDays.push(clamped);
          promiseCounts.push(count);
        }
      }
      if (promiseDays.length === 0) return;
      const points = [...new Set([...promiseDays.map((p) => p + 1), ...all.map((k) => k.deliveryDay + 1)])]
        .filter((t) => t > promiseDays[0]! && t <= maxDay)
        .sort((a, b) => a - b);
      for (let b = 0; b < points.length; b++) {
        const t = points[b]!;
        const next = b + 1 < points.length ? points[b + 1]! : maxDay + 1;
        const days = next - t;
        if (days <= 0) continue;
        let due = 0;
        for (let i = 0; i < promiseDays.length; i++) if (promiseDays[i]! <= t - 1) due += promiseCounts[i]!;
        if (due === 0) continue;
        const row = this.addRow(due, Number.POSITIVE_INFINITY);
        const late = this.addCol(penalty * days, 0, due);
        this.put(late, row, 1);
        this.lateRows[ci]!.push({ row, t });
      }
    });
  }

  /** Adds candidate `k` of commodity `ci` as a flow column (once). */
  addCandidate(ci: number, k: PlanCandidate): void {
    if (this.inModel[ci]!.has(k)) return;
    this.inModel[ci]!.add(k);
    const c = this.agg.commodities[ci]!;
    this.candidates[ci]!.push(k);
    this.flowCols[ci]!.push(this.addFlow(ci, k, ownUnitCost(c, k), c.count));
  }

  /** Re-planning: lets `kept` parcels of `ci` stay on candidate `k` (in the model) at a hair less cost. */
  addStay(ci: number, k: PlanCandidate, kept: number): void {
    const j = this.candidates[ci]!.indexOf(k);
    if (j < 0 || kept <= 0) return;
    const c = this.agg.commodities[ci]!;
    const col = this.addFlow(ci, k, ownUnitCost(c, k) - STAY_BONUS_MINOR, kept);
    this.stayCols.push({ commodity: ci, candidate: j, col });
  }

  /**
   * Column generation: adds, per commodity, up to `perCommodity` candidates not yet in the model whose
   * reduced cost under the row duals `y` is below −`tolerance`. Returns how many joined.
   */
  price(y: Float64Array, perCommodity = 3, tolerance = 1e-6): number {
    let added = 0;
    this.agg.commodities.forEach((c, ci) => {
      const found: { k: PlanCandidate; rc: number }[] = [];
      for (const k of this.agg.candidates[c.routeClass]!) {
        if (this.inModel[ci]!.has(k)) continue;
        const rc = this.reducedCost(ci, k, y);
        if (rc < -tolerance * Math.max(1, Math.abs(ownUnitCost(c, k)))) found.push({ k, rc });
      }
      found.sort((a, b) => a.rc - b.rc);
      for (const { k } of found.slice(0, perCommodity)) {
        this.addCandidate(ci, k);
        added++;
      }
    });
    return added;
  }

  /** Reduced cost of a flow of `ci` on `k` under row duals `y` (rows not yet made price at 0). */
  reducedCost(ci: number, k: PlanCandidate, y: Float64Array): number {
    const c = this.agg.commodities[ci]!;
    const w = c.weightG / c.count;
    const v = c.volumeMm3 / c.count;
    let rc = ownUnitCost(c, k) - (y[this.demandRow[ci]!] ?? 0);
    const seen: number[] = [];
    for (const r of k.rides) {
      if (seen.includes(r.departure)) continue;
      seen.push(r.departure);
      const rows = this.departureRows.get(r.departure);
      if (rows) {
        if (rows.weight >= 0) rc -= (y[rows.weight] ?? 0) * (w / 1000);
        if (rows.volume >= 0) rc -= (y[rows.volume] ?? 0) * (v / 1e9);
      }
      const link = this.linkRowOf[ci]!.get(r.departure);
      if (link !== undefined && r.containerised) rc -= y[link] ?? 0;
    }
    for (const { row, t } of this.lateRows[ci]!) if (k.deliveryDay <= t - 1) rc -= y[row] ?? 0;
    return rc;
  }

  get model(): MipModel {
    this.snapshot ??= this.build();
    return this.snapshot;
  }

  /** What is new since the last commit, for a solver that holds the model. */
  change(): ModelChange {
    const rowsFrom = this.committedRows;
    const newRows = this.rowLower.length - rowsFrom;
    const rowStart = new Int32Array(newRows + 1);
    const rowIndex: number[] = [];
    const rowValue: number[] = [];
    for (let r = 0; r < newRows; r++) {
      const e = this.pending.get(rowsFrom + r);
      if (e) {
        const order = e.cols.map((_, i) => i).sort((a, b) => e.cols[a]! - e.cols[b]!);
        for (const i of order) {
          rowIndex.push(e.cols[i]!);
          rowValue.push(e.vals[i]!);
        }
      }
      rowStart[r + 1] = rowIndex.length;
    }
    const colsFrom = this.committedCols;
    const newCols = this.colCost.length - colsFrom;
    const colStart = new Int32Array(newCols + 1);
    const colIndex: number[] = [];
    const colValue: number[] = [];
    for (let j = 0; j < newCols; j++) {
      const rows = this.colRows[colsFrom + j]!;
      const vals = this.colVals[colsFrom + j]!;
      const order = rows.map((_, i) => i).sort((a, b) => rows[a]! - rows[b]!);
      for (const i of order) {
        colIndex.push(rows[i]!);
        colValue.push(vals[i]!);
      }
      colStart[j + 1] = colIndex.length;
    }
    return {
      rows: {
        lower: Float64Array.from(this.rowLower.slice(rowsFrom)),
        upper: Float64Array.from(this.rowUpper.slice(rowsFrom)),
        start: rowStart,
        index: Int32Array.from(rowIndex),
        value: Float64Array.from(rowValue),
      },
      cols: {
        cost: Float64Array.from(this.colCost.slice(colsFrom)),
        lower: Float64Array.from(this.colLower.slice(colsFrom)),
        upper: Float64Array.from(this.colUpper.slice(colsFrom)),
        start: colStart,
        index: Int32Array.from(colIndex),
        value: Float64Array.from(colValue),
      },
    };
  }

  /** Marks everything so far as handed to the solver. */
  commit(): void {
    this.committedRows = this.rowLower.length;
    this.committedCols = this.colCost.length;
    this.pending.clear();
  }

  get numCols(): number {
    return this.colCost.length;
  }

  private addRow(lower: number, upper: number): number {
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    this.snapshot = undefined;
    return this.rowLower.length - 1;
  }

  private addCol(cost: number, lower: number, upper: number, int = 0): number {
    this.colCost.push(cost);
    this.colLower.push(lower);
    this.colUpper.push(upper);
    this.colInt.push(int);
    this.colRows.push([]);
    this.colVals.push([]);
    this.snapshot = undefined;
    return this.colCost.length - 1;
  }

  private put(col: number, row: number, val: number): void {
    this.colRows[col]!.push(row);
    this.colVals[col]!.push(val);
    if (col < this.committedCols) {
      if (row < this.committedRows) throw new Error('planner: a committed entry cannot change');
      let e = this.pending.get(row);
      if (!e) {
        e = { cols: [], vals: [] };
        this.pending.set(row, e);
      }
      e.cols.push(col);
      e.vals.push(val);
    }
    this.snapshot = undefined;
  }

  /** Capacity rows (and container columns) of a departure, made on first use. */
  private rowsOf(d: PlanDeparture, containerised: boolean): { weight: number; volume: number } {
    let r = this.departureRows.get(d.key);
    if (r) return r;
    if (containerised) {
      r = {
        weight: this.addRow(Number.NEGATIVE_INFINITY, 0),
        volume: this.addRow(Number.NEGATIVE_INFINITY, 0),
      };
      const cols: number[] = [];
      d.containers.forEach((t, ti) => {
        const col = this.addCol(t.costMinor, 0, t.slots, 1);
        this.put(col, r!.weight, -t.payloadG / 1000);
        this.put(col, r!.volume, -t.volumeMm3 / 1e9);
        this.containerCols.push({ departure: d, type: ti, col });
        cols.push(col);
      });
      this.containerColsOf.set(d.key, cols);
    } else
      r = {
        weight: Number.isFinite(d.weightCapG)
          ? this.addRow(Number.NEGATIVE_INFINITY, d.weightCapG / 1000)
          : -1,
        volume: Number.isFinite(d.volumeCapMm3)
          ? this.addRow(Number.NEGATIVE_INFINITY, d.volumeCapMm3 / 1e9)
          : -1,
      };
    this.departureRows.set(d.key, r);
    return r;
  }

  private linkRow(ci: number, d: PlanDeparture): number {
    let row = this.linkRowOf[ci]!.get(d.key);
    if (row !== undefined) return row;
    const c = this.agg.commodities[ci]!;
    row = this.addRow(Number.NEGATIVE_INFINITY, 0);
    this.linkRowOf[ci]!.set(d.key, row);
    // Valid for whole parcels: the lightest and smallest of c together bound how many one box holds.
    const coefficients = d.containers.map((t) => mostParcelsIn(c, t.payloadG, t.volumeMm3));
    this.links.push({ row, commodity: ci, departure: d.key, coefficients });
    const cols = this.containerColsOf.get(d.key)!;
    coefficients.forEach((a, ti) => {
      if (a > 0) this.put(cols[ti]!, row!, -a);
    });
    return row;
  }

  private addFlow(ci: number, k: PlanCandidate, cost: number, upper: number): number {
    const c = this.agg.commodities[ci]!;
    const w = c.weightG / c.count;
    const v = c.volumeMm3 / c.count;
    const col = this.addCol(cost, 0, upper);
    this.put(col, this.demandRow[ci]!, 1);
    const seen: number[] = [];
    for (const r of k.rides) {
      if (seen.includes(r.departure)) continue;
      seen.push(r.departure);
      const d = this.ctx.departures.get(r.departure)!;
      const rows = this.rowsOf(d, r.containerised);
      if (rows.weight >= 0) this.put(col, rows.weight, w / 1000);
      if (rows.volume >= 0) this.put(col, rows.volume, v / 1e9);
      if (r.containerised && this.linking) this.put(col, this.linkRow(ci, d), 1);
    }
    for (const { row, t } of this.lateRows[ci]!) if (k.deliveryDay <= t - 1) this.put(col, row, 1);
    return col;
  }

  private build(): MipModel {
    const numCols = this.colCost.length;
    const start = new Int32Array(numCols + 1);
    let nnz = 0;
    for (let j = 0; j < numCols; j++) {
      start[j] = nnz;
      nnz += this.colRows[j]!.length;
    }
    start[numCols] = nnz;
    const index = new Int32Array(nnz);
    const value = new Float64Array(nnz);
    for (let j = 0; j < numCols; j++) {
      const rows = this.colRows[j]!;
      const vals = this.colVals[j]!;
      const order = rows.map((_, i) => i).sort((a, b) => rows[a]! - rows[b]!);
      let p = start[j]!;
      for (const i of order) {
        index[p] = rows[i]!;
        value[p] = vals[i]!;
        p++;
      }
    }
    return {
      numCols,
      numRows: this.rowLower.length,
      colCost: Float64Array.from(this.colCost),
      colLower: Float64Array.from(this.colLower),
      colUpper: Float64Array.from(this.colUpper),
      rowLower: Float64Array.from(this.rowLower),
      rowUpper: Float64Array.from(this.rowUpper),
      start,
      index,
      value,
      integrality: Int32Array.from(this.colInt),
      offset: this.offset,
    };
  }
}

/**
 * Builds the aggregated model with each commodity's candidates in the first `layers` Pareto layers
 * (see `pruneCandidates`); in a re-plan, `previous` says how many of a commodity's parcels had each
 * candidate, and those may stay on it at a hair less cost. With `generation`, lateness is broken at
 * every candidate's delivery day, ready for candidates to join by column generation.
 */
export function buildModel(
  ctx: PlanContext,
  agg: Aggregation,
  layers = 1,
  linking = true,
  previous?: (commodity: number, candidate: PlanCandidate) => number,
  generation = false,
): ConsolidationModel {
  const pruned = agg.commodities.map((c) => pruneCandidates(ctx, c, agg.candidates[c.routeClass]!, layers));
  const model = new ConsolidationModel(
    ctx,
    agg,
    linking,
    generation ? (ci) => agg.candidates[agg.commodities[ci]!.routeClass]! : (ci) => pruned[ci]!,
  );
  pruned.forEach((list, ci) => {
    for (const k of list) model.addCandidate(ci, k);
  });
  if (previous)
    agg.commodities.forEach((_, ci) => {
      for (const k of [...model.candidates[ci]!]) model.addStay(ci, k, previous(ci, k));
    });
  return model;
}
