import { z } from 'zod';
import { DateSchema } from '../domain/codes.ts';
import { CURRENCY_EXPONENTS, type Currency, CurrencySchema } from '../domain/money.ts';
import { DecimalTextSchema, parseDecimalText } from './notation.ts';
import { type Fraction, fraction, mul, roundFraction, scaleHalfUp, toSafeNumber } from './rounding.ts';

/**
 * Foreign exchange from a dated table of reference rates (data/fx/rates.yaml). Each table holds groups
 * of quotes against a base currency (the ECB's euro reference rates, and rates against the US dollar
 * for currencies the ECB does not quote); every currency's rate per euro is derived exactly from them.
 * A conversion uses the latest table dated on or before the date asked for.
 */

export const SOURCE_KINDS = ['official', 'secondary', 'assumption'] as const;

/** Where a figure comes from. An `assumption` says so in its title: "Landbridge assumption: …". */
export const FxSourceSchema = z
  .object({
    title: z.string().min(1),
    url: z.string().url().optional(),
    date: DateSchema,
    kind: z.enum(SOURCE_KINDS),
    note: z.string().optional(),
  })
  .refine((s) => (s.kind === 'assumption') === s.title.startsWith('Landbridge assumption:'), {
    message: 'an assumption, and only an assumption, has a title starting "Landbridge assumption:"',
  });
export type FxSource = z.infer<typeof FxSourceSchema>;

const FxGroupSchema = z.object({
  /** The currency the rates are quoted against: `rates.USD: "1.0844"` means 1 base = 1.0844 USD. */
  base: CurrencySchema,
  source: FxSourceSchema,
  rates: z.partialRecord(CurrencySchema, DecimalTextSchema),
});

const FxTableSchema = z.object({
  /** The day the rates are for (a customs month's first day). */
  date: DateSchema,
  /** The last day the rates are in force; the next table's day when absent. */
  validTo: DateSchema.optional(),
  groups: z.array(FxGroupSchema).min(1),
});

/**
 * Rate sources a duty rule set may name (`fxSource`): the reference rates (`tables`), or a customs
 * administration's own: the EU's monthly customs rate (UCC art. 53, Implementing Regulation (EU)
 * 2015/2447 art. 146: the ECB rate of the penultimate Wednesday of a month, for the whole next month) and
 * the rates certified by the Federal Reserve Bank of New York that CBP uses (19 CFR 159.32-159.34).
 */
export const OFFICIAL_FX_SOURCES = ['eu-customs', 'cbp-certified'] as const;
export type OfficialFxSource = (typeof OFFICIAL_FX_SOURCES)[number];
export type FxRateSource = 'reference' | OfficialFxSource;

/** The shape of data/fx/rates.yaml, and of the tables the store imported, merged (see rate-tables.ts). */
export const FxFileSchema = z.object({
  tables: z.array(FxTableSchema).min(1),
  /** Customs administrations' own tables, by source. */
  official: z.array(FxTableSchema.extend({ source: z.enum(OFFICIAL_FX_SOURCES) })).default([]),
});
export type FxFileInput = z.input<typeof FxFileSchema>;

/** One parsed table: every currency's value of one euro as an exact fraction, with its source. */
export interface FxDay {
  readonly date: string;
  /** Last day in force, for tables valid over a period (a customs month). */
  readonly validTo?: string;
  readonly perEur: ReadonlyMap<Currency, { readonly rate: Fraction; readonly source: FxSource }>;
}

/** Parsed FX tables, oldest first. Build with {@link parseFxTables}. */
export interface FxTables {
  /** The reference rates (ECB euro reference rates, with pegs for currencies the ECB does not quote). */
  readonly days: readonly FxDay[];
  /** Customs administrations' own tables, by source, oldest first. */
  readonly official?: ReadonlyMap<OfficialFxSource, readonly FxDay[]>;
}

export type ParseFxResult =
  | { readonly ok: true; readonly fx: FxTables }
  | { readonly ok: false; readonly problems: readonly { readonly field: string; readonly why: string }[] };

function decimalFraction(text: string): Fraction {
  const d = parseDecimalText(text);
  if (!d) throw new RangeError(`not a decimal: ${text}`);
  return fraction(d.units, 10n ** BigInt(d.scale));
}

/**
 * Validates the FX file and derives each table's rates per euro. A group quoted against a base other
 * than EUR needs that base's euro rate in the same table (USD groups ride on the ECB's EUR/USD rate).
 */
