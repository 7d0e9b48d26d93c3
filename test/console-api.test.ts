import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { parcelsFromJson } from '../src/domain/index.ts';
import { fxConverter, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { PlanRunner } from '../src/jobs/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

const network = readNetworkFile(new URL('../data/network/chongqing.yaml', import.meta.url).pathname);
const fx = fxConverter(readFxFile(new URL('../data/fx/rates.yaml', import.meta.url).pathname));
const NOW = Date.parse('2026-12-01T02:00:00Z');

/** What the console reads from the API: a plan's held parcels by reason, a container in one answer, parcel lists. */
describe('console API', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let operator: string;
  let seller: { id: string; key: string };
  let planId: string;

  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const get = async (url: string, key: string) => {
    const res = await app.inject({ method: 'GET', url, headers: auth(key) });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-console-api-'));
    store = await openStore(`sqlite:${join(dir, 'console.db')}`);
    const { sellers, parcels } = generateParcels({ count: 800, seed: 11, from: '2026-12-01', days: 2 });
    for (const s of sellers) await store.sellers.upsert(s);
    await importParcels(store, parcelsFromJson(parcels, 'generated'), {
      actor: { role: 'operator' },
      receivedAtMs: NOW,
    });
    operator = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    const sellerId = sellers[0]!.id;
    seller = {
      id: sellerId,
      key: (await store.apiKeys.create({ role: 'seller', sellerId, label: 't' })).key,
    };
    app = await buildServer({ store, network, fx, nowMs: () => NOW });
    const post = await app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: auth(operator),
      payload: { from: '2026-12-01', days: 2, maxRounds: 5 },
    });
    planId = post.json().id;
    await new PlanRunner(
      store,
      () => network,
      fx,
      () => NOW,
    ).drain();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a plan with planned, held by reason and containers that add up', async () => {
    const { status, body } = await get(`/v1/plans/${planId}`, operator);
    expect(status).toBe(200);
    const s = body.result.summary;
    expect(s.planned + s.held).toBe(s.parcels);
    expect(body.result.held).toBe(s.held);
    const byReason = body.result.heldByReason as { reason: string; parcels: number }[];
    expect(byReason.reduce((n, h) => n + h.parcels, 0)).toBe(s.held);
    const containers = (body.result.departures as { containers: unknown[] }[]).reduce(
      (n, d) => n + d.containers.length,
      0,
    );
    expect(containers).toBe(s.containers);
  });

  it("serves one container's parcels, sizes and weights in one answer; a seller gets its own only", async () => {
    const plan = (await get(`/v1/plans/${planId}`, operator)).body;
    const container = (
      plan.result.departures as { containers: { id: string; parcels: number; weightG: number }[] }[]
    )
      .flatMap((d) => d.containers)
      .sort((a, b) => b.parcels - a.parcels)[0]!;
    const url = `/v1/plans/${planId}/containers/${encodeURIComponent(container.id)}`;
    const { status, body } = await get(url, operator);
    expect(status).toBe(200);
    expect(body.container.id).toBe(container.id);
    expect(body.parcels).toHaveLength(container.parcels);
    expect(body.parcels.reduce((n: number, p: { grossWeightG: number }) => n + p.grossWeightG, 0)).toBe(
      container.weightG,
    );
    for (const p of body.parcels) expect(p.lengthMm * p.widthMm * p.heightMm).toBeGreaterThan(0);

    // Plans are the hub's; a seller sees its own parcels in the container and no one else's.
    const own = await get(url, seller.key);
    expect(own.status).toBe(200);
    const mine = body.parcels.filter((p: { sellerId: string }) => p.sellerId === seller.id);
    expect(own.body.parcels.map((p: { id: string }) => p.id).sort()).toEqual(
      mine.map((p: { id: string }) => p.id).sort(),
    );
    const missing = await get(`/v1/plans/${planId}/containers/${encodeURIComponent('nope#1')}`, operator);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain('nope#1');
  });

  it('lists parcels newest first by default, oldest first when asked, with the total and by order number', async () => {
    const newest = (await get('/v1/parcels?limit=20&total=true', operator)).body;
    expect(newest.total).toBe(800);
    const created = newest.items.map((p: { createdAt: string }) => Date.parse(p.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    const oldest = (await get('/v1/parcels?limit=20&order=oldest', operator)).body;
    expect(oldest.total).toBeUndefined();
    const ascending = oldest.items.map((p: { createdAt: string }) => Date.parse(p.createdAt));
    expect([...ascending].sort((a, b) => a - b)).toEqual(ascending);

    // Paging newest first reaches every parcel once.
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await get(`/v1/parcels?limit=300${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, operator)
      ).body;
      for (const p of page.items) {
        expect(seen.has(p.id)).toBe(false);
        seen.add(p.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(800);

    const one = newest.items[5] as { externalOrderId: string; id: string; sellerId: string };
    const found = (
      await get(`/v1/parcels?externalOrderId=${encodeURIComponent(one.externalOrderId)}&total=true`, operator)
    ).body;
    expect(found.total).toBeGreaterThanOrEqual(1);
    expect(found.items.map((p: { id: string }) => p.id)).toContain(one.id);
    const theirs = (
      await get(
        `/v1/parcels?externalOrderId=${encodeURIComponent(one.externalOrderId)}&total=true`,
        seller.key,
      )
    ).body;
    expect(theirs.items.every((p: { sellerId: string }) => p.sellerId === seller.id)).toBe(true);
  });
});
