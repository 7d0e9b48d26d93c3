import { describe, expect, it } from 'vitest';
import type { Currency } from '../domain/money.ts';
import { convert } from './fx.ts';
import { landedCost } from './landed-cost.ts';
import { generatorHsCodes, loadDutyRules, loadFx } from './rule-files.fixture.ts';
import { findTariffRate } from './tariff.ts';

/** The shipped data files: valid, complete for the destinations of the issue and the generator's goods. */

const rules = loadDutyRules();
const fx = loadFx();

const EU_27 = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
];
const OTHERS = [
  'GB',
  'US',
  'CA',
  'AU',
  'NZ',
  'JP',
  'KR',
  'BR',
  'MX',
  'CL',
  'SA',
  'AE',
  'IL',
  'TR',
  'CH',
  'NO',
  'KZ',
  'RU',
  'SG',
  'MY',
  'TH',
  'VN',
];
const DESTINATIONS = [...EU_27, ...OTHERS];
const TODAY = '2026-11-24';

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

describe('every destination of the issue answers on 2026-11-24', () => {
  it.each(DESTINATIONS)('%s: a breakdown with the rule set, its sources and who collects', (destination) => {
    const r = landedCost(
      {
        destination,
        date: TODAY,
        items: [
          {
            description: 'T-shirt',
            hsCode: '610910',
            quantity: 2,
            unitValueMinor: 1250,
            currency: 'USD',
            originCountry: 'CN',
          },
          {
            description: 'Phone case',
            hsCode: '392690',
            quantity: 1,
            unitValueMinor: 400,
            currency: 'USD',
            originCountry: 'CN',
          },
        ],
        shippingMinor: 500,
        costsCurrency: 'USD',
        grossWeightG: 450,
        currency: 'CNY',
      },
      rules,
      fx,
    );
    if (!r.ok) throw new Error(r.message);
    expect(r.ruleSet.id).toMatch(/^[a-z]{2}-\d{4}-\d{2}-\d{2}$/);
    expect(r.ruleSet.sources.length).toBeGreaterThan(0);
    expect(r.customsValue.minor).toBeGreaterThan(0);
    expect(r.answerCurrency).toBe('CNY');
    for (const line of [...r.duties, ...r.vat, ...r.fees]) {
      expect(['seller-at-sale', 'carrier-at-import', 'buyer']).toContain(line.collector);
      expect(line.source.title.length).toBeGreaterThan(0);
    }
    expect(r.totals.total.minor).toBe(r.totals.duty.minor + r.totals.vat.minor + r.totals.fees.minor);
  });
});

describe('rule sets cover every day from 2024-01-01 to 2026-11-24 without gaps', () => {
  it.each(DESTINATIONS)('%s', (destination) => {
    const book = rules.byDestination.get(destination);
    expect(book).toBeDefined();
    const sets = book?.data.ruleSets ?? [];
    expect((sets[0]?.validFrom ?? '9999-12-31') <= '2024-01-01').toBe(true);
    sets.forEach((rs, i) => {
      const next = sets[i + 1];
      if (next) expect(rs.validTo && nextDay(rs.validTo)).toBe(next.validFrom);
      else expect(rs.validTo === undefined || rs.validTo >= TODAY).toBe(true);
    });
  });
});

describe('every tariff table has a rate for every HS code of the parcel generator', () => {
  const codes = generatorHsCodes();
  const tables = rules.books.flatMap((book) =>
    Object.entries(book.data.tariffs).map(([id, tariff]) => ({ file: book.file, id, tariff })),
  );
  it.each(tables.map((t) => [`${t.file} ${t.id}`, t] as const))('%s', (_name, { tariff }) => {
    const missing = codes.filter(
      (hs) => !findTariffRate(tariff, hs, TODAY) || !findTariffRate(tariff, hs, '2024-01-01'),
    );
    expect(missing).toEqual([]);
  });
  it('reads the generator mix (data/generator/mix.json)', () => {
    expect(codes.length).toBeGreaterThan(50);
  });
});

describe('every currency the rules use converts from the declaration currencies on 2026-11-24', () => {
  const used = new Set<Currency>();
  for (const book of rules.books) {
    for (const rs of book.data.ruleSets) {
      used.add(rs.currency);
      for (const tier of rs.tiers) if (tier.when.maxValue) used.add(tier.when.maxValue.amount.currency);
    }
    for (const fee of book.data.fees) used.add(fee.amount.currency);
  }
  it.each([...used].sort())('%s', (currency) => {
    for (const from of ['USD', 'EUR', 'CNY'] as const) {
      expect(convert(10_000, from, currency, TODAY, fx).ok).toBe(true);
    }
  });
});

describe('sources', () => {
  it('label every assumption as one, and give every other source a URL or the official act', () => {
    const all = rules.books.flatMap((b) => b.data.sources.map((s) => ({ file: b.file, ...s })));
    const unlabelled = all.filter(
      (s) => (s.kind === 'assumption') !== s.title.startsWith('Landbridge assumption:'),
    );
    expect(unlabelled).toEqual([]);
    expect(all.filter((s) => s.kind === 'official' && !s.url)).toEqual([]);
  });
});