export function parseFxTables(data: unknown): ParseFxResult {
  const parsed = FxFileSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.'), why: i.message })),
    };
  }
  const problems: { field: string; why: string }[] = [];
  const buildDays = (tables: readonly z.infer<typeof FxTableSchema>[], prefix: string): FxDay[] => {
    const days: FxDay[] = [];
    const seen = new Set<string>();
    tables.forEach((table, t) => {
      if (seen.has(table.date))
        problems.push({ field: `${prefix}.${t}.date`, why: `two tables for ${table.date}` });
      seen.add(table.date);
      if (table.validTo !== undefined && table.validTo < table.date)
        problems.push({ field: `${prefix}.${t}.validTo`, why: `ends before it starts (${table.date})` });
      const perEur = new Map<Currency, { rate: Fraction; source: FxSource }>();
      const eurSource = table.groups.find((g) => g.base === 'EUR')?.source;
      if (eurSource) perEur.set('EUR', { rate: fraction(1), source: eurSource });
      // Groups may ride on each other in any order; resolve until nothing changes.
      let pending = [...table.groups];
      for (let pass = 0; pass < table.groups.length && pending.length > 0; pass++) {
        pending = pending.filter((group) => {
          const base = perEur.get(group.base);
          if (!base) return true;
          for (const [currency, text] of Object.entries(group.rates) as [Currency, string][]) {
            if (currency === group.base) continue;
            perEur.set(currency, { rate: mul(base.rate, decimalFraction(text)), source: group.source });
          }
          return false;
        });
      }
      for (const group of pending) {
        problems.push({
          field: `${prefix}.${t}.groups`,
          why: `rates against ${group.base} on ${table.date} cannot be tied to the euro: no EUR/${group.base} rate in the table`,
        });
      }
      days.push({ date: table.date, ...(table.validTo ? { validTo: table.validTo } : {}), perEur });
    });
    days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    return days;
  };
  const days = buildDays(parsed.data.tables, 'tables');
  const official = new Map<OfficialFxSource, FxDay[]>();
  for (const source of OFFICIAL_FX_SOURCES) {
    const mine = parsed.data.official.filter((t) => t.source === source);
    if (mine.length > 0) official.set(source, buildDays(mine, `official.${source}`));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, fx: { days, ...(official.size > 0 ? { official } : {}) } };
}

/** A conversion done, with the rate and table behind it. */
export interface FxConversion {
  readonly ok: true;
  readonly minor: number;
  readonly from: Currency;
  readonly to: Currency;
  /** Units of `to` per unit of `from`, to 8 significant decimals, for display only. */
  readonly rate: string;
  /** Date of the table used; undefined when no conversion was needed. */
  readonly tableDate?: string;
  readonly sources: readonly FxSource[];
  /** Whose rates: the reference rates or a customs administration's. */
  readonly rateSource: FxRateSource;
  /** An official source was asked for but had no table in force that quotes both currencies. */
  readonly fellBack?: true;
}

/** No rate: the table has no day on or before the date, or that day does not quote a currency. */
export interface FxMissing {
  readonly ok: false;
  readonly kind: 'missing-fx-rate';
  readonly from: Currency;
  readonly to: Currency;
  readonly date: string;
  readonly message: string;
}

