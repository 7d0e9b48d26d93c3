import { describe, expect, it } from 'vitest';
import { SellerSchema } from '../domain/seller.ts';
import { defaultMix } from './mix.ts';
import { Random } from './random.ts';
import { buildSellerBook, defaultSellerCount, defaultSellerIds, OrderIdIssuer } from './sellers.ts';

describe('OrderIdIssuer', () => {
  for (const pattern of ['AE################', '11#-#######-#######', 'PO-211-################', 'WS######'])
    it(`issues distinct ids shaped like ${pattern}`, () => {
      const issuer = new OrderIdIssuer(pattern, new Random(1));
      const rng = new Random(2);
      const shape = new RegExp(`^${pattern.replaceAll('#', '\\d')}$`);
      const ids = Array.from({ length: 20_000 }, () => issuer.next(rng));
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids.slice(0, 100)) expect(id).toMatch(shape);
    });

  it('keeps the leading digits of a seller fixed', () => {
    const issuer = new OrderIdIssuer('AE################', new Random(9));
    const rng = new Random(3);
    const heads = new Set(Array.from({ length: 100 }, () => issuer.next(rng).slice(0, 8)));
    expect(heads.size).toBe(1);
  });
});

describe('buildSellerBook', () => {
  const ids = defaultSellerIds('seller-cq-', 300);
  const book = buildSellerBook(defaultMix(), '42', ids);

  it('makes valid sellers with the ids given, in order, and unique names', () => {
    expect(book.sellers.map((s) => s.id)).toEqual(ids);
    expect(ids[0]).toBe('seller-cq-0001');
    for (const s of book.sellers) expect(SellerSchema.safeParse(s).success).toBe(true);
    expect(new Set(book.sellers.map((s) => s.name)).size).toBe(300);
    expect(book.sellers[0]!.name).toMatch(/^(Chongqing|Chengdu|Sichuan) [A-Z][a-z]+ .+ Co\., Ltd\.$/);
    for (const s of book.sellers) expect(s.customsCode).toMatch(/^\d{10}$/);
  });

  it('is deterministic for a seed', () => {
    expect(buildSellerBook(defaultMix(), '42', ids).sellers).toEqual(book.sellers);
    expect(buildSellerBook(defaultMix(), '43', ids).sellers).not.toEqual(book.sellers);
  });

  it('gives a few sellers most parcels (Zipf)', () => {
    const rng = new Random(4);
    const counts = new Array<number>(ids.length).fill(0);
    for (let i = 0; i < 50_000; i++) counts[book.choice.pick(rng)]!++;
    const sorted = [...counts].sort((a, b) => b - a);
    const top10 = sorted.slice(0, 10).reduce((a, b) => a + b, 0) / 50_000;
    expect(top10).toBeGreaterThan(0.25);
    expect(counts[0]).toBe(sorted[0]);
    expect(sorted[ids.length - 1]! / 50_000).toBeLessThan(0.002);
  });

  it('scales the default seller count with the square root of the parcels', () => {
    expect(defaultSellerCount(0)).toBe(5);
    expect(defaultSellerCount(20_000)).toBe(283);
    expect(defaultSellerCount(1_000_000)).toBe(2000);
  });
});
