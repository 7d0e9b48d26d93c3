import type { Currency, CurrencyConverter } from '../src/domain/index.ts';

/**
 * A converter with fixed units per USD, for benchmarks that must not depend on the FX table's dates.
 * Rates: rounded mid-market levels of late 2025, adequate for timing, not for prices.
 */
export function fixedRateConverter(): CurrencyConverter {
  const perUsd: Partial<Record<Currency, number>> = {
    USD: 1,
    EUR: 0.86,
    CNY: 7.1,
    GBP: 0.76,
    PLN: 3.65,
    JPY: 150,
    KRW: 1400,
    CHF: 0.8,
    NOK: 10.2,
    SEK: 9.5,
    CZK: 21,
    HUF: 335,
    AUD: 1.52,
    NZD: 1.75,
    CAD: 1.39,
    MXN: 18.4,
    BRL: 5.4,
    CLP: 950,
    SAR: 3.75,
    AED: 3.67,
    ILS: 3.3,
    TRY: 42,
    KZT: 520,
    RUB: 80,
    SGD: 1.3,
    MYR: 4.2,
    THB: 32.5,
    VND: 26_000,
    HKD: 7.8,
    DKK: 6.4,
  };
  const exp = (c: Currency) => (c === 'JPY' || c === 'KRW' || c === 'CLP' || c === 'VND' ? 0 : 2);
  return {
    convert(amountMinor, from, to) {
      const f = perUsd[from];
      const t = perUsd[to];
      if (f === undefined || t === undefined) return undefined;
      return Math.round(((amountMinor / 10 ** exp(from)) * t * 10 ** exp(to)) / f);
    },
  };
}
