import type { SummaryRequest } from './messages.ts';

/** A released list line, as the hub keeps it for summary declarations and statistics. */
export interface ReleasedLine {
  readonly parcelId: string;
  readonly copNo: string;
  readonly invtNo: string;
  readonly gnum: number;
  readonly ebcCode: string;
  readonly ebcName: string;
  readonly ownerCode: string;
  readonly statisticsFlag: 'A' | 'B';
  /** 10-digit commodity code. */
  readonly gcode: string;
  readonly unit: string;
  readonly currency: string;
  readonly qty: number;
  readonly totalMinor: number;
  /** The list head's 运抵国 (ISO alpha-2) and the line's final destination (目的国, ISO alpha-2). */
  readonly arrivalCountry: string;
  readonly destination: string;
  readonly trafMode: string;
  readonly portCode: string;
  /** When customs released (800) or cleared (899) the list, UTC epoch ms. */
  readonly releasedAtMs: number;
}

/**
 * Which released lists one monthly summary takes: those released from the day after the previous
 * month's cut-off to this month's cut-off (both in China Standard Time), filed by the deadline day of
 * the next month. Defaults: the calendar month, the 15th [customs-china.md §8, unconfirmed].
 */
export interface SummaryPeriodOptions {
  /** `YYYY-MM`. */
  readonly month: string;
  /** Last day of the month whose releases count (1–31; past the month's end = its last day). Default 31. */
  readonly cutoffDay?: number;
  /** Day of the following month by which the summary is filed. Default 15. */
  readonly deadlineDay?: number;
  /** 1: a declaration per exporter; 2: per exporter and producer. Default 1. */
  readonly summaryFlag?: '1' | '2';
}

export interface SummaryPeriod {
  readonly month: string;
  readonly startMs: number;
  /** Exclusive end. */
  readonly endMs: number;
  /** YYYY-MM-DD. */
  readonly deadline: string;
}

const CST = 8 * 3_600_000;
const DAY = 86_400_000;

function cutoffEnd(year: number, month1: number, cutoffDay: number): number {
  const last = new Date(Date.UTC(year, month1, 0)).getUTCDate();
  return Date.UTC(year, month1 - 1, Math.min(cutoffDay, last)) + DAY - CST;
}

/** The window of a monthly summary (see {@link SummaryPeriodOptions}). */
export function summaryPeriod(options: SummaryPeriodOptions): SummaryPeriod {
  const m = /^(\d{4})-(\d{2})$/.exec(options.month);
  if (!m || +m[2]! < 1 || +m[2]! > 12) throw new RangeError(`month must be YYYY-MM, got ${options.month}`);
  const y = +m[1]!;
  const mo = +m[2]!;
  const cutoff = options.cutoffDay ?? 31;
  const prev = mo === 1 ? { y: y - 1, mo: 12 } : { y, mo: mo - 1 };
  const next = mo === 12 ? { y: y + 1, mo: 1 } : { y, mo: mo + 1 };
  const deadlineDay = options.deadlineDay ?? 15;
  return {
    month: options.month,
    startMs: cutoffEnd(prev.y, prev.mo, cutoff),
    endMs: cutoffEnd(y, mo, cutoff),
    deadline: `${next.y}-${String(next.mo).padStart(2, '0')}-${String(deadlineDay).padStart(2, '0')}`,
  };
}

/** One item of a summarised declaration: list lines of the same 10-digit code, unit and currency. */
export interface SummaryItem {
  readonly gseqno: number;
  readonly gcode: string;
  readonly unit: string;
  readonly currency: string;
  readonly qty: number;
  readonly totalMinor: number;
  readonly lines: readonly { readonly invtNo: string; readonly gnum: number; readonly parcelId: string }[];
}

/**
 * One declaration (报关单) the period's lists summarise into: lists with the same exporter (and producer
 * with summaryFlag 2), transport mode, country of arrival and port of exit; its items group lines by
 * 10-digit code, unit and currency [customs-china.md §8, wording of 公告2016年第26号, unconfirmed].
 */
export interface SummaryDeclaration {
  readonly key: string;
  readonly ebcCode: string;
  readonly ownerCode?: string;
  readonly trafMode: string;
  readonly arrivalCountry: string;
  readonly portCode: string;
  readonly month: string;
  readonly invtNos: readonly string[];
  readonly items: readonly SummaryItem[];
  /** Value by currency, minor units. */
  readonly totals: Readonly<Record<string, number>>;
}

