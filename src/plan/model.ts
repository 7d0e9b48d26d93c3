import type { Aggregation, Commodity } from './aggregate.ts';
import type { PlanCandidate } from './candidates.ts';
import type { PlanContext, PlanDeparture } from './context.ts';
import type { MipModel } from './solver.ts';

/** Where each decision sits among the model's columns, to read a solution back. */
export interface ModelLayout {
  readonly model: MipModel;
  /** First column of commodity c's flows (one per candidate, in candidate order). */
  readonly flowStart: Int32Array;
  /** Column of commodity c's unserved parcels. */
  readonly unservedCol: Int32Array;
  /** Container columns: departure, container type index, column. */
  readonly containerCols: readonly {
    readonly departure: PlanDeparture;
    readonly type: number;
    readonly col: number;
  }[];
  /** Candidates kept per commodity (after pruning), in column order. */
  readonly candidates: readonly (readonly PlanCandidate[])[];
  /** Capacity rows of each departure the model prices (weight in kg, volume in m³; -1 when none). */
  readonly departureRows: ReadonlyMap<number, { readonly weight: number; readonly volume: number }>;
  /** Re-planning: columns of parcels that stay on their previous itinerary, per commodity and candidate. */
  readonly stayCols: readonly {
    readonly commodity: number;
    readonly candidate: number;
    readonly col: number;
  }[];
}

/** Saving a parcel earns by staying on its previous itinerary in a re-plan: one minor unit. */
export const STAY_BONUS_MINOR = 1;

