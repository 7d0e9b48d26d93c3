import type { Currency } from './money.ts';

/**
 * Converts money between currencies at the reference rate in force on a date. Implementations keep
 * the arithmetic exact and round once, half up, to the target's minor unit. Returns undefined when no
 * rate is known for the pair on that date.
 */
export interface CurrencyConverter {
  convert(amountMinor: number, from: Currency, to: Currency, date: string): number | undefined;
}
