import { z } from 'zod';
import { DateSchema } from '../domain/codes.ts';
import { CURRENCY_EXPONENTS, type Currency, CurrencySchema } from '../domain/money.ts';
import { DecimalTextSchema, parseDecimalText } from './notation.ts';
import { type Fraction, fraction, mul, roundFraction, toSafeNumber } from './rounding.ts';

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
  /** The day the rates are for. */
  date: DateSchema,
  groups: z.array(FxGroupSchema).min(1),
});

/** The shape of data/fx/rates.yaml. */
export const FxFileSchema = z.object({ tables: z.array(FxTableSchema).min(1) });
export type FxFileInput = z.input<typeof FxFileSchema>;

/** One parsed table: every currency's value of one euro as an exact fraction, with its source. */
export interface FxDay {
  readonly date: string;
  readonly perEur: ReadonlyMap<Currency, { readonly rate: Fraction; readonly source: FxSource }>;
}

/** Parsed FX tables, oldest first. Build with {@link parseFxTables}. */
export interface FxTables {
  readonly days: readonly FxDay[];
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
  const days: FxDay[] = [];
  const seen = new Set<string>();
  parsed.data.tables.forEach((table, t) => {
    if (seen.has(table.date))
      problems.push({ field: `tables.${t}.date`, why: `two tables for ${table.date}` });
    seen.add(table.date);
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
        field: `tables.${t}.groups`,
        why: `rates against ${group.base} on ${table.date} cannot be tied to the euro: no EUR/${group.base} rate in the table`,
      });
    }
    days.push({ date: table.date, perEur });
  });
  if (problems.length > 0) return { ok: false, problems };
  days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { ok: true, fx: { days } };
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

/** The table in force on `date`: the latest dated on or before it. */
export function fxDayOn(fx: FxTables, date: string): FxDay | undefined {
  let found: FxDay | undefined;
  for (const day of fx.days) {
    if (day.date <= date) found = day;
    else break;
  }
  return found;
}

/** The exact factor that turns minor units of `from` into minor units of `to` on `date`. */
export function fxFactor(
  from: Currency,
  to: Currency,
  date: string,
  fx: FxTables,
): { ok: true; factor: Fraction; day?: FxDay; sources: FxSource[] } | FxMissing {
  if (from === to) return { ok: true, factor: fraction(1), sources: [] };
  const day = fxDayOn(fx, date);
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
  return { ok: true, factor, day, sources };
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
 * from zero), to the target currency's minor unit. Same currency: the amount unchanged.
 *
 * @example convert(10_000, 'EUR', 'USD', '2025-05-09', fx) // { ok: true, minor: 11_252, … } at 1.1252
 */
export function convert(
  amountMinor: number,
  from: Currency,
  to: Currency,
  date: string,
  fx: FxTables,
): FxConversion | FxMissing {
  const r = rateOn(from, to, date, fx);
  if (!r.ok) return r;
  const minor = toSafeNumber(roundFraction(mul(fraction(amountMinor), r.factor), 'half-up'));
  return {
    ok: true,
    minor,
    from,
    to,
    rate: r.rate,
    ...(r.tableDate ? { tableDate: r.tableDate } : {}),
    sources: r.sources,
  };
}

interface RateOn {
  readonly ok: true;
  readonly factor: Fraction;
  readonly rate: string;
  readonly tableDate?: string;
  readonly sources: readonly FxSource[];
}

/** Derived rates, remembered per table set, day and pair: quotes convert the same pairs again and again. */
const rateCache = new WeakMap<FxTables, Map<string, RateOn>>();

function rateOn(from: Currency, to: Currency, date: string, fx: FxTables): RateOn | FxMissing {
  const day = from === to ? undefined : fxDayOn(fx, date);
  const key = `${from}|${to}|${day?.date ?? ''}`;
  let cache = rateCache.get(fx);
  const hit = cache?.get(key);
  if (hit) return hit;
  const f = fxFactor(from, to, date, fx);
  if (!f.ok) return f;
  const value: RateOn = {
    ok: true,
    factor: f.factor,
    rate: displayRate(from, to, f.factor),
    ...(f.day ? { tableDate: f.day.date } : {}),
    sources: f.sources,
  };
  if (!cache) {
    cache = new Map();
    rateCache.set(fx, cache);
  }
  cache.set(key, value);
  return value;
}