/** Estimated cost of one average parcel of `c` on candidate `k`, with its share of containers. */
export function unitCostEstimate(ctx: PlanContext, c: Commodity, k: PlanCandidate): number {
  const w = c.weightG / c.count;
  const v = c.volumeMm3 / c.count;
  const ch = c.chargeableKg / c.count;
  let cost = k.perParcel + (k.perKg * w) / 1000 + (k.perM3 * v) / 1e9 + k.perChargeableKg * ch;
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
 * Builds the aggregated consolidation model:
 * - flows g[c, k] ≥ 0: parcels of commodity c on candidate k, with the per-parcel costs of the
 *   commodity's average parcel; unserved u[c] at a prohibitive penalty; Σ g + u = count;
 * - lateness: parcels with the earliest promises ride the earliest deliveries, so the parcel-days late
 *   are Σ_t max(0, N(t−1) − G(t−1)) (N: promised by day t−1, G: delivered by t−1); one variable per
 *   interval between breakpoints, at the penalty per day times the interval's days;
 * - containers y[d, type] integer within the slots of each departure, at the container rate;
 *   weight (kg) and filled volume (m³) of the flows through d within the containers opened;
 * - loose capacity (air) in kg and m³ per departure.
 */
export function buildModel(
  ctx: PlanContext,
  agg: Aggregation,
  layers = 1,
  linking = true,
  previous?: (commodity: number, candidate: PlanCandidate) => number,
): ModelLayout {
  const stayCols: { commodity: number; candidate: number; col: number }[] = [];
  const penalty = ctx.settings.latePenaltyMinorPerDay;
  const cols: { cost: number; lower: number; upper: number; int: number; rows: number[]; vals: number[] }[] =
    [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const addRow = (lower: number, upper: number) => {
    rowLower.push(lower);
    rowUpper.push(upper);
    return rowLower.length - 1;
  };
  const addCol = (cost: number, lower: number, upper: number, int = 0) => {
    cols.push({ cost, lower, upper, int, rows: [], vals: [] });
    return cols.length - 1;
  };
  const put = (col: number, row: number, val: number) => {
    cols[col]!.rows.push(row);
    cols[col]!.vals.push(val);
  };

  // Departure rows, made on first use.
  const depRows = new Map<number, { weight: number; volume: number }>();
  const rowsOf = (d: PlanDeparture, containerised: boolean) => {
    let r = depRows.get(d.key);
    if (!r) {
      if (containerised)
        r = { weight: addRow(Number.NEGATIVE_INFINITY, 0), volume: addRow(Number.NEGATIVE_INFINITY, 0) };
      else
        r = {
          weight: Number.isFinite(d.weightCapG) ? addRow(Number.NEGATIVE_INFINITY, d.weightCapG / 1000) : -1,
          volume: Number.isFinite(d.volumeCapMm3)
            ? addRow(Number.NEGATIVE_INFINITY, d.volumeCapMm3 / 1e9)
            : -1,
        };
      depRows.set(d.key, r);
    }
    return r;
  };

  // Linking rows: flow of commodity c through departure d ≤ its parcels × containers opened on d.
  const links: { row: number; departure: number; coefficient: number }[] = [];
  const flowStart = new Int32Array(agg.commodities.length);
  const unservedCol = new Int32Array(agg.commodities.length);
  const kept: PlanCandidate[][] = [];
  let offset = 0;
  agg.commodities.forEach((c, ci) => {
    const list = pruneCandidates(ctx, c, agg.candidates[c.routeClass]!, layers);
    kept.push(list);
    const w = c.weightG / c.count;
    const v = c.volumeMm3 / c.count;
    const ch = c.chargeableKg / c.count;
    const demand = addRow(c.count, c.count);
    flowStart[ci] = cols.length;
    const linkRows = new Map<number, number>();
    const makeFlow = (k: PlanCandidate, cost: number, upper: number) => {
      const col = addCol(cost, 0, upper);
      put(col, demand, 1);
      const seen = new Set<number>();
      for (const r of k.rides) {
        if (seen.has(r.departure)) continue;
        seen.add(r.departure);
        const d = ctx.departures.get(r.departure)!;
        const rows = rowsOf(d, r.containerised);
        if (rows.weight >= 0) put(col, rows.weight, w / 1000);
        if (rows.volume >= 0) put(col, rows.volume, v / 1e9);
        if (r.containerised && linking) {
          let row = linkRows.get(d.key);
          if (row === undefined) {
            row = addRow(Number.NEGATIVE_INFINITY, 0);
            linkRows.set(d.key, row);
            // Parcels of c one container holds: the commodity's average parcel in the largest box.
            let fit = 0;
            for (const t of d.containers) fit = Math.max(fit, Math.min(t.payloadG / w, t.volumeMm3 / v));
            links.push({
              row,
              departure: d.key,
              coefficient: -Math.max(1, Math.min(c.count, Math.floor(fit))),
            });
          }
          put(col, row, 1);
        }
      }
      return col;
    };
    const unitCost = (k: PlanCandidate) =>
      k.perParcel + (k.perKg * w) / 1000 + (k.perM3 * v) / 1e9 + k.perChargeableKg * ch;
    const flowCols = list.map((k) => makeFlow(k, unitCost(k), c.count));
    // Re-planning: parcels may stay on the itinerary they had at a hair less cost, so that they move
    // only when moving lowers the cost.
    const stay = list.map((k, j) => {
      const kept = previous?.(ci, k) ?? 0;
      if (kept <= 0) return -1;
      const col = makeFlow(k, unitCost(k) - STAY_BONUS_MINOR, kept);
      stayCols.push({ commodity: ci, candidate: j, col });
      return col;
    });
    unservedCol[ci] = addCol(ctx.settings.holdPenaltyMinor, 0, c.count);
    put(unservedCol[ci]!, demand, 1);

    // Lateness by breakpoints. Promises before the earliest delivery are late by a constant extra
    // (every route delivers at or after that day): counted in the offset, promise clamped.
    const minDay = Math.min(...list.map((k) => k.deliveryDay));
    const maxDay = Math.max(...list.map((k) => k.deliveryDay));
    const promiseDays: number[] = [];
    const promiseCounts: number[] = [];
    for (let i = 0; i < c.promiseDays.length; i++) {
      const p = c.promiseDays[i]!;
      const n = c.promiseCounts[i]!;
      const clamped = Math.max(p, minDay - 1);
      offset += penalty * n * (clamped - p);
      if (clamped >= maxDay) continue; // never late
      if (promiseDays.length > 0 && promiseDays[promiseDays.length - 1] === clamped)
        promiseCounts[promiseCounts.length - 1]! += n;
      else {
        promiseDays.push(clamped);
        promiseCounts.push(n);
      }
    }
    if (promiseDays.length === 0) return;
    const points = [...new Set([...promiseDays.map((p) => p + 1), ...list.map((k) => k.deliveryDay + 1)])]
      .filter((t) => t > promiseDays[0]! && t <= maxDay)
      .sort((a, b) => a - b);
    for (let b = 0; b < points.length; b++) {
      const t = points[b]!;
      const next = b + 1 < points.length ? points[b + 1]! : maxDay + 1;
      const days = next - t;
      if (days <= 0) continue;
      let n = 0;
      for (let i = 0; i < promiseDays.length; i++) if (promiseDays[i]! <= t - 1) n += promiseCounts[i]!;
      if (n === 0) continue;
      const row = addRow(n, Number.POSITIVE_INFINITY);
      const late = addCol(penalty * days, 0, n);
      put(late, row, 1);
      list.forEach((k, j) => {
        if (k.deliveryDay <= t - 1) {
          put(flowCols[j]!, row, 1);
          if (stay[j]! >= 0) put(stay[j]!, row, 1);
        }
      });
    }
  });

  const linksByDeparture = new Map<number, { row: number; coefficient: number }[]>();
  for (const l of links) linksByDeparture.set(l.departure, [...(linksByDeparture.get(l.departure) ?? []), l]);
  // Containers on the departures the flows use.
  const containerCols: { departure: PlanDeparture; type: number; col: number }[] = [];
  for (const [key, rows] of depRows) {
    const d = ctx.departures.get(key)!;
    if (d.containers.length === 0) continue;
    d.containers.forEach((t, ti) => {
      const col = addCol(t.costMinor, 0, t.slots, 1);
      put(col, rows.weight, -t.payloadG / 1000);
      put(col, rows.volume, -t.volumeMm3 / 1e9);
      for (const l of linksByDeparture.get(key) ?? []) put(col, l.row, l.coefficient);
      containerCols.push({ departure: d, type: ti, col });
    });
  }

  const numCols = cols.length;
  const start = new Int32Array(numCols + 1);
  let nnz = 0;
  for (let j = 0; j < numCols; j++) {
    start[j] = nnz;
    nnz += cols[j]!.rows.length;
  }
  start[numCols] = nnz;
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const integrality = new Int32Array(numCols);
  cols.forEach((c, j) => {
    colCost[j] = c.cost;
    colLower[j] = c.lower;
    colUpper[j] = c.upper;
    integrality[j] = c.int;
    // Entries sorted by row within a column.
    const order = c.rows.map((_, i) => i).sort((a, b) => c.rows[a]! - c.rows[b]!);
    let p = start[j]!;
    for (const i of order) {
      index[p] = c.rows[i]!;
      value[p] = c.vals[i]!;
      p++;
    }
  });
  return {
    model: {
      numCols,
      numRows: rowLower.length,
      colCost,
      colLower,
      colUpper,
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      start,
      index,
      value,
      integrality,
      offset,
    },
    flowStart,
    unservedCol,
    containerCols,
    candidates: kept,
    departureRows: depRows,
    stayCols,
  };
}
