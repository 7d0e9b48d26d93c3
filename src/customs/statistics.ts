import type { ReleasedLine } from './summary.ts';

/** A released line with the corridor its parcel left by. */
export interface StatisticsLine extends ReleasedLine {
  readonly corridor: string;
}

export type StatisticsDimension = 'destination' | 'hsChapter' | 'corridor' | 'month';

/** One figure: lines, parcels and value by currency, and in the report currency where it converts. */
export interface StatisticsRow {
  readonly key: string;
  readonly lines: number;
  readonly parcels: number;
  readonly valueByCurrency: Readonly<Record<string, number>>;
  /** Σ of the values converted to the report currency (minor units); lines that do not convert are left out. */
  readonly reportValueMinor: number;
}

export interface ExportStatistics {
  readonly reportCurrency: string;
  readonly lines: number;
  readonly parcels: number;
  readonly reportValueMinor: number;
  /** Lines whose value could not be converted to the report currency. */
  readonly unconverted: number;
  readonly by: Readonly<Record<StatisticsDimension, readonly StatisticsRow[]>>;
}

const keyOf: Record<StatisticsDimension, (l: StatisticsLine) => string> = {
  destination: (l) => l.destination,
  hsChapter: (l) => l.gcode.slice(0, 2),
  corridor: (l) => l.corridor,
  month: (l) => new Date(l.releasedAtMs + 8 * 3_600_000).toISOString().slice(0, 7),
};

/**
 * Export value from released lists by destination, HS chapter, corridor and month (China Standard
 * Time) — the figures customs publish on cross-border e-commerce. `convert` turns a line's value into
 * the report currency on the day of release (undefined: no rate). Rows sorted by value, largest first.
 */
export function exportStatistics(
  lines: readonly StatisticsLine[],
  reportCurrency: string,
  convert: (minor: number, currency: string, atMs: number) => number | undefined,
): ExportStatistics {
  const rows = {} as Record<
    StatisticsDimension,
    Map<string, { lines: number; parcels: Set<string>; value: Record<string, number>; report: number }>
  >;
  const dims = Object.keys(keyOf) as StatisticsDimension[];
  for (const d of dims) rows[d] = new Map();
  const parcels = new Set<string>();
  let report = 0;
  let unconverted = 0;
  for (const l of lines) {
    parcels.add(l.parcelId);
    const converted = convert(l.totalMinor, l.currency, l.releasedAtMs);
    if (converted === undefined) unconverted++;
    else report += converted;
    for (const d of dims) {
      const k = keyOf[d](l);
      let r = rows[d].get(k);
      if (!r) {
        r = { lines: 0, parcels: new Set(), value: {}, report: 0 };
        rows[d].set(k, r);
      }
      r.lines++;
      r.parcels.add(l.parcelId);
      r.value[l.currency] = (r.value[l.currency] ?? 0) + l.totalMinor;
      r.report += converted ?? 0;
    }
  }
  const by = {} as Record<StatisticsDimension, StatisticsRow[]>;
  for (const d of dims) {
    by[d] = [...rows[d].entries()]
      .map(([key, r]) => ({
        key,
        lines: r.lines,
        parcels: r.parcels.size,
        valueByCurrency: r.value,
        reportValueMinor: r.report,
      }))
      .sort((a, b) => b.reportValueMinor - a.reportValueMinor || (a.key < b.key ? -1 : 1));
  }
  return {
    reportCurrency,
    lines: lines.length,
    parcels: parcels.size,
    reportValueMinor: report,
    unconverted,
    by,
  };
}
