import { describe, expect, it } from 'vitest';
import { conveyance, network } from '../../test/fixtures/customs.ts';
import type { CurrencyConverter } from '../domain/fx.ts';
import type { ParcelItem } from '../domain/parcel.ts';
import { iso6346CheckDigit } from './conveyance.ts';
import {
  checkDescriptions,
  destinationCsv,
  destinationData,
  manufacturerIdOf,
  railConsignmentNote,
} from './destination.ts';
import type { CustomsParcel } from './documents.ts';
import { deriveSellerProfile } from './profiles.ts';

/** 1 EUR = 1.10 USD = 0.85 GBP, for the tests. */
const fx: CurrencyConverter = {
  convert(minor, from, to) {
    const usd: Record<string, number> = { USD: 1, EUR: 1.1, GBP: 1.3, CNY: 0.14 };
    if (usd[from] === undefined || usd[to] === undefined) return undefined;
    return Math.round((minor * usd[from]!) / usd[to]!);
  },
};
const eu = new Set(['DE', 'FR', 'PL']);
const vague = ['gift', 'gifts', 'parts', 'clothes', 'accessories'];
const seller = deriveSellerProfile({
  id: 'seller-cq-0001',
  name: 'Chongqing Botai Machinery Co., Ltd.',
  country: 'CN',
});
const item = (
  hsCode: string,
  quantity: number,
  unitValueMinor: number,
  description = 'T-shirt, cotton, knitted',
): ParcelItem => ({
  description,
  hsCode,
  quantity,
  unitValueMinor,
  currency: 'EUR',
  originCountry: 'CN',
});
const parcel = (country: string, items: ParcelItem[]): CustomsParcel => ({
  id: 'P1',
  sellerId: seller.sellerId,
  externalOrderId: 'AE1',
  items,
  grossWeightG: 1200,
  consignee: {
    name: 'Anna Nowak',
    address: 'ul. Prosta 1',
    city: 'Warszawa',
    postcode: '00-001',
    country,
    phone: '+48 22 123 45 67',
  },
  readyAtMs: 0,
});
const data = (country: string, items: ParcelItem[], importDate = '2026-12-20') =>
  destinationData(
    {
      parcel: parcel(country, items),
      seller,
      waybillNo: 'LBX1',
      conveyance,
      containerId: 'dep#1',
      importDate,
    },
    { euMembers: eu, fx, vagueTerms: vague },
  );

describe('EU H7 and the EUR 3 duty per distinct subheading', () => {
  it('counts distinct 6-digit subheadings, not pieces: 5 T-shirts = EUR 3; T-shirts + a watch = EUR 6', () => {
    expect(data('PL', [item('610910', 5, 500)]).h7!.flatDutyEurMinor).toBe(300);
    expect(
      data('PL', [item('610910', 2, 500), item('910211', 1, 2000, 'Wrist watch, quartz')]).h7!
        .flatDutyEurMinor,
    ).toBe(600);
    expect(
      data('PL', [item('61091000', 1, 500), item('61091000', 1, 700, 'T-shirt, cotton, printed')]).h7!
        .distinctSubheadings,
    ).toBe(1);
  });
  it('before 2026-07-01 there is no flat duty', () => {
    expect(data('DE', [item('610910', 1, 500)], '2026-06-30').h7!.flatDutyEurMinor).toBe(0);
  });
  it('over EUR 150 intrinsic value the parcel is not eligible and says why', () => {
    const h7 = data('FR', [item('610910', 1, 15_001)]).h7!;
    expect(h7.eligible).toBe(false);
    expect(h7.reason).toMatch(/over EUR 150/);
    expect(data('FR', [item('610910', 1, 15_000)]).h7!.eligible).toBe(true);
  });
  it('carries the IOSS number and the ICS2 house data (HS-6, description, masses summing to the parcel)', () => {
    const d = data('DE', [item('610910', 1, 500), item('640299', 1, 1500, 'Sports shoes, rubber soles')]);
    expect(d.h7!.iossNumber).toMatch(/^IM\d{10}$/);
    expect(d.ics2!.goodsItems.map((g) => g.hsSubheading)).toEqual(['610910', '640299']);
    expect(d.ics2!.goodsItems.reduce((a, g) => a + Number(g.grossMassKg), 0)).toBeCloseTo(1.2);
    expect(d.ics2!.masterTransportDocument).toBe(conveyance.billNo);
    expect(d.us).toBeUndefined();
  });
});

