import { CURRENCY_EXPONENTS, type Currency } from '../domain/money.ts';
import { parseDecimalText } from './notation.ts';

/**
 * The European Central Bank's euro foreign exchange reference rates as the ECB publishes them
 * (https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/), read into
 * dated tables: `eurofxref-hist.csv` (a `Date,USD,JPY,…,` header, one row a day, newest first, `N/A`
 * where a currency was not quoted, a trailing comma on every line), `eurofxref.csv` (the daily file:
 * `Date, USD, …` and a date like `7 December 2026`), and the XML files `eurofxref-hist.xml`,
 * `eurofxref-hist-90d.xml` and `eurofxref-daily.xml` (a `gesmes:Envelope` of `<Cube time="…">` days of
 * `<Cube currency="…" rate="…"/>`). Pure: text in, tables out.
 */

/** Where a rate table comes from. `ecb`: reference rates; the others are customs administrations' rates. */
export const FX_SOURCE_IDS = ['ecb', 'eu-customs', 'cbp-certified'] as const;
export type FxSourceId = (typeof FX_SOURCE_IDS)[number];

/** One imported day (or period) of rates: units of each currency per one unit of `base`. */
export interface ImportedFxTable {
  readonly source: FxSourceId;
  /** First day the rates are for (the ECB's day; the first day of a customs month). */
  readonly date: string;
  /** Last day the rates are in force (customs monthly rates); open when absent. */
  readonly validTo?: string;
  readonly base: Currency;
  /** Decimal text as published, e.g. `{ USD: '1.0581' }`. */
  readonly rates: Readonly<Partial<Record<Currency, string>>>;
  /** The file name or URL the table was read from. */
  readonly origin: string;
}

export interface FxFileProblem {
  /** 1-based line of the file, where known. */
  readonly row?: number;
  readonly field?: string;
  readonly why: string;
}

