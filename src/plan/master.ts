import { type Aggregation, mostParcelsIn } from './aggregate.ts';
import type { CapacityPrices, CommodityChoice, CommodityLink, PricingTable } from './pricing.ts';
import type { CommodityMix } from './relaxation.ts';
import type { MipModel, ModelChange } from './solver.ts';

/**
 * The master LP, grown a round at a time. Rows: one per commodity (its mix sums to 1); payload (kg)
 * and filled volume (m³) per departure — within the containers opened, or within the loose capacity;
 * linking rows as they are added. Columns: containers per departure and type (cost the rate, bounds
 * [0, slots]); one per assignment of a commodity's parcels (cost what they cost; entries the kg, m³
 * and parcels it puts on each departure).
 */
export class Master {
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

  private readonly kgRow: number[] = [];
  private readonly m3Row: number[] = [];
  /** First container column of each departure (its types follow), −1 for loose departures. */
  private readonly containerCol: number[] = [];
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
    private readonly reserved?: { readonly kg: Float64Array; readonly m3: Float64Array },
  ) {
    const C = agg.commodities.length;
    for (let ci = 0; ci < C; ci++) this.addRow(1, 1);
    this.syncDepartures();
    this.columnsOf = agg.commodities.map(() => []);
    this.linkRows = agg.commodities.map(() => new Map());
  }

  /**
   * Rows and container columns for the table's departures the master lacks (the table grows as the
   * pricing finds itineraries over the timetable). Returns how many joined.
   */
  syncDepartures(): number {
    const from = this.kgRow.length;
    const table = this.table;
    for (let i = from; i < table.departures.length; i++) {
      const d = table.departures[i]!;
      const kg = this.reserved?.kg[i] ?? 0;
      const m3 = this.reserved?.m3[i] ?? 0;
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
        this.kgRow[i] = Number.isFinite(d.weightCapG)
          ? this.addRow(Number.NEGATIVE_INFINITY, Math.max(0, d.weightCapG / 1000 - kg))
          : -1;
        this.m3Row[i] = Number.isFinite(d.volumeCapMm3)
          ? this.addRow(Number.NEGATIVE_INFINITY, Math.max(0, d.volumeCapMm3 / 1e9 - m3))
          : -1;
        this.containerCol[i] = -1;
      }
    }
    return table.departures.length - from;
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
    // A column priced before its commodity gained departures covers only those it had then.
    for (let l = 0; l < choice.parcels.length; l++) {
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
      const n = this.colParcels[col]![local] ?? 0;
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

  /**
   * Capacity prices from the master's row duals (minimisation: ≤ rows have duals ≤ 0). With `lift`,
   * a containerised departure the solution `x` leaves empty (no container opened) takes the price
   * `lift` gives instead: any price at which none of its containers would open is an optimal dual
   * there as well (its rows are tight at zero, no column the solution uses rides it), and one near a
   * container share keeps the pricing from sending everyone onto runs nobody has paid for yet.
   */
  prices(
    rowDual: Float64Array,
    links: readonly (CommodityLink & { row: number })[],
    x?: Float64Array,
    lift?: (perKg: Float64Array, perM3: Float64Array, i: number) => readonly [number, number],
  ): CapacityPrices {
    const m = this.table.departures.length;
    const perKg = new Float64Array(m);
    const perM3 = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      if (this.kgRow[i]! >= 0) perKg[i] = Math.max(0, -rowDual[this.kgRow[i]!]!);
      if (this.m3Row[i]! >= 0) perM3[i] = Math.max(0, -rowDual[this.m3Row[i]!]!);
    }
    if (x && lift) {
      const raw = { kg: Float64Array.from(perKg), m3: Float64Array.from(perM3) };
      for (let i = 0; i < m; i++) {
        const d = this.table.departures[i]!;
        if (d.containers.length === 0) continue;
        let open = 0;
        for (let t = 0; t < d.containers.length; t++) open += x[this.containerCol[i]! + t] ?? 0;
        if (open > 1e-9) continue;
        const [kg, m3] = lift(raw.kg, raw.m3, i);
        perKg[i] = kg;
        perM3[i] = m3;
      }
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
