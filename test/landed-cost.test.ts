import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { fxConverter, readDutyRules, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

const data = (path: string) => fileURLToPath(new URL(`../data/${path}`, import.meta.url));

describe('landed cost over HTTP, and in quotes', () => {
  let store: Store;
  let app: FastifyInstance;
  let key: string;
  beforeAll(async () => {
    store = await openStore('sqlite::memory:');
    key = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    const fxTables = readFxFile(data('fx/rates.yaml'));
    app = await buildServer({
      store,
      network: readNetworkFile(data('network/chongqing.yaml')),
      fx: fxConverter(fxTables),
      landed: { rules: readDutyRules(data('duties')), fx: fxTables },
      nowMs: () => Date.parse('2026-12-01T00:00:00Z'),
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });
  const post = (url: string, payload: unknown) =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${key}` },
      payload: payload as object,
    });
  const tee = {
    description: 'T-shirt',
    hsCode: '610910',
    quantity: 2,
    unitValueMinor: 799,
    currency: 'USD',
    originCountry: 'CN',
  };

  it('answers the EU flat duty per subheading since 2026-07-01, with the rule set and its sources', async () => {
    const res = await post('/v1/landed-cost', {
      destination: 'DE',
      date: '2026-11-24',
      items: [tee],
      incoterm: 'DDP',
      grossWeightG: 400,
    });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.ruleSet.id).toBe('eu-2026-07-01');
    expect(r.ruleSet.sources.length).toBeGreaterThan(0);
    expect(r.totals.duty.minor).toBe(300);
    const before = (
      await post('/v1/landed-cost', {
        destination: 'DE',
        date: '2026-06-30',
        items: [tee],
        incoterm: 'DDP',
        grossWeightG: 400,
      })
    ).json();
    expect(before.ruleSet.id).not.toBe('eu-2026-07-01');
    expect(before.totals.duty.minor).toBe(0);
  });

  it('names an unknown destination or HS code instead of guessing', async () => {
    const dest = await post('/v1/landed-cost', { destination: 'XX', date: '2026-11-24', items: [tee] });
    expect(dest.statusCode).toBe(422);
    expect(dest.json().problems[0]).toMatchObject({
      where: { field: 'destination' },
      why: expect.stringContaining('XX'),
    });
    const hs = await post('/v1/landed-cost', {
      destination: 'US',
      date: '2026-11-24',
      items: [{ ...tee, hsCode: '999999' }],
    });
    expect(hs.statusCode).toBe(422);
    expect(hs.json().detail).toContain('999999');
  });

  it('includes import charges in a DDP parcel quote, as a cost component', async () => {
    const res = await post('/v1/quotes', {
      readyAt: '2026-12-03T10:00:00+08:00',
      destination: { country: 'PL', postcode: '00-001' },
      currency: 'USD',
      incoterm: 'DDP',
      shipment: {
        kind: 'parcel',
        grossWeightG: 2300,
        dimensions: { lengthMm: 400, widthMm: 300, heightMm: 200 },
        dangerousGoods: ['UN3481'],
        items: [
          {
            description: 'Phone',
            hsCode: '851713',
            quantity: 1,
            unitValueMinor: 8900,
            currency: 'USD',
            originCountry: 'CN',
          },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const options = res.json().options as {
      modes: string[];
      landedCost: { ok: boolean; sellerMinor: number };
      cost: { components: { kind: string; amountMinor: number }[]; totalMinor: number };
    }[];
    expect(options.some((o) => o.modes.includes('rail'))).toBe(true);
    expect(options.some((o) => o.modes.includes('air'))).toBe(true);
    for (const o of options) {
      expect(o.landedCost.ok).toBe(true);
      const lc = o.cost.components.find((c) => c.kind === 'landed-cost');
      expect(lc?.amountMinor).toBe(o.landedCost.sellerMinor);
      expect(o.cost.totalMinor).toBe(o.cost.components.reduce((n, c) => n + c.amountMinor, 0));
    }
  });
});
