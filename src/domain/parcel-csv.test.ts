import { describe, expect, it } from 'vitest';
import { type ParcelInput, ParcelInputSchema } from './parcel.ts';
import { parcelsFromCsv, parcelsFromJson, parcelsToCsv } from './parcel-csv.ts';

const parcel = (over: Partial<ParcelInput> = {}): ParcelInput => ({
  externalOrderId: 'AE1001',
  items: [
    {
      description: 'Cotton T-shirt, "classic"',
      hsCode: '610910',
      quantity: 2,
      unitValueMinor: 799,
      currency: 'USD',
      originCountry: 'CN',
    },
    {
      description: 'Phone case',
      hsCode: '392690',
      quantity: 1,
      unitValueMinor: 350,
      currency: 'USD',
      originCountry: 'CN',
    },
  ],
  grossWeightG: 640,
  dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
  dangerousGoods: [],
  consignee: {
    name: 'Anna Nowak',
    address: 'ul. Marszałkowska 1, m. 2',
    city: 'Warszawa',
    postcode: '00-001',
    country: 'PL',
    phone: '+48 22 123 45 67',
  },
  promisedDeliveryDate: '2026-12-20',
  incoterm: 'DDP',
  serviceLevel: 'standard',
  readyAt: '2026-12-03T10:00:00+08:00',
  ...over,
});

describe('parcel CSV', () => {
  it('round-trips parcels, multi-item ones included', () => {
    const input = [
      parcel(),
      parcel({ externalOrderId: 'AE1002', dangerousGoods: ['UN3481'], items: [parcel().items[0]!] }),
    ];
    const { records, problems } = parcelsFromCsv(parcelsToCsv(input), 'p.csv');
    expect(problems).toEqual([]);
    expect(records.map((r) => r.parcel)).toEqual(input.map((p) => ParcelInputSchema.parse(p)));
    expect(records[0]!.rows).toEqual([2, 3]);
    expect(records[1]!.rows).toEqual([4]);
  });

  it('names the row and column of each bad value, and returns no records for them', () => {
    const csv = parcelsToCsv([parcel(), parcel({ externalOrderId: 'AE1002' })])
      .split('\n')
      .map((line, i) => (i === 3 ? line.replace(',610910,', ',61091,') : line))
      .join('\n');
    const { records, problems } = parcelsFromCsv(csv, 'p.csv');
    expect(problems).toEqual([
      { where: { file: 'p.csv', row: 4, field: 'item_hs_code' }, why: expect.stringContaining('HS code') },
    ]);
    expect(records.map((r) => r.parcel.externalOrderId)).toEqual(['AE1001']);
  });

  it('reports amounts with too many decimals for the currency', () => {
    const csv = parcelsToCsv([parcel()]).replace(',7.99,USD,', ',7.999,USD,');
    expect(parcelsFromCsv(csv, 'p.csv').problems[0]).toMatchObject({
      where: { row: 2, field: 'item_unit_value' },
      why: expect.stringContaining('at most 2 decimals'),
    });
  });

  it('flags lines of one order that disagree on parcel columns', () => {
    const lines = parcelsToCsv([parcel()]).split('\n');
    lines[2] = lines[2]!.replace(',640,', ',650,');
    const { problems } = parcelsFromCsv(lines.join('\n'), 'p.csv');
    expect(problems).toContainEqual({
      where: { file: 'p.csv', row: 3, field: 'gross_weight_g' },
      why: 'differs from row 2 of the same order AE1001',
    });
  });

  it('names unknown and missing columns in the header', () => {
    const { problems } = parcelsFromCsv('external_order_id,colour\nA,red\n', 'p.csv');
    expect(problems).toContainEqual({
      where: { file: 'p.csv', row: 1, field: 'colour' },
      why: expect.stringContaining('unknown column'),
    });
    expect(problems).toContainEqual({
      where: { file: 'p.csv', row: 1, field: 'gross_weight_g' },
      why: 'required column is missing',
    });
  });
});

describe('parcel JSON', () => {
  it('accepts an array or { parcels } and names the position of bad parcels', () => {
    expect(parcelsFromJson({ parcels: [parcel()] }, 'p.json').records).toHaveLength(1);
    const { problems } = parcelsFromJson([parcel(), parcel({ grossWeightG: -5 })], 'p.json');
    expect(problems).toEqual([
      { where: { file: 'p.json', row: 2, field: 'grossWeightG' }, why: expect.any(String) },
    ]);
  });
});
