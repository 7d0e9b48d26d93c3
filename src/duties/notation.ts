import { z } from 'zod';
import { CURRENCY_EXPONENTS, type Currency, type Money, parseMajor } from '../domain/money.ts';

/**
 * The written forms the duty and FX data files use, parsed exactly: money as `EUR 150.00`, rates as
 * `12%` or `8.1%` (two decimals at most, kept as basis points), decimals such as `1.0844` as scaled
 * integers.
 */

const MONEY_TEXT = /^([A-Z]{3}) (\d+(?:\.\d+)?)$/;
const RATE_TEXT = /^(\d{1,3})(?:\.(\d{1,2}))?%$/;
const DECIMAL_TEXT = /^(\d+)(?:\.(\d+))?$/;

/** Parses `EUR 150.00` into minor units; undefined for an unknown currency or too many decimals. */
export function parseMoneyText(text: string): Money | undefined {
  const m = MONEY_TEXT.exec(text.trim());
  if (!m) return undefined;
  const currency = m[1] as string;
  if (!(currency in CURRENCY_EXPONENTS)) return undefined;
  const minor = parseMajor(m[2] as string, currency as Currency);
  return minor === undefined ? undefined : { amountMinor: minor, currency: currency as Currency };
}

/** Parses `12.5%` into basis points (1250); undefined for anything else or above 1000 %. */
export function parseRateText(text: string): number | undefined {
  const m = RATE_TEXT.exec(text.trim());
  if (!m) return undefined;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 100_000 ? bp : undefined;
}

/** Formats basis points back as a percentage: 1250 → `12.5%`. */
export function formatRateBp(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = bp % 100;
  if (frac === 0) return `${whole}%`;
  return `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}%`;
}

/** A positive decimal as an exact scaled integer: `1.0844` is 10844 / 10^4. */
export interface ScaledDecimal {
  readonly units: bigint;
  readonly scale: number;
}

export function parseDecimalText(text: string): ScaledDecimal | undefined {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) return undefined;
  const frac = m[2] ?? '';
  const units = BigInt(`${m[1]}${frac}`);
  return units > 0n ? { units, scale: frac.length } : undefined;
}

/** Zod: money written as `EUR 150.00`, parsed to minor units. */
export const MoneyTextSchema = z.string().transform((text, ctx) => {
  const money = parseMoneyText(text);
  if (!money) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not money written as "EUR 150.00" in a known currency`,
    });
    return z.NEVER;
  }
  return money;
});

/** Zod: a rate written as `12%` or `8.1%`, parsed to basis points. */
export const RateTextSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bp = typeof value === 'string' ? parseRateText(value) : undefined;
  if (bp === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a rate written as "12%" or "8.1%" (quote it; at most two decimals)`,
    });
    return z.NEVER;
  }
  return bp;
});

/** Zod: a positive decimal written as a string, such as `"1.0844"`. */
export const DecimalTextSchema = z.string().refine((text) => parseDecimalText(text) !== undefined, {
  message: 'must be a positive decimal written as a string, such as "1.0844"',
});