/** The latest of `days` (oldest first) dated on or before `date`, by binary search. */
function latestOnOrBefore(days: readonly FxDay[], date: string): FxDay | undefined {
  let lo = 0;
  let hi = days.length - 1;
  let found: FxDay | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const day = days[mid] as FxDay;
    if (day.date <= date) {
      found = day;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The reference table in force on `date`: the latest dated on or before it. */
export function fxDayOn(fx: FxTables, date: string): FxDay | undefined {
  return latestOnOrBefore(fx.days, date);
}

/** A customs administration's table in force on `date`: the latest on or before it, within its validity. */
export function officialFxDayOn(fx: FxTables, source: OfficialFxSource, date: string): FxDay | undefined {
  const day = latestOnOrBefore(fx.official?.get(source) ?? [], date);
  return day && (day.validTo === undefined || date <= day.validTo) ? day : undefined;
}

/** The table a conversion on `date` uses for `source`, and whether it had to fall back to the reference rates. */
function dayFor(
  fx: FxTables,
  date: string,
  source: FxRateSource,
  from: Currency,
  to: Currency,
): { day: FxDay | undefined; used: FxRateSource; fellBack: boolean } {
  if (source !== 'reference') {
    const day = officialFxDayOn(fx, source, date);
    if (day?.perEur.has(from) && day.perEur.has(to)) return { day, used: source, fellBack: false };
    return { day: fxDayOn(fx, date), used: 'reference', fellBack: true };
  }
  return { day: fxDayOn(fx, date), used: 'reference', fellBack: false };
}

/** The exact factor that turns minor units of `from` into minor units of `to` on `date`. */
export function fxFactor(
  from: Currency,
  to: Currency,
  date: string,
  fx: FxTables,
  source: FxRateSource = 'reference',
):
  | { ok: true; factor: Fraction; day?: FxDay; sources: FxSource[]; used: FxRateSource; fellBack: boolean }
  | FxMissing {
  if (from === to) return { ok: true, factor: fraction(1), sources: [], used: source, fellBack: false };
  const { day, used, fellBack } = dayFor(fx, date, source, from, to);
  const pf = day?.perEur.get(from);
  const pt = day?.perEur.get(to);
  if (!day || !pf || !pt) {
    const what = !day
      ? `the FX table has no rates dated on or before ${date}`
      : `the FX table of ${day.date} (in force on ${date}) has no rate for ${pf ? to : from}`;
    return {
      ok: false,
      kind: 'missing-fx-rate',
      from,
      to,
      date,
      message: `cannot convert ${from} to ${to}: ${what}`,
    };
  }
  const expDiff = CURRENCY_EXPONENTS[to] - CURRENCY_EXPONENTS[from];
  const scale = expDiff >= 0 ? fraction(10n ** BigInt(expDiff)) : fraction(1n, 10n ** BigInt(-expDiff));
  // amount_to = amount_from × (to per EUR) / (from per EUR), in minor units of each.
  const factor = mul(mul(pt.rate, { num: pf.rate.den, den: pf.rate.num }), scale);
  const sources = pf.source === pt.source ? [pf.source] : [pf.source, pt.source];
  return { ok: true, factor, day, sources, used, fellBack };
}

function displayRate(from: Currency, to: Currency, factor: Fraction): string {
  // Undo the minor-unit scaling, then print 8 decimals exactly (rounded half-up).
  const expDiff = CURRENCY_EXPONENTS[to] - CURRENCY_EXPONENTS[from];
  const major =
    expDiff >= 0
      ? { num: factor.num, den: factor.den * 10n ** BigInt(expDiff) }
      : { num: factor.num * 10n ** BigInt(-expDiff), den: factor.den };
  const scaled = roundFraction({ num: major.num * 10n ** 8n, den: major.den }, 'half-up');
  const s = scaled.toString().padStart(9, '0');
  return `${s.slice(0, -8)}.${s.slice(-8)}`.replace(/\.?0+$/, '');
}

/**
 * Converts `amountMinor` of `from` into minor units of `to` with the rates in force on `date`
 * (YYYY-MM-DD): the exact product `amount × rate_to / rate_from`, rounded once, half-up (halves away
 * from zero), to the target currency's minor unit. Same currency: the amount unchanged. With an official
 * `source` (a customs administration's rates) its table in force is used, or the reference rates when
 * it has none that quotes both currencies (`fellBack`).
 *
 * @example convert(10_000, 'EUR', 'USD', '2025-05-09', fx) // { ok: true, minor: 11_252, … } at 1.1252
 */
export function convert(
  amountMinor: number,
  from: Currency,
  to: Currency,
  date: string,
  fx: FxTables,
  source: FxRateSource = 'reference',
): FxConversion | FxMissing {
  const r = rateOn(from, to, date, fx, source);
  if (!r.ok) return r;
  const fast = r.small ? scaleHalfUp(amountMinor, r.small.num, r.small.den) : undefined;
  const minor = fast ?? toSafeNumber(roundFraction(mul(fraction(amountMinor), r.factor), 'half-up'));
  return {
    ok: true,
    minor,
    from,
    to,
    rate: r.rate,
    ...(r.tableDate ? { tableDate: r.tableDate } : {}),
    sources: r.sources,
    rateSource: r.used,
    ...(r.fellBack ? { fellBack: true } : {}),
  };
}

interface RateOn {
  readonly ok: true;
  readonly factor: Fraction;
  /** The factor in plain numbers, when both parts are safe integers (see `scaleHalfUp`). */
  readonly small?: { readonly num: number; readonly den: number };
  readonly rate: string;
  readonly tableDate?: string;
  readonly sources: readonly FxSource[];
  readonly used: FxRateSource;
  readonly fellBack: boolean;
}

/** Derived rates, remembered per table set, source, date and pair: quotes convert the same pairs again and again. */
const rateCache = new WeakMap<FxTables, Map<string, RateOn>>();

function rateOn(
  from: Currency,
  to: Currency,
  date: string,
  fx: FxTables,
  source: FxRateSource,
): RateOn | FxMissing {
  const key = `${from}|${to}|${date}|${source}`;
  let cache = rateCache.get(fx);
  const hit = cache?.get(key);
  if (hit) return hit;
  const f = fxFactor(from, to, date, fx, source);
  if (!f.ok) return f;
  const num = Number(f.factor.num);
  const den = Number(f.factor.den);
  const value: RateOn = {
    ok: true,
    factor: f.factor,
    ...(Number.isSafeInteger(num) && Number.isSafeInteger(den) ? { small: { num, den } } : {}),
    rate: displayRate(from, to, f.factor),
    ...(f.day ? { tableDate: f.day.date } : {}),
    sources: f.sources,
    used: f.used,
    fellBack: f.fellBack,
  };
  if (!cache) {
    cache = new Map();
    rateCache.set(fx, cache);
  }
  if (cache.size > 200_000) cache.clear();
  cache.set(key, value);
  return value;
}
