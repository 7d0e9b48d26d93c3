import { describe, expect, it } from 'vitest';
import { convert, type FxTables, fxDayOn, parseFxTables } from './fx.ts';
import { loadFx } from './rule-files.fixture.ts';

const fx = loadFx();

const table = (rates: Record<string, string>, date = '2025-01-02'): FxTables => {
  const r = parseFxTables({
    tables: [
      {
        date,
        groups: [{ base: 'EUR', source: { title: 'test', date, kind: 'official' }, rates }],
      },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.fx;
};

describe('convert with the shipped ECB table', () => {
  const cases: [string, number, string, string, string, number][] = [
    ['EUR 100.00 to USD at 1.1252 (ECB, 2025-05-09)', 10_000, 'EUR', 'USD', '2025-05-09', 11_252],
    ['USD 112.52 back to EUR', 11_252, 'USD', 'EUR', '2025-05-09', 10_000],
    ['EUR 1.00 to JPY (no minor unit): 163.36 rounds to 163', 100, 'EUR', 'JPY', '2025-05-09', 163],
    ['JPY 10,000 to EUR: 10000 / 163.36 = 61.214... → 61.21', 10_000, 'JPY', 'EUR', '2025-05-09', 6121],
    [
      'USD 100.00 to CNY via EUR: 100 × 8.147 / 1.1252 = 724.0490... → 724.05',
      10_000,
      'USD',
      'CNY',
      '2025-05-09',
      72_405,
    ],
    [
      'USD 100.00 to SAR through the USD peg group: exactly 375.00',
      10_000,
      'USD',
      'SAR',
      '2025-05-09',
      37_500,
    ],
    [
      'a date between tables uses the earlier one (2025-04-01: 1.0788)',
      10_000,
      'EUR',
      'USD',
      '2025-05-08',
      10_788,
    ],
    ['a date after the last table uses the last one', 10_000, 'EUR', 'USD', '2026-11-24', 11_252],
    ['the same currency is returned unchanged, with no table', 12_345, 'CHF', 'CHF', '1999-01-01', 12_345],
  ];
  it.each(cases)('%s', (_name, amount, from, to, date, expected) => {
    const r = convert(amount, from as never, to as never, date, fx);
    expect(r.ok && r.minor).toBe(expected);
  });

  it('names the table it used', () => {
    const r = convert(10_000, 'EUR', 'GBP', '2026-11-24', fx);
    expect(r.ok && r.tableDate).toBe('2025-05-09');
    expect(r.ok && r.rate).toBe('0.8477');
    expect(fxDayOn(fx, '2024-12-31')?.date).toBe('2024-10-01');
  });

  it('reports a date before the first table as a missing rate, naming currencies and date', () => {
    const r = convert(10_000, 'EUR', 'USD', '2020-01-01', fx);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/EUR to USD.*2020-01-01/);
  });
});

describe('convert rounding', () => {
  it('rounds an exact half up, once, after the exact product', () => {
    // EUR 0.01 at 1.5 = 1.5 cents → 2 cents; at 1.25 = 1.25 → 1 cent.
    expect(convert(1, 'EUR', 'USD', '2025-01-02', table({ USD: '1.5' }))).toMatchObject({
      ok: true,
      minor: 2,
    });
    expect(convert(1, 'EUR', 'USD', '2025-01-02', table({ USD: '1.25' }))).toMatchObject({
      ok: true,
      minor: 1,
    });
  });

  it('keeps a conversion exact where floats would drift (0.1 + 0.2 style)', () => {
    // 3 × 0.1 in binary floating point is 0.30000000000000004; here EUR 3.00 at 0.1 is exactly 30 cents.
    expect(convert(300, 'EUR', 'USD', '2025-01-02', table({ USD: '0.1' }))).toMatchObject({
      ok: true,
      minor: 30,
    });
  });

  it('fails for a currency the day does not quote', () => {
    const r = convert(100, 'EUR', 'GBP', '2025-01-02', table({ USD: '1.1' }));
    expect(r).toMatchObject({ ok: false, kind: 'missing-fx-rate', from: 'EUR', to: 'GBP' });
  });
});

describe('parseFxTables', () => {
  it('rejects a group that cannot be tied to the euro', () => {
    const r = parseFxTables({
      tables: [
        {
          date: '2025-01-02',
          groups: [
            {
              base: 'USD',
              source: { title: 'x', date: '2025-01-02', kind: 'official' },
              rates: { SAR: '3.75' },
            },
          ],
        },
      ],
    });
    expect(r.ok).toBe(false);
  });

  it('rejects an unlabelled assumption and a rate written as a number', () => {
    const r = parseFxTables({
      tables: [
        {
          date: '2025-01-02',
          groups: [
            {
              base: 'EUR',
              source: { title: 'guess', date: '2025-01-02', kind: 'assumption' },
              rates: { USD: 1.1 },
            },
          ],
        },
      ],
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => p.why).join(' ')).toMatch(/Landbridge assumption/);
  });
});