export interface SummaryPlan {
  readonly period: SummaryPeriod;
  /** CEB701 requests: one per exporter, naming its lists. */
  readonly requests: readonly SummaryRequest[];
  readonly declarations: readonly SummaryDeclaration[];
  /** Lines left out, with why (simplified lists, released outside the period). */
  readonly excluded: readonly { readonly invtNo: string; readonly parcelId: string; readonly why: string }[];
}

/**
 * The monthly summary of released lists (汇总申报): statisticsFlag B lists released in the period,
 * grouped into the declarations customs will make of them, and the CEB701 request per exporter. `copNo`
 * numbers the requests (the hub's own numbering). Pure and deterministic (sorted by key).
 */
export function planSummary(
  lines: readonly ReleasedLine[],
  options: SummaryPeriodOptions,
  copNo: (ebcCode: string, month: string) => string,
): SummaryPlan {
  const period = summaryPeriod(options);
  const flag = options.summaryFlag ?? '1';
  const excluded: { invtNo: string; parcelId: string; why: string }[] = [];
  const decls = new Map<
    string,
    {
      base: Omit<SummaryDeclaration, 'invtNos' | 'items' | 'totals'>;
      invt: Set<string>;
      items: Map<
        string,
        Omit<SummaryItem, 'gseqno'> & {
          lines: SummaryItem['lines'][number][];
          qty: number;
          totalMinor: number;
        }
      >;
    }
  >();
  const names = new Map<string, string>();
  const seen = new Set<string>();
  for (const l of lines) {
    if (l.statisticsFlag !== 'B') {
      if (!seen.has(l.invtNo))
        excluded.push({
          invtNo: l.invtNo,
          parcelId: l.parcelId,
          why: 'statisticsFlag A: simplified list, not summarised',
        });
      seen.add(l.invtNo);
      continue;
    }
    if (l.releasedAtMs < period.startMs || l.releasedAtMs >= period.endMs) {
      if (!seen.has(l.invtNo))
        excluded.push({ invtNo: l.invtNo, parcelId: l.parcelId, why: 'released outside the period' });
      seen.add(l.invtNo);
      continue;
    }
    names.set(l.ebcCode, l.ebcName);
    const key = [
      l.ebcCode,
      flag === '2' ? l.ownerCode : '',
      l.trafMode,
      l.arrivalCountry,
      l.portCode,
      period.month,
    ].join('|');
    let d = decls.get(key);
    if (!d) {
      d = {
        base: {
          key,
          ebcCode: l.ebcCode,
          ...(flag === '2' ? { ownerCode: l.ownerCode } : {}),
          trafMode: l.trafMode,
          arrivalCountry: l.arrivalCountry,
          portCode: l.portCode,
          month: period.month,
        },
        invt: new Set(),
        items: new Map(),
      };
      decls.set(key, d);
    }
    d.invt.add(l.invtNo);
    const itemKey = `${l.gcode}|${l.unit}|${l.currency}`;
    let item = d.items.get(itemKey);
    if (!item) {
      item = { gcode: l.gcode, unit: l.unit, currency: l.currency, qty: 0, totalMinor: 0, lines: [] };
      d.items.set(itemKey, item);
    }
    item.qty += l.qty;
    item.totalMinor += l.totalMinor;
    item.lines.push({ invtNo: l.invtNo, gnum: l.gnum, parcelId: l.parcelId });
  }
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const declarations: SummaryDeclaration[] = [...decls.values()]
    .sort((a, b) => byKey(a.base.key, b.base.key))
    .map((d) => {
      const items = [...d.items.entries()]
        .sort(([a], [b]) => byKey(a, b))
        .map(([, it], i) => ({ ...it, gseqno: i + 1 }));
      const totals: Record<string, number> = {};
      for (const it of items) totals[it.currency] = (totals[it.currency] ?? 0) + it.totalMinor;
      return { ...d.base, invtNos: [...d.invt].sort(byKey), items, totals };
    });
  const perExporter = new Map<string, Set<string>>();
  for (const d of declarations) {
    const set = perExporter.get(d.ebcCode) ?? new Set<string>();
    for (const n of d.invtNos) set.add(n);
    perExporter.set(d.ebcCode, set);
  }
  const requests: SummaryRequest[] = [...perExporter.entries()]
    .sort(([a], [b]) => byKey(a, b))
    .map(([ebc, invt]) => ({
      copNo: copNo(ebc, period.month),
      ebcCode: ebc,
      ebcName: names.get(ebc) ?? ebc,
      invtNos: [...invt].sort(byKey),
      summaryFlag: flag,
      itemNameFlag: '1',
    }));
  return { period, requests, declarations, excluded };
}