describe('US and UK', () => {
  it('US: informal entry (11) up to USD 2,500 with HTS, origin and manufacturer id; formal (01) above', () => {
    const us = data('US', [item('851713', 1, 10_000, 'Smartphone')]).us!;
    expect(us.entryType).toBe('11');
    expect(us.lines[0]).toMatchObject({ hts: '8517130000', htsPadded: true, countryOfOrigin: 'CN' });
    expect(us.lines[0]!.manufacturerId).toMatch(/^CNCHOBOT\d{1,4}CHO$/);
    expect(data('US', [item('851713', 3, 80_000, 'Smartphone')]).us!.entryType).toBe('01');
  });
  it('MID follows CBP construction rules', () => {
    expect(
      manufacturerIdOf('The Hong Kong Garment Co., Ltd.', '1234-5678 Queen Road', 'Hong Kong', 'HK'),
    ).toBe('HKHONKON5678HON');
  });
  it("UK: up to GBP 135 VAT at the point of sale, needing the seller's UK VAT number; above, import VAT", () => {
    const low = data('GB', [item('610910', 1, 10_000)]).uk!;
    expect(low.regime).toBe('point-of-sale-vat');
    expect(low.problems[0]).toMatch(/UK VAT number/);
    expect(data('GB', [item('610910', 1, 20_000)]).uk!.regime).toBe('import-vat');
  });
});

describe('description quality', () => {
  it('flags vague descriptions before the cut-off', () => {
    const f = checkDescriptions(
      {
        id: 'P1',
        items: [
          item('610910', 1, 1, 'Gift'),
          item('610910', 1, 1, 'clothes'),
          item('610910', 1, 1, 'car parts'),
          item('610910', 1, 1, 'T-shirt, cotton, knitted'),
          item('610910', 1, 1, '12'),
        ],
      },
      vague,
    );
    expect(f.map((x) => x.line)).toEqual([1, 2, 3, 5]);
  });
});

describe('CSV export and CIM/SMGS notes', () => {
  it('writes a row a goods line, quoting where needed', () => {
    const csv = destinationCsv([data('DE', [item('610910', 1, 500)])], 'ics2');
    const [header, row] = csv.trim().split('\n');
    expect(header!.split(',')[0]).toBe('parcel_id');
    expect(row).toContain('"T-shirt, cotton, knitted"');
  });
  it('a rail container note names the stations, the border crossings and the goods by heading', () => {
    const route = ['tuanjiecun', 'alashankou', 'dostyk', 'brest', 'malaszewicze', 'duisburg'].map(
      (id) => network.nodes.find((n) => n.id === id)!,
    );
    const note = railConsignmentNote({
      containerId: 'cre-duisburg-ala@2026-12-03T09:00#2',
      containerType: '45G1',
      conveyance,
      hubName: 'Xiyong',
      hubAddress: 'Chongqing',
      route,
      parcels: [
        { parcel: parcel('DE', [item('610910', 1, 500)]), listCopNo: 'L1' },
        { parcel: parcel('PL', [item('640299', 1, 1500, 'Sports shoes')]), listCopNo: 'L2' },
      ],
    });
    expect(note.stationOfDeparture.code).toBe('CNCKG');
    expect(note.borderStations.map((b) => b.country)).toEqual(['CN', 'KZ', 'BY']);
    expect(note.goods.map((g) => [g.hsHeading, g.packages])).toEqual([
      ['6109', 1],
      ['6402', 1],
    ]);
    expect(note.grossMassKg).toBe('2.400');
    expect(note.containerNumber).toMatch(/^LBXU\d{7}$/);
    expect(Number(note.containerNumber[10])).toBe(iso6346CheckDigit(note.containerNumber.slice(0, 10)));
  });
  it('ISO 6346 check digit of a known container number (CSQU3054383)', () => {
    expect(iso6346CheckDigit('CSQU305438')).toBe(3);
  });
});
