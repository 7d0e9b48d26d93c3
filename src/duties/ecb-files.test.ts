import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ecbDate, parseEcbCsv, parseEcbXml, parseFxFile, parseRateCsv } from './ecb-files.ts';
import { convert, parseFxTables } from './fx.ts';
import { landedCost } from './landed-cost.ts';
import { euCustomsTables, fxFreshness, mergeFxDocument, penultimateWednesday } from './rate-tables.ts';
import { loadDutyRules, readFxDocument } from './rule-files.fixture.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/fx/${name}`, import.meta.url), 'utf8');

describe('the ECB’s files', () => {
  it('reads eurofxref-hist.csv: newest first, trailing commas, N/A left out, unknown currencies listed', () => {
    const r = parseEcbCsv(fixture('eurofxref-hist.csv'), 'eurofxref-hist.csv');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.tables.map((t) => t.date)).toEqual([
      '2026-11-17',
      '2026-11-18',
      '2026-12-03',
      '2026-12-04',
      '2026-12-07',
    ]);
    const last = r.tables[4]!;
    expect(last).toMatchObject({ source: 'ecb', base: 'EUR', origin: 'eurofxref-hist.csv' });
    expect(last.rates.USD).toBe('1.1602');
    expect(last.rates.GBP).toBe('0.87007');
    expect('RUB' in last.rates).toBe(false);
    expect(r.skippedCurrencies).toEqual(['IDR', 'INR', 'ISK', 'PHP', 'RON', 'ZAR']);
  });

  it('reads the XML files (double and single quotes) to the same tables as the CSV', () => {
    const csv = parseEcbCsv(fixture('eurofxref-hist.csv'), 'x');
    const xml = parseEcbXml(fixture('eurofxref-hist.xml'), 'x');
    expect(xml.ok && csv.ok && xml.tables.map((t) => [t.date, t.rates])).toEqual(
      csv.ok && csv.tables.map((t) => [t.date, t.rates]),
    );
    const daily = parseFxFile(fixture('eurofxref-daily.xml'), 'eurofxref-daily.xml');
    expect(daily.ok && daily.format).toBe('ecb-xml');
    expect(daily.ok && daily.tables.map((t) => [t.date, t.rates.USD])).toEqual([['2026-12-08', '1.1583']]);
  });

  it('reads the daily CSV, whose header has spaces and whose date is written out', () => {
    const text = 'Date, USD, JPY, BGN, \n07 December 2026, 1.1602, 180.01, N/A, \n';
    const r = parseEcbCsv(text, 'eurofxref.csv');
    expect(r.ok && r.tables).toEqual([
      {
        source: 'ecb',
        date: '2026-12-07',
        base: 'EUR',
        rates: { USD: '1.1602', JPY: '180.01' },
        origin: 'eurofxref.csv',
      },
    ]);
    expect(ecbDate('31 February 2026')).toBeUndefined();
    expect(ecbDate('2026-02-30')).toBeUndefined();
  });

  it('refuses a bad row naming its line and column, and files that are not the ECB’s', () => {
    const r = parseEcbCsv(
      'Date,USD,JPY,\n2026-12-07,1.16,abc,\n2026-13-01,1.16,180,\n2026-12-07,1.16,180,\n',
      'f.csv',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { row: 2, field: 'JPY', why: '"abc" is not a positive rate' },
      { row: 3, field: 'Date', why: '"2026-13-01" is not a date' },
      { row: 4, field: 'Date', why: '2026-12-07 appears twice' },
    ]);
    expect(parseFxFile('<html><body>Service unavailable</body></html>', 'x')).toMatchObject({
      ok: false,
      problems: [
        { why: 'not an ECB reference-rate XML file: no gesmes:Envelope in the eurofxref vocabulary' },
      ],
    });
    expect(
      parseEcbXml(fixture('eurofxref-daily.xml').replace("rate='1.1583'", "rate='-1'"), 'x'),
    ).toMatchObject({
      ok: false,
      problems: [{ row: 9, field: 'USD', why: '"-1" is not a positive rate' }],
    });
  });

  it('reads a customs rate table in the long CSV form, with its validity', () => {
    const r = parseRateCsv(
      'date,base,currency,rate,valid_to\n2026-12-01,USD,EUR,0.8611,2026-12-31\n2026-12-01,USD,CNY,7.0812,2026-12-31\n',
      'cbp-certified',
      'cbp.csv',
    );
    expect(r.ok && r.tables).toEqual([
      {
        source: 'cbp-certified',
        date: '2026-12-01',
        validTo: '2026-12-31',
        base: 'USD',
        rates: { EUR: '0.8611', CNY: '7.0812' },
        origin: 'cbp.csv',
      },
    ]);
    expect(parseRateCsv('date,currency,rate\n', 'cbp-certified', 'x').ok).toBe(false);
    expect(parseFxFile(fixture('eurofxref-hist.csv'), 'x', 'cbp-certified').ok).toBe(false);
  });
});

