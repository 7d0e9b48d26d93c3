/**
 * Issue 11 items 14–15, an API that never stalls: heavy requests run in worker threads and keep their
 * time limits, while `/health` answers fast on a real socket throughout.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from '../src/api/hub.ts';
import { buildServer } from '../src/api/index.ts';
import { answerQuote, QuoteResponseView } from '../src/api/quotes.routes.ts';
import { parcelsFromJson } from '../src/domain/index.ts';
import { fxConverter, readDutyRules, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { PlanRunner } from '../src/jobs/index.ts';
import { QuoteRequestSchema } from '../src/quote/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { TaskPool } from '../src/workers/index.ts';

/** Polls `/health` every 25 ms until stopped; the latencies seen, ms. */
function watchHealth(base: string): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      const res = await fetch(`${base}/health`);
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

const p99 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;

describe('an API that never stalls', () => {
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let key: string;
  const pool = new TaskPool({ size: 2 });
  // load plans' own pool (see ServerOptions.longPool), warmed like the other
  const longPool = new TaskPool({ size: 1 });
  beforeAll(async () => {
    store = await openStore('sqlite::memory:');
    key = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    const fxTables = readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url)));
    app = await buildServer({
      store,
      network: readNetworkFile(fileURLToPath(new URL('../data/network/chongqing.yaml', import.meta.url))),
      fx: fxConverter(fxTables),
      landed: {
        rules: readDutyRules(fileURLToPath(new URL('../data/duties', import.meta.url))),
        fx: fxTables,
      },
      pool,
      longPool,
      nowMs: () => Date.parse('2026-12-01T02:00:00Z'),
      rateLimits: { perKey: null, perAddress: null },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    pool.warm();
    longPool.warm();
    while (pool.stats.ready < pool.size || longPool.stats.ready < longPool.size)
      await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    await app.close();
    await pool.close();
    await longPool.close();
    await store.close();
  });

  it('answers a 5,000-box load plan within its 10 s limit while /health stays fast', async () => {
    const boxes = generateParcels({ count: 5600, seed: 4, from: '2026-12-01' })
      .parcels.filter((p) => p.grossWeightG < 60_000)
      .slice(0, 5000)
      .map((p, i) => ({
        id: `b${i}`,
        lengthMm: p.dimensions.lengthMm,
        widthMm: p.dimensions.widthMm,
        heightMm: p.dimensions.heightMm,
        weightG: p.grossWeightG,
      }));
    expect(boxes).toHaveLength(5000);
    const health = watchHealth(base);
    const started = performance.now();
    const res = await fetch(`${base}/v1/load-plans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ containerType: '45G1', boxes, options: { timeLimitMs: 10_000, multi: true } }),
    });
    const elapsed = performance.now() - started;
    const latencies = await health.stop();
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { containers: number; plans: { check: { valid: boolean } }[] };
    expect(answer.containers).toBeGreaterThanOrEqual(1);
    expect(answer.plans.every((p) => p.check.valid)).toBe(true);
    // the limit is honoured: 10 s of search, then the check and the answer, 1.1 s alone and up to 2.1 s
    // at load 12 on 2 cores (the issue measured 23 s)
    expect(elapsed).toBeLessThan(13_000);
    expect(latencies.length).toBeGreaterThan(50);
    // the event loop stayed free (before: /health waited as long as the load plan)
    expect(p99(latencies)).toBeLessThan(250);
  }, 60_000);

  const quote = (i: number) => ({
    readyAt: '2026-12-03T10:00:00+08:00',
    destination: { country: ['PL', 'DE', 'FR', 'ES', 'IT'][i % 5], postcode: '00-001' },
    currency: 'USD',
    incoterm: 'DDP',
    shipment: {
      kind: 'parcel',
      grossWeightG: 500 + (i % 20) * 100,
      dimensions: { lengthMm: 300, widthMm: 200, heightMm: 100 },
      dangerousGoods: [],
      items: [
        {
          description: 'Cotton T-shirt',
          hsCode: '610910',
          quantity: 2,
          unitValueMinor: 799,
          currency: 'USD',
          originCountry: 'CN',
        },
      ],
    },
  });
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers one quote in a worker: the bytes the serialiser writes of the answer made in this thread', async () => {
    const fxTables = readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url)));
    const hub = new Hub(
      readNetworkFile(fileURLToPath(new URL('../data/network/chongqing.yaml', import.meta.url))),
      fxConverter(fxTables),
      () => Date.parse('2026-12-01T02:00:00Z'),
      { rules: readDutyRules(fileURLToPath(new URL('../data/duties', import.meta.url))), fx: fxTables },
    );
    const serialise = serializerCompiler({ schema: QuoteResponseView, method: 'POST', url: '/v1/quotes' });
    for (const i of [0, 3, 11]) {
      const res = await post('/v1/quotes', quote(i));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await res.text()).toBe(serialise(answerQuote(hub, QuoteRequestSchema.parse(quote(i)))));
    }
  });

  it('answers a 1,000-quote batch in a worker, the same answers as one by one, while /health stays fast', async () => {
    const one = (await (await post('/v1/quotes', quote(7))).json()) as { ok: boolean };
    expect(one.ok).toBe(true);
    const health = watchHealth(base);
    const res = await post('/v1/quotes', { requests: Array.from({ length: 1000 }, (_, i) => quote(i)) });
    const text = await res.text();
    const latencies = await health.stop();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { results } = JSON.parse(text) as { results: unknown[] };
    expect(results).toHaveLength(1000);
    expect(results[7]).toEqual(one);
    expect(text.length).toBeGreaterThan(1_000_000);
    // before: the batch held the loop 1.8 s
    expect(p99(latencies)).toBeLessThan(250);
  }, 120_000);

  it('reads a stored plan and the parcel figures off the loop, the same figures as in this thread', async () => {
    const { sellers, parcels } = generateParcels({ count: 3000, seed: 8, from: '2026-12-01', days: 2 });
    for (const x of sellers) await store.sellers.upsert(x);
    await importParcels(store, parcelsFromJson(parcels, 'g'), {
      actor: { role: 'operator' },
      receivedAtMs: Date.now(),
    });
    const job = await store.plans.create({ from: '2026-12-01', days: 2, maxRounds: 5 });
    const network = readNetworkFile(
      fileURLToPath(new URL('../data/network/chongqing.yaml', import.meta.url)),
    );
    const fx = fxConverter(readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url))));
    await new PlanRunner(
      store,
      () => network,
      fx,
      () => Date.parse('2026-12-01T02:00:00Z'),
    ).drain();
    expect((await store.plans.get(job.id))?.status).toBe('done');
    const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const health = watchHealth(base);
    const [stats, plan, csv] = await Promise.all([
      get('/v1/stats/parcels?currency=EUR'),
      get(`/v1/plans/${job.id}`),
      get(`/v1/plans/${job.id}/parcels.csv`),
    ]);
    const latencies = await health.stop();
    expect(stats.status).toBe(200);
    const figures = (await stats.json()) as {
      totals: { parcels: number };
      byCorridor: { parcels: number }[];
      planId: string;
    };
    const planned = ((await plan.json()) as { result: { summary: { parcels: number }; held: number } })
      .result;
    expect(figures.planId).toBe(job.id);
    expect(figures.totals.parcels).toBe(3000);
    // every parcel on a departure counted once, on the corridor of its first ride (held ones on none)
    expect(figures.byCorridor.reduce((s, c) => s + c.parcels, 0)).toBe(
      planned.summary.parcels - planned.held,
    );
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).trim().split('\n').length).toBeGreaterThan(planned.summary.parcels);
    // small data here: this checks the figures of the worker path; the latency bound is the other tests'
    expect(p99(latencies)).toBeLessThan(1000);
  }, 180_000);
});
