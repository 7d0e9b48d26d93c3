import type { Currency } from '../domain/money.ts';
import type { ImportedFxTable } from './ecb-files.ts';
import type { FxFileInput, FxSource, OfficialFxSource } from './fx.ts';

/**
 * Puts imported rate tables together with the shipped ones (data/fx/rates.yaml) into one FX document for
 * {@link parseFxTables}: every imported ECB day becomes a reference table (the shipped table of the same
 * day gives way to it), carrying the shipped groups the ECB does not publish (the US-dollar pegs of SAR
 * and AED, the approximations of RUB, KZT, CLP, VND) from the latest shipped table on or before that
 * day; the EU's monthly customs rates are derived from the ECB days (see {@link euCustomsTables}); and
 * imported customs tables (eu-customs, cbp-certified) are added as official tables. Pure.
 */

const ECB_PAGE =
  'https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html';

/** The source line an imported ECB day carries in every answer that converts with it. */
export function ecbSource(table: ImportedFxTable, importedOn: string): FxSource {
  return {
    title: `ECB euro foreign exchange reference rates of ${table.date} (imported from ${table.origin})`,
    url: ECB_PAGE,
    date: importedOn,
    kind: 'official',
  };
}

function officialSource(table: ImportedFxTable, importedOn: string): FxSource {
  const what =
    table.source === 'eu-customs'
      ? 'EU customs exchange rates (UCC art. 53)'
      : 'Federal Reserve Bank of New York rates certified to CBP (19 CFR 159.32-159.34)';
  return {
    title: `${what} from ${table.date}${table.validTo ? ` to ${table.validTo}` : ''} (imported from ${table.origin})`,
    date: importedOn,
    kind: 'official',
  };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The penultimate Wednesday of the month `yyyy-mm`. */
export function penultimateWednesday(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0));
  const back = (last.getUTCDay() - 3 + 7) % 7; // days back from the last day to the last Wednesday
  return addDays(last.toISOString().slice(0, 10), -back - 7);
}

/**
 * The EU's monthly customs exchange rates from ECB days, by Implementing Regulation (EU) 2015/2447
 * art. 146 (as the Finnish, Estonian and Luxembourg customs explain it): the ECB reference rate published
 * on the penultimate Wednesday of a month applies for the whole following month; where none was published
 * that day, the most recent one before it. Only days the import holds count: a month is derived only when
 * the import has the Wednesday itself or a day of the six before it (a gap in the import is not taken for
 * a day without publication further back than that).
 */
export function euCustomsTables(ecbDays: readonly ImportedFxTable[]): ImportedFxTable[] {
  const days = [...ecbDays].filter((t) => t.source === 'ecb').sort((a, b) => (a.date < b.date ? -1 : 1));
  if (days.length === 0) return [];
  const out: ImportedFxTable[] = [];
  const first = (days[0] as ImportedFxTable).date.slice(0, 7);
  const last = (days[days.length - 1] as ImportedFxTable).date.slice(0, 7);
  let j = 0;
  for (let month = first; month <= last; ) {
    const wednesday = penultimateWednesday(month);
    while (j + 1 < days.length && (days[j + 1] as ImportedFxTable).date <= wednesday) j++;
    const day = days[j] as ImportedFxTable;
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
    if (day.date <= wednesday && day.date >= addDays(wednesday, -6)) {
      const end = new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
      out.push({
        source: 'eu-customs',
        date: `${next}-01`,
        validTo: end,
        base: 'EUR',
        rates: day.rates,
        origin: `ECB rates of ${day.date} (penultimate Wednesday of ${month}: ${wednesday}) from ${day.origin}`,
      });
    }
    month = next;
  }
  return out;
}

type FxTableInput = FxFileInput['tables'][number];
type FxGroupInput = FxTableInput['groups'][number];

/**
 * The FX document of the shipped tables and the imported ones (see the file comment). `importedOn` is the
 * day the import is cited as read (the newest import's day).
 */
export function mergeFxDocument(
  shipped: FxFileInput,
  imported: readonly ImportedFxTable[],
  importedOn: string,
): FxFileInput {
  const shippedTables = [...shipped.tables].sort((a, b) => (a.date < b.date ? -1 : 1));
  const byDate = new Map<string, FxTableInput>(shippedTables.map((t) => [t.date, t]));
  const ecb = imported.filter((t) => t.source === 'ecb');
  // Non-ECB groups of the latest shipped table on or before a day, carried onto it.
  const carried = (date: string): FxGroupInput[] => {
    let found: FxTableInput | undefined;
    for (const t of shippedTables) {
      if (t.date <= date) found = t;
      else break;
    }
    return (found?.groups ?? []).filter((g) => g.base !== 'EUR');
  };
  for (const t of ecb) {
    const group: FxGroupInput = {
      base: 'EUR',
      source: ecbSource(t, importedOn),
      rates: t.rates as Partial<Record<Currency, string>>,
    };
    const same = byDate.get(t.date);
    const others = same ? same.groups.filter((g) => g.base !== 'EUR') : carried(t.date);
    byDate.set(t.date, { date: t.date, groups: [group, ...others] });
  }
  const officialByKey = new Map<string, ImportedFxTable>();
  for (const t of euCustomsTables(ecb)) officialByKey.set(`${t.source}|${t.date}`, t);
  // Tables imported from the administrations themselves win over the derived ones.
  for (const t of imported) if (t.source !== 'ecb') officialByKey.set(`${t.source}|${t.date}`, t);
  const official = [...(shipped.official ?? [])];
  for (const t of officialByKey.values()) {
    official.push({
      source: t.source as OfficialFxSource,
      date: t.date,
      ...(t.validTo ? { validTo: t.validTo } : {}),
      groups: [
        {
          base: t.base,
          source: officialSource(t, importedOn),
          rates: t.rates as Partial<Record<Currency, string>>,
        },
      ],
    });
  }
  return {
    tables: [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
    ...(official.length > 0 ? { official } : {}),
  };
}

/** How fresh the reference rates are on `today`: the newest table's day and its age in days. */
export interface FxFreshness {
  readonly newestDate: string;
  readonly ageDays: number;
  /** Older than `maxAgeDays`. */
  readonly stale: boolean;
  /** One line for a person, when stale. */
  readonly warning?: string;
}

/** Days a reference table may age before the server warns (a week). */
export const FX_STALE_AFTER_DAYS = 7;

/**
 * Whether the newest reference table is older than a week on `today` (YYYY-MM-DD). The ECB publishes on
 * TARGET working days, so a week covers weekends and holidays.
 */
export function fxFreshness(
  newestDate: string,
  today: string,
  maxAgeDays = FX_STALE_AFTER_DAYS,
): FxFreshness {
  const ageDays = Math.round(
    (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${newestDate}T00:00:00Z`)) / 86_400_000,
  );
  const stale = ageDays > maxAgeDays;
  return {
    newestDate,
    ageDays,
    stale,
    ...(stale
      ? {
          warning: `the newest exchange-rate table is of ${newestDate}, ${ageDays} days before ${today}: conversions use it; run landbridge fx update (or fx import) for current rates`,
        }
      : {}),
  };
}