export type ReadFxFileResult =
  | {
      readonly ok: true;
      readonly format: 'ecb-csv' | 'ecb-xml' | 'rate-csv';
      readonly tables: readonly ImportedFxTable[];
      /** Currencies the file quotes that Landbridge does not know (left out). */
      readonly skippedCurrencies: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly FxFileProblem[] };

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** `2026-12-07` stays; `7 December 2026` (the daily CSV) becomes `2026-12-07`; anything else undefined. */
export function ecbDate(text: string): string | undefined {
  const t = text.trim();
  let y: number;
  let m: number;
  let d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (iso) {
    [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else {
    const long = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(t);
    const month = long ? MONTHS.indexOf((long[2] as string).toLowerCase()) : -1;
    if (!long || month < 0) return undefined;
    [y, m, d] = [Number(long[3]), month + 1, Number(long[1])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  return date.toISOString().slice(0, 10);
}

function isKnownCurrency(code: string): code is Currency {
  return Object.hasOwn(CURRENCY_EXPONENTS, code);
}

function splitCsvLine(line: string): string[] {
  // The ECB files have no quoted fields.
  return line.split(',').map((c) => c.trim());
}

/** Reads the ECB's CSV files (hist or daily). */
export function parseEcbCsv(text: string, origin: string): ReadFxFileResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '');
  if (header[0] !== 'Date' || header.length < 2) {
    return {
      ok: false,
      problems: [{ row: 1, why: 'not an ECB reference-rate CSV: the header must start with "Date,"' }],
    };
  }
  const columns = header.slice(1);
  const skipped = new Set<string>();
  const problems: FxFileProblem[] = [];
  const tables: ImportedFxTable[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    const date = ecbDate(cells[0] ?? '');
    if (!date) {
      problems.push({ row: i + 1, field: 'Date', why: `"${cells[0]}" is not a date` });
      continue;
    }
    if (seen.has(date)) {
      problems.push({ row: i + 1, field: 'Date', why: `${date} appears twice` });
      continue;
    }
    seen.add(date);
    const rates: Partial<Record<Currency, string>> = {};
    columns.forEach((code, k) => {
      const value = cells[k + 1] ?? '';
      if (code === '' || value === '' || value === 'N/A') return;
      if (!isKnownCurrency(code)) {
        skipped.add(code);
        return;
      }
      if (parseDecimalText(value) === undefined || Number(value) <= 0) {
        problems.push({ row: i + 1, field: code, why: `"${value}" is not a positive rate` });
        return;
      }
      rates[code] = value;
    });
    if (Object.keys(rates).length === 0) continue;
    tables.push({ source: 'ecb', date, base: 'EUR', rates, origin });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (tables.length === 0) return { ok: false, problems: [{ why: 'the file holds no rates' }] };
  tables.sort((a, b) => (a.date < b.date ? -1 : 1));
  return { ok: true, format: 'ecb-csv', tables, skippedCurrencies: [...skipped].sort() };
}

const ATTR = (name: string) => new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);

/** Reads the ECB's XML files (hist, hist-90d, daily). */
export function parseEcbXml(text: string, origin: string): ReadFxFileResult {
  if (
    !/<gesmes:Envelope\b/.test(text) ||
    !text.includes('http://www.ecb.int/vocabulary/2002-08-01/eurofxref')
  ) {
    return {
      ok: false,
      problems: [
        { why: 'not an ECB reference-rate XML file: no gesmes:Envelope in the eurofxref vocabulary' },
      ],
    };
  }
  const problems: FxFileProblem[] = [];
  const tables: ImportedFxTable[] = [];
  const skipped = new Set<string>();
  const seen = new Set<string>();
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const timeRe = ATTR('time');
  const curRe = ATTR('currency');
  const rateRe = ATTR('rate');
  // Each day: <Cube time="…"> … </Cube>; its rates are the self-closing Cubes inside.
  const dayRe = /<Cube\s+time\s*=\s*(?:"[^"]*"|'[^']*')\s*>([\s\S]*?)<\/Cube>/g;
  for (let m = dayRe.exec(text); m !== null; m = dayRe.exec(text)) {
    const open = m[0].slice(0, m[0].indexOf('>') + 1);
    const t = timeRe.exec(open);
    const raw = t?.[1] ?? t?.[2] ?? '';
    const date = ecbDate(raw);
    const row = lineOf(m.index);
    if (!date) {
      problems.push({ row, field: 'time', why: `"${raw}" is not a date` });
      continue;
    }
    if (seen.has(date)) {
      problems.push({ row, field: 'time', why: `${date} appears twice` });
      continue;
    }
    seen.add(date);
    const rates: Partial<Record<Currency, string>> = {};
    for (const cube of (m[1] as string).matchAll(/<Cube\b[^>]*\/>/g)) {
      const c = curRe.exec(cube[0]);
      const r = rateRe.exec(cube[0]);
      const code = c?.[1] ?? c?.[2];
      const value = r?.[1] ?? r?.[2];
      if (code === undefined || value === undefined) {
        problems.push({
          row: lineOf(m.index + open.length + (cube.index ?? 0)),
          why: 'a rate needs currency and rate attributes',
        });
        continue;
      }
      if (!isKnownCurrency(code)) {
        skipped.add(code);
        continue;
      }
      if (parseDecimalText(value) === undefined || Number(value) <= 0) {
        problems.push({
          row: lineOf(m.index + open.length + (cube.index ?? 0)),
          field: code,
          why: `"${value}" is not a positive rate`,
        });
        continue;
      }
      rates[code] = value;
    }
    if (Object.keys(rates).length > 0) tables.push({ source: 'ecb', date, base: 'EUR', rates, origin });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (tables.length === 0) return { ok: false, problems: [{ why: 'the file holds no rates' }] };
  tables.sort((a, b) => (a.date < b.date ? -1 : 1));
  return { ok: true, format: 'ecb-xml', tables, skippedCurrencies: [...skipped].sort() };
}

/**
 * Reads a rate table in Landbridge's long CSV form, for sources that publish no file of their own format
 * here (EU customs monthly rates, CBP-certified rates): a header `date,base,currency,rate` and optionally
 * `valid_to`; `rate` is units of `currency` per one `base`. Each (date, base) makes one table.
 */
export function parseRateCsv(text: string, source: FxSourceId, origin: string): ReadFxFileResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const [iDate, iBase, iCur, iRate, iTo] = [
    col('date'),
    col('base'),
    col('currency'),
    col('rate'),
    col('valid_to'),
  ];
  if (iDate < 0 || iBase < 0 || iCur < 0 || iRate < 0) {
    return {
      ok: false,
      problems: [
        { row: 1, why: 'the header must name date, base, currency and rate (and may name valid_to)' },
      ],
    };
  }
  const problems: FxFileProblem[] = [];
  const skipped = new Set<string>();
  const byKey = new Map<
    string,
    { date: string; base: Currency; validTo?: string; rates: Partial<Record<Currency, string>> }
  >();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    const row = i + 1;
    const date = ecbDate(cells[iDate] ?? '');
    const base = cells[iBase] ?? '';
    const code = cells[iCur] ?? '';
    const value = cells[iRate] ?? '';
    const validToText = iTo >= 0 ? (cells[iTo] ?? '') : '';
    const validTo = validToText === '' ? undefined : ecbDate(validToText);
    if (!date) problems.push({ row, field: 'date', why: `"${cells[iDate] ?? ''}" is not a date` });
    if (!isKnownCurrency(base))
      problems.push({ row, field: 'base', why: `${base || '(empty)'} is not a currency Landbridge knows` });
    if (validToText !== '' && (!validTo || (date && validTo < date)))
      problems.push({
        row,
        field: 'valid_to',
        why: `"${validToText}" is not a date on or after the table's date`,
      });
    if (parseDecimalText(value) === undefined || Number(value) <= 0)
      problems.push({ row, field: 'rate', why: `"${value}" is not a positive rate` });
    if (!date || !isKnownCurrency(base) || parseDecimalText(value) === undefined) continue;
    if (!isKnownCurrency(code)) {
      skipped.add(code);
      continue;
    }
    const key = `${date}|${base}`;
    let t = byKey.get(key);
    if (!t) {
      t = { date, base, ...(validTo ? { validTo } : {}), rates: {} };
      byKey.set(key, t);
    }
    if (t.rates[code] !== undefined)
      problems.push({ row, field: 'currency', why: `${code} appears twice for ${date}` });
    t.rates[code] = value;
  }
  if (problems.length > 0) return { ok: false, problems };
  if (byKey.size === 0) return { ok: false, problems: [{ why: 'the file holds no rates' }] };
  const tables = [...byKey.values()]
    .map((t): ImportedFxTable => ({ source, ...t, origin }))
    .sort((a, b) => (a.date < b.date ? -1 : 1));
  return { ok: true, format: 'rate-csv', tables, skippedCurrencies: [...skipped].sort() };
}

/** Reads any of the formats above, telling them apart by their first bytes. */
export function parseFxFile(text: string, origin: string, source: FxSourceId = 'ecb'): ReadFxFileResult {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) {
    if (source !== 'ecb')
      return { ok: false, problems: [{ why: `an ECB XML file holds reference rates, not ${source} rates` }] };
    return parseEcbXml(text, origin);
  }
  if (/^Date\s*,/.test(head)) {
    if (source !== 'ecb')
      return { ok: false, problems: [{ why: `an ECB CSV file holds reference rates, not ${source} rates` }] };
    return parseEcbCsv(text, origin);
  }
  return parseRateCsv(text, source, origin);
}
