import { z } from 'zod';
import { CURRENCY_EXPONENTS, type Currency, CurrencySchema, formatMinor } from './money.ts';

/**
 * The largest declared value a parcel may have in each currency, in major units: about USD 10 million
 * (rounded up), far above any parcel a hub takes (a parcel is at most 40 t) and low enough that a million
 * parcels' values still add up exactly in float64 (≤ 2^53 minor units after conversion to one currency).
 * A value above it is refused where it enters, by name, so that no stored parcel can break the hub's
 * statistics or plans for everyone else (issue 11, item 9).
 */
export const MAX_DECLARED_VALUE_MAJOR: Readonly<Record<Currency, number>> = {
  AED: 50_000_000,
  AUD: 20_000_000,
  BRL: 100_000_000,
  CAD: 20_000_000,
  CHF: 10_000_000,
  CLP: 10_000_000_000,
  CNY: 100_000_000,
  CZK: 250_000_000,
  DKK: 100_000_000,
  EUR: 10_000_000,
  GBP: 10_000_000,
  HKD: 100_000_000,
  HUF: 5_000_000_000,
  ILS: 50_000_000,
  JPY: 2_000_000_000,
  KRW: 20_000_000_000,
  KZT: 5_000_000_000,
  MXN: 200_000_000,
  MYR: 50_000_000,
  NOK: 100_000_000,
  NZD: 20_000_000,
  PLN: 50_000_000,
  RUB: 1_000_000_000,
  SAR: 50_000_000,
  SEK: 100_000_000,
  SGD: 20_000_000,
  THB: 500_000_000,
  TRY: 500_000_000,
  USD: 10_000_000,
  VND: 300_000_000_000,
};

/** {@link MAX_DECLARED_VALUE_MAJOR} of a currency in its minor units: `maxDeclaredMinor('USD')` is 1e9. */
export function maxDeclaredMinor(currency: Currency): number {
  return MAX_DECLARED_VALUE_MAJOR[currency] * 10 ** CURRENCY_EXPONENTS[currency];
}

/** The largest of {@link maxDeclaredMinor} over every currency: a plain bound for any minor amount field. */
export const MAX_AMOUNT_MINOR = Math.max(
  ...(Object.keys(MAX_DECLARED_VALUE_MAJOR) as Currency[]).map(maxDeclaredMinor),
);

/** A non-negative amount in minor units, bounded by {@link MAX_AMOUNT_MINOR}. */
export const BoundedMinorSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_AMOUNT_MINOR, `must be at most ${MAX_AMOUNT_MINOR} minor units`);

/** Why `amountMinor` cannot be a declared value in `currency`, or undefined when it can. */
export function declaredValueTooLarge(
  amountMinor: number,
  currency: Currency,
  what: string,
): string | undefined {
  const max = maxDeclaredMinor(currency);
  if (amountMinor <= max) return undefined;
  const shown = Number.isSafeInteger(amountMinor)
    ? formatMinor(amountMinor, currency)
    : 'beyond 2^53 minor units';
  return `${what} ${currency} ${shown} is more than any parcel can be worth (at most ${currency} ${formatMinor(max, currency)})`;
}

interface DeclaredLine {
  readonly quantity: number;
  readonly unitValueMinor: number;
  readonly currency: string;
}

/**
 * Checks item lines' declared values against {@link maxDeclaredMinor}: each unit value, each line
 * (quantity × unit value) and the sum per currency. Reports on the field that breaks the bound
 * (`items.3.unitValueMinor`). Add to an items array with `.superRefine(checkDeclaredValues)`.
 */
export function checkDeclaredValues(items: readonly DeclaredLine[], ctx: z.RefinementCtx): void {
  const totals = new Map<Currency, number>();
  items.forEach((item, k) => {
    const parsed = CurrencySchema.safeParse(item.currency);
    if (!parsed.success) return;
    const currency = parsed.data;
    const path = [k, 'unitValueMinor'];
    const unit = declaredValueTooLarge(item.unitValueMinor, currency, 'a unit value of');
    if (unit) {
      ctx.addIssue({ code: 'custom', message: unit, path });
      return;
    }
    const line = item.unitValueMinor * item.quantity;
    const lineWhy = declaredValueTooLarge(line, currency, `${item.quantity} × the unit value, a line of`);
    if (lineWhy) {
      ctx.addIssue({ code: 'custom', message: lineWhy, path });
      return;
    }
    const total = (totals.get(currency) ?? 0) + line;
    totals.set(currency, total);
    const totalWhy = declaredValueTooLarge(total, currency, 'the parcel, declared at');
    if (totalWhy) ctx.addIssue({ code: 'custom', message: totalWhy, path });
  });
}

/** Largest inside length of a load space, mm: a 53-foot container or a long rail wagon is under 20 m. */
export const MAX_LOAD_SPACE_LENGTH_MM = 20_000;
/** Largest inside width of a load space, mm. */
export const MAX_LOAD_SPACE_WIDTH_MM = 3_000;
/** Largest inside height of a load space, mm. */
export const MAX_LOAD_SPACE_HEIGHT_MM = 3_500;
/** Largest payload of a load space, grams (a heavy 40-foot container carries under 30 t). */
export const MAX_PAYLOAD_G = 40_000_000;
/**
 * Earliest and latest years a date or instant may name: rate tables reach back to 1999, plans look a
 * few weeks ahead; a year outside is a typing error, refused rather than rolled over or overflowed.
 */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2100;
