import { z } from 'zod';

/**
 * ISO 4217 minor-unit exponents for the currencies Landbridge meets. A currency missing here is
 * refused at the boundary rather than guessed: add it with its exponent from the ISO 4217 list.
 */
export const CURRENCY_EXPONENTS = {
  AED: 2,
  AUD: 2,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  ILS: 2,
  JPY: 0,
  KRW: 0,
  KZT: 2,
  MXN: 2,
  MYR: 2,
  NOK: 2,
  NZD: 2,
  PLN: 2,
  RUB: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TRY: 2,
  USD: 2,
  VND: 0,
} as const;

export type Currency = keyof typeof CURRENCY_EXPONENTS;

export const CurrencySchema = z.enum(Object.keys(CURRENCY_EXPONENTS) as [Currency, ...Currency[]], {
  error: 'not a supported ISO 4217 currency code',
});

/** An integer amount of a currency's minor unit (cents, fen, yen). Never a float. */
export const MinorAmountSchema = z.number().int().safe();

export const MoneySchema = z.object({
  amountMinor: MinorAmountSchema,
  currency: CurrencySchema,
});
export type Money = z.infer<typeof MoneySchema>;

/** `money(1250, 'USD')` is USD 12.50. */
export function money(amountMinor: number, currency: Currency): Money {
  if (!Number.isSafeInteger(amountMinor))
    throw new RangeError(`amountMinor must be an integer, got ${amountMinor}`);
  return { amountMinor, currency };
}

/** Formats minor units as a decimal string in major units: `formatMinor(1250, 'USD')` is `"12.50"`. */
export function formatMinor(amountMinor: number, currency: Currency): string {
  const exp = CURRENCY_EXPONENTS[currency];
  if (exp === 0) return String(amountMinor);
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  const unit = 10 ** exp;
  return `${sign}${Math.trunc(abs / unit)}.${String(abs % unit).padStart(exp, '0')}`;
}

/**
 * Parses a decimal string in major units into minor units exactly, without floating point:
 * `parseMajor('12.5', 'USD')` is 1250. Returns undefined for text that is not a plain decimal or that
 * has more decimals than the currency allows.
 */
export function parseMajor(text: string, currency: Currency): number | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const exp = CURRENCY_EXPONENTS[currency];
  const frac = m[3] ?? '';
  if (frac.length > exp) return undefined;
  const minor = Number(m[2]) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0');
  if (!Number.isSafeInteger(minor)) return undefined;
  return m[1] === '-' ? -minor : minor;
}