describe('EU monthly customs rates (Implementing Regulation (EU) 2015/2447 art. 146)', () => {
  it('the penultimate Wednesday of a month', () => {
    expect(penultimateWednesday('2026-11')).toBe('2026-11-18');
    expect(penultimateWednesday('2026-12')).toBe('2026-12-23');
    expect(penultimateWednesday('2026-09')).toBe('2026-09-23'); // 30 September is a Wednesday
  });

  it('the ECB rate of that Wednesday applies for the whole next month; a month with no day near it is skipped', () => {
    const r = parseEcbCsv(fixture('eurofxref-hist.csv'), 'eurofxref-hist.csv');
    if (!r.ok) throw new Error('fixture');
    const months = euCustomsTables(r.tables);
    expect(months.map((m) => [m.date, m.validTo, m.rates.USD])).toEqual([
      ['2026-12-01', '2026-12-31', r.tables[1]!.rates.USD],
    ]);
    expect(months[0]!.origin).toMatch(
      /^ECB rates of 2026-11-18 \(penultimate Wednesday of 2026-11: 2026-11-18\)/,
    );
    // Without 2026-11-18 the latest day before it (2026-11-17) is within the week: it is used.
    const without = euCustomsTables(r.tables.filter((t) => t.date !== '2026-11-18'));
    expect(without.map((m) => m.rates.USD)).toEqual([r.tables[0]!.rates.USD]);
  });
});

describe('imported tables with the shipped ones', () => {
  const read = parseEcbCsv(fixture('eurofxref-hist.csv'), 'eurofxref-hist.csv');
  if (!read.ok) throw new Error('fixture');
  const merged = parseFxTables(mergeFxDocument(readFxDocument() as never, read.tables, '2026-12-07'));
  if (!merged.ok) throw new Error(JSON.stringify(merged.problems));
  const fx = merged.fx;

  it('a conversion on 2026-12-07 uses the imported day’s rate and says which', () => {
    const r = convert(10_000, 'EUR', 'USD', '2026-12-07', fx);
    expect(r).toMatchObject({ ok: true, minor: 11_602, tableDate: '2026-12-07', rateSource: 'reference' });
    expect(r.ok && r.sources[0]?.title).toBe(
      'ECB euro foreign exchange reference rates of 2026-12-07 (imported from eurofxref-hist.csv)',
    );
    // A weekend day uses the Friday before.
    expect(convert(10_000, 'EUR', 'USD', '2026-12-06', fx)).toMatchObject({ tableDate: '2026-12-04' });
  });

  it('currencies the ECB does not publish ride on the imported day with the shipped pegs', () => {
    const r = convert(10_000, 'USD', 'SAR', '2026-12-07', fx);
    expect(r).toMatchObject({ ok: true, minor: 37_500, tableDate: '2026-12-07' });
  });

  it('dates before the import keep the shipped tables', () => {
    expect(convert(10_000, 'EUR', 'USD', '2025-05-09', fx)).toMatchObject({
      minor: 11_252,
      tableDate: '2025-05-09',
    });
  });

  it('the EU assesses at its monthly customs rate; the answer says which table, and falls back where there is none', () => {
    const rules = loadDutyRules();
    const request = {
      destination: 'DE',
      date: '2026-12-07',
      items: [
        {
          description: 'T-shirt',
          hsCode: '610910',
          quantity: 1,
          unitValueMinor: 2000,
          currency: 'USD' as const,
          originCountry: 'CN',
        },
      ],
    };
    const r = landedCost(request, rules, fx);
    if (!r.ok) throw new Error(r.message);
    const used = r.fx.find((f) => f.from === 'USD' && f.to === 'EUR');
    expect(used).toMatchObject({ rateSource: 'eu-customs', tableDate: '2026-12-01', purpose: 'customs' });
    const eu = convert(2000, 'USD', 'EUR', '2026-12-07', fx, 'eu-customs');
    expect(r.goodsValue.minor).toBe(eu.ok && eu.minor);
    // November 2026 has no customs table in the import: the reference rate, with a note.
    const nov = landedCost({ ...request, date: '2026-11-20' }, rules, fx);
    if (!nov.ok) throw new Error(nov.message);
    expect(nov.fx.find((f) => f.from === 'USD')).toMatchObject({
      rateSource: 'reference',
      asked: 'eu-customs',
      tableDate: '2026-11-18',
    });
    expect(
      nov.notes.some((n) =>
        n.startsWith(
          'USD/EUR: eu-2026-07-01 assesses at the eu-customs rates, and none were in force on 2026-11-20',
        ),
      ),
    ).toBe(true);
  });
});

describe('fxFreshness', () => {
  it('warns when the newest table is more than a week old', () => {
    expect(fxFreshness('2026-12-07', '2026-12-14')).toEqual({
      newestDate: '2026-12-07',
      ageDays: 7,
      stale: false,
    });
    const stale = fxFreshness('2025-05-09', '2026-12-07');
    expect(stale).toMatchObject({ ageDays: 577, stale: true });
    expect(stale.warning).toMatch(
      /^the newest exchange-rate table is of 2025-05-09, 577 days before 2026-12-07/,
    );
  });
});
