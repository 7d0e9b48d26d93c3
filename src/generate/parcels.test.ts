import { describe, expect, it } from 'vitest';
import { hasLithiumBatteries, ParcelInputSchema, SERVICE_LEVELS } from '../domain/parcel.ts';
import { expectedShares } from './expected-shares.ts';
import { defaultMix } from './mix.ts';
import { type GeneratedParcel, generateParcelStream, generateParcels, generateSellers } from './parcels.ts';

const mix = defaultMix();
const N = 20_000;
const sample = generateParcels({ count: N, seed: 2026, from: '2026-12-01', days: 3 });

/** Within 4.5 standard errors of a binomial share (plus a hair for rounding). */
function expectShare(label: string, observed: number, expected: number, n = N): void {
  const tolerance = 4.5 * Math.sqrt((expected * (1 - expected)) / n) + 1e-3;
  expect(
    Math.abs(observed - expected),
    `${label}: ${observed.toFixed(4)} vs ${expected.toFixed(4)}`,
  ).toBeLessThanOrEqual(tolerance);
}

function shareOf(parcels: readonly GeneratedParcel[], test: (p: GeneratedParcel) => boolean): number {
  let k = 0;
  for (const p of parcels) if (test(p)) k++;
  return k / parcels.length;
}

/** The buyer's calendar date of an instant, read from `Intl`. */
function localDate(zone: string, atMs: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(atMs);
}

describe('generateParcels: determinism', () => {
  const opts = { count: 2000, seed: 42, from: '2026-12-01', days: 2 };

  it('gives byte-identical JSON for the same options', () => {
    expect(JSON.stringify(generateParcels(opts))).toBe(JSON.stringify(generateParcels({ ...opts })));
  });

  it('treats the seed "42" as 42', () => {
    expect(JSON.stringify(generateParcels({ ...opts, seed: '42' }))).toBe(
      JSON.stringify(generateParcels(opts)),
    );
  });

  it('gives different parcels and sellers for a different seed', () => {
    const a = generateParcels(opts);
    const b = generateParcels({ ...opts, seed: 43 });
    expect(JSON.stringify(b.parcels)).not.toBe(JSON.stringify(a.parcels));
    expect(b.sellers.map((s) => s.name)).not.toEqual(a.sellers.map((s) => s.name));
  });

  it('streams exactly the parcels it returns in memory, and the same sellers as generateSellers', () => {
    const all = generateParcels(opts);
    expect(JSON.stringify([...generateParcelStream(opts)])).toBe(JSON.stringify(all.parcels));
    expect(generateSellers(opts)).toEqual(all.sellers);
  });
});

describe('generateParcels: validity', () => {
  it('makes parcels that all pass ParcelInputSchema, from the sellers it returns', () => {
    const sellerIds = new Set(sample.sellers.map((s) => s.id));
    const failures: string[] = [];
    for (const p of sample.parcels) {
      const r = ParcelInputSchema.safeParse(p);
      if (!r.success) failures.push(`${p.externalOrderId}: ${r.error.message}`);
      if (!sellerIds.has(p.sellerId)) failures.push(`${p.externalOrderId}: unknown seller ${p.sellerId}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(sample.parcels).toHaveLength(N);
  });

  it('never repeats an externalOrderId within a seller', () => {
    const seen = new Set<string>();
    for (const p of sample.parcels) seen.add(`${p.sellerId}\u0000${p.externalOrderId}`);
    expect(seen.size).toBe(N);
  });

  it('sets readyAt in Chongqing time, in order, within the days asked, mostly in business hours', () => {
    const times = sample.parcels.map((p) => p.readyAt);
    for (const t of times) expect(t).toMatch(/^2026-12-0[123]T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect([...times].sort()).toEqual(times);
    const hour = (p: GeneratedParcel): number => Number(p.readyAt.slice(11, 13));
    expect(shareOf(sample.parcels, (p) => hour(p) >= 8 && hour(p) < 20)).toBeGreaterThan(0.8);
    expect(shareOf(sample.parcels, (p) => hour(p) < 6)).toBeLessThan(0.02);
  });

  it('promises delivery the right number of days after the ready date in the buyer’s calendar', () => {
    const byCountry = new Map(mix.destinations.map((d) => [d.country, d]));
    for (const p of sample.parcels.slice(0, 400)) {
      const dest = byCountry.get(p.consignee.country)!;
      const city = dest.cities.find((c) => c.name === p.consignee.city)!;
      const readyMs = Date.parse(p.readyAt);
      const readyDay = Date.parse(`${localDate(city.zone, readyMs)}T00:00:00Z`);
      const days = (Date.parse(`${p.promisedDeliveryDate}T00:00:00Z`) - readyDay) / 86_400_000;
      const [lo, hi] = mix.promiseDays.profiles[dest.promise]![p.serviceLevel];
      expect(
        days,
        `${p.consignee.country} ${p.serviceLevel} ${p.readyAt} → ${p.promisedDeliveryDate}`,
      ).toBeGreaterThanOrEqual(lo);
      expect(days).toBeLessThanOrEqual(hi);
    }
  });

  it('puts most parcels between 0.1 and 2 kg, e-bikes near 25 kg in long cartons, skids at 50 kg and up', () => {
    expect(shareOf(sample.parcels, (p) => p.grossWeightG >= 100 && p.grossWeightG <= 2000)).toBeGreaterThan(
      0.7,
    );
    const ebikes = sample.parcels.filter((p) => p.items[0]!.description.startsWith('Electric bicycle'));
    expect(ebikes.length).toBeGreaterThan(50);
    for (const p of ebikes) {
      expect(p.grossWeightG).toBeGreaterThan(15_000);
      expect(p.grossWeightG).toBeLessThan(65_000);
      expect(p.dimensions.lengthMm).toBeGreaterThanOrEqual(1450);
      expect(p.dangerousGoods).toEqual(['UN3481']);
    }
    const skids = sample.parcels.filter(
      (p) => p.items[0]!.hsCode.startsWith('84') && p.grossWeightG > 40_000,
    );
    expect(skids.length).toBeGreaterThan(10);
  });
});

describe('generateParcels: shares of the mix (N = 20,000)', () => {
  const expected = expectedShares(mix);
  const categoryOf = new Map<string, string>();
  for (const c of mix.categories) for (const p of c.products) categoryOf.set(p.description, c.id);

  it('matches the destination shares', () => {
    for (const [country, share] of Object.entries(expected.destinations))
      expectShare(
        country,
        shareOf(sample.parcels, (p) => p.consignee.country === country),
        share,
      );
  });

  it('matches the category shares', () => {
    expect(categoryOf.size).toBe(mix.categories.reduce((n, c) => n + c.products.length, 0));
    for (const [id, share] of Object.entries(expected.categories))
      expectShare(
        id,
        shareOf(sample.parcels, (p) => categoryOf.get(p.items[0]!.description) === id),
        share,
      );
  });

  it('matches the service-level and DDP shares', () => {
    for (const level of SERVICE_LEVELS)
      expectShare(
        level,
        shareOf(sample.parcels, (p) => p.serviceLevel === level),
        expected.serviceLevels[level],
      );
    expectShare(
      'DDP',
      shareOf(sample.parcels, (p) => p.incoterm === 'DDP'),
      expected.ddp,
    );
  });

  it('matches the battery shares: UN3481 in about a fifth of parcels, UN3480 in under 2 %', () => {
    const un3481 = shareOf(sample.parcels, (p) => p.dangerousGoods.includes('UN3481'));
    const un3480 = shareOf(sample.parcels, (p) => p.dangerousGoods.includes('UN3480'));
    expectShare('UN3481', un3481, expected.dangerousGoods.UN3481!);
    expectShare('UN3480', un3480, expected.dangerousGoods.UN3480!);
    expectShare(
      'lithium',
      shareOf(sample.parcels, (p) => hasLithiumBatteries(p.dangerousGoods)),
      expected.lithium,
    );
    expect(un3481).toBeGreaterThan(0.15);
    expect(un3480).toBeLessThan(0.02);
  });
});

describe('generateParcels: options', () => {
  it('uses the seller ids given, biggest first', () => {
    const r = generateParcels({
      count: 3000,
      seed: 1,
      from: '2026-12-01',
      sellers: ['big-one', 'small-two'],
    });
    expect(r.sellers.map((s) => s.id)).toEqual(['big-one', 'small-two']);
    expect(shareOf(r.parcels, (p) => p.sellerId === 'big-one')).toBeGreaterThan(0.55);
  });

  it('makes no parcels for count 0, and sellerCount sellers', () => {
    const r = generateParcels({ count: 0, seed: 1, from: '2026-12-01', sellerCount: 3 });
    expect(r.parcels).toEqual([]);
    expect(r.sellers.map((s) => s.id)).toEqual(['seller-cq-0001', 'seller-cq-0002', 'seller-cq-0003']);
  });

  it('refuses bad options when called, not at the first parcel', () => {
    expect(() => generateParcelStream({ count: -1, seed: 1, from: '2026-12-01' })).toThrow();
    expect(() => generateParcelStream({ count: 1, seed: 1, from: '2026-02-30' })).toThrow();
    expect(() => generateParcelStream({ count: 1, seed: 1.5, from: '2026-12-01' })).toThrow();
    expect(() =>
      generateParcelStream({ count: 1, seed: 1, from: '2026-12-01', sellers: ['a', 'a'] }),
    ).toThrow();
    expect(() =>
      generateParcelStream({ count: 1, seed: 1, from: '2026-12-01', sellers: ['a'], sellerCount: 2 }),
    ).toThrow();
  });
});

describe('generateParcelStream: speed', () => {
  it('streams 100,000 parcels in well under 10 s', () => {
    const t0 = performance.now();
    let n = 0;
    for (const _ of generateParcelStream({ count: 100_000, seed: 5, from: '2026-12-01', days: 7 })) n++;
    const seconds = (performance.now() - t0) / 1000;
    console.log(`generateParcelStream: 100,000 parcels in ${seconds.toFixed(2)} s`);
    expect(n).toBe(100_000);
    expect(seconds).toBeLessThan(10);
  });

  // 1M takes about 2 s streamed on the 2-core machine; run with LANDBRIDGE_BENCH_1M=1.
  it.skipIf(!process.env.LANDBRIDGE_BENCH_1M)('streams 1,000,000 parcels in under 10 s', () => {
    const t0 = performance.now();
    let n = 0;
    for (const _ of generateParcelStream({ count: 1_000_000, seed: 5, from: '2026-12-01', days: 7 })) n++;
    const seconds = (performance.now() - t0) / 1000;
    console.log(`generateParcelStream: 1,000,000 parcels in ${seconds.toFixed(2)} s`);
    expect(n).toBe(1_000_000);
    expect(seconds).toBeLessThan(10);
  });
});
