import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARK_STALE_MS } from '../src/api/idempotency.ts';
import { buildServer } from '../src/api/index.ts';
import { type ParcelInput, parcelsFromJson } from '../src/domain/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { testConverter, tinyNetwork } from './fixtures/networks.ts';
import { parcelInput } from './fixtures/parcel-input.ts';

const parcel = (orderId: string, over: Partial<ParcelInput> = {}): ParcelInput => ({
  ...parcelInput(orderId),
  ...over,
});

describe('HTTP API', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let operator: string;
  let sellerA: string;
  let sellerB: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-api-'));
    store = await openStore(`sqlite:${join(dir, 'api.db')}`);
    await store.sellers.upsert({ id: 'seller-a', name: 'A Trading', country: 'CN' });
    await store.sellers.upsert({ id: 'seller-b', name: 'B Trading', country: 'CN' });
    operator = (await store.apiKeys.create({ role: 'operator', label: 'test' })).key;
    sellerA = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-a', label: 'test' })).key;
    sellerB = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-b', label: 'test' })).key;
    app = await buildServer({
      store,
      network: tinyNetwork(),
      fx: testConverter,
      nowMs: () => Date.parse('2026-12-01T00:00:00Z'),
    });
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  it('answers /health without a key', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', store: 'sqlite', network: { id: 'tiny', version: '1' } });
  });

  it('serves the OpenAPI document with the parcel routes', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/parcels', '/v1/parcels/{id}', '/v1/departures', '/v1/network']),
    );
  });

  it('refuses /v1 without a key or with a wrong one: 401 problem details', async () => {
    const none = await app.inject({ method: 'GET', url: '/v1/network' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    const wrong = await app.inject({ method: 'GET', url: '/v1/network', headers: auth('lb_nope') });
    expect(wrong.statusCode).toBe(401);
  });

  it('serves the network and dated departures in local time', async () => {
    const net = await app.inject({ method: 'GET', url: '/v1/network', headers: auth(sellerA) });
    expect(net.json().summary).toMatchObject({ corridors: ['cr-express'], lastMileCountries: ['PL'] });
    const deps = await app.inject({
      method: 'GET',
      url: '/v1/departures?from=2026-11-30&to=2026-12-07',
      headers: auth(sellerA),
    });
    expect(deps.statusCode).toBe(200);
    const list = deps.json().departures as { id: string; departAt: string; arriveAt: string }[];
    expect(list.map((d) => d.id)).toEqual(['train@2026-11-30T10:00', 'train@2026-12-03T10:00']);
    expect(list[0]!.departAt).toBe('2026-11-30T10:00:00+08:00');
    expect(list[0]!.arriveAt).toMatch(/\+01:00$/);
  });

  it('names a bad departures query', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/departures?from=2026-12-07&to=2026-11-30',
      headers: auth(sellerA),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().problems).toEqual([{ where: { field: 'to' }, why: 'must be after from' }]);
  });

  it('imports a batch for the calling seller and shows it only to that seller', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/parcels',
      headers: auth(sellerA),
      payload: { parcels: [parcel('A-1'), parcel('A-2', { dangerousGoods: ['UN3481'] })] },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { imported: number; parcels: { id: string; externalOrderId: string }[] };
    expect(body.imported).toBe(2);
    const id = body.parcels[0]!.id;

    const own = await app.inject({ method: 'GET', url: `/v1/parcels/${id}`, headers: auth(sellerA) });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      id,
      sellerId: 'seller-a',
      externalOrderId: 'A-1',
      status: 'announced',
    });

    const foreign = await app.inject({ method: 'GET', url: `/v1/parcels/${id}`, headers: auth(sellerB) });
    expect(foreign.statusCode).toBe(404);
    const listB = await app.inject({ method: 'GET', url: '/v1/parcels', headers: auth(sellerB) });
    expect(listB.json().items).toEqual([]);
    const asOperator = await app.inject({ method: 'GET', url: `/v1/parcels/${id}`, headers: auth(operator) });
    expect(asOperator.statusCode).toBe(200);
  });

  it('rejects a batch with bad parcels whole: 422 naming each row and field, nothing written', async () => {
    const before = await store.parcels.count({});
    const res = await app.inject({
      method: 'POST',
      url: '/v1/parcels',
      headers: auth(sellerA),
      payload: {
        parcels: [
          parcel('A-10'),
          parcel('A-11', { grossWeightG: 0 }),
          parcel('A-12', { items: [{ ...parcel('x').items[0]!, hsCode: '61' }] }),
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    const problems = res.json().problems as { where: { row: number; field: string } }[];
    expect(problems.map((p) => p.where)).toEqual([
      { row: 2, field: 'grossWeightG' },
      { row: 3, field: 'items.0.hsCode' },
    ]);
    expect(await store.parcels.count({})).toBe(before);
  });

  it('rejects an order id already imported, naming its row', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/parcels',
      headers: auth(sellerA),
      payload: { parcels: [parcel('A-20'), parcel('A-1')] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().problems).toEqual([
      { where: { row: 2, field: 'externalOrderId' }, why: 'order A-1 of seller-a was imported before' },
    ]);
  });

  it('lets the operator import for a named seller, and refuses a seller naming another', async () => {
    const op = await app.inject({
      method: 'POST',
      url: '/v1/parcels',
      headers: auth(operator),
      payload: { parcels: [{ ...parcel('B-1'), sellerId: 'seller-b' }] },
    });
    expect(op.statusCode).toBe(201);
    const sneaky = await app.inject({
      method: 'POST',
      url: '/v1/parcels',
      headers: auth(sellerA),
      payload: { parcels: [{ ...parcel('B-2'), sellerId: 'seller-b' }] },
    });
    expect(sneaky.statusCode).toBe(422);
    expect(sneaky.json().problems[0].where).toEqual({ row: 1, field: 'sellerId' });
  });

  it('replays the first answer for a retried Idempotency-Key and imports once', async () => {
    const request = {
      method: 'POST' as const,
      url: '/v1/parcels',
      headers: { ...auth(sellerA), 'idempotency-key': 'batch-42' },
      payload: { parcels: [parcel('A-30'), parcel('A-31')] },
    };
    const before = await store.parcels.count({ sellerId: 'seller-a' });
    const first = await app.inject(request);
    const second = await app.inject(request);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await store.parcels.count({ sellerId: 'seller-a' })).toBe(before + 2);

    const other = await app.inject({ ...request, payload: { parcels: [parcel('A-32')] } });
    expect(other.statusCode).toBe(422);
  });

  it('keeps the answer of an import with its parcels, in one transaction (no reply needed)', async () => {
    await importParcels(store, parcelsFromJson([parcel('A-40')], 'direct'), {
      actor: { role: 'seller', sellerId: 'seller-a' },
      receivedAtMs: Date.parse('2026-12-01T00:00:00Z'),
      answer: (result) => ({
        scope: 'seller-a',
        key: 'direct-1',
        requestHash: 'h',
        statusCode: 201,
        responseBody: JSON.stringify({ ids: result.parcelIds }),
      }),
    });
    const kept = await store.idempotency.get('seller-a', 'direct-1');
    expect(kept?.statusCode).toBe(201);
    const [id] = (JSON.parse(kept!.responseBody) as { ids: string[] }).ids;
    expect((await store.parcels.get(id!))?.externalOrderId).toBe('A-40');
  });

  it('takes over the key of a request whose process died mid-import (mark not renewed for 10 s)', async () => {
    const request = {
      method: 'POST' as const,
      url: '/v1/parcels',
      headers: { ...auth(sellerA), 'idempotency-key': 'batch-43' },
      payload: { parcels: [parcel('A-33')] },
    };
    expect((await app.inject(request)).statusCode).toBe(201);
    // as a process killed after marking the key and before committing leaves it: a mark, no parcel
    await store.db
      .updateTable('idempotency_keys')
      .set({ status_code: 0, response_body: '', created_at_ms: Date.now() - MARK_STALE_MS - 1_000 })
      .where('key', '=', 'batch-43')
      .execute();
    await store.db.deleteFrom('parcels').where('external_order_id', '=', 'A-33').execute();
    const retry = await app.inject(request);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await store.parcels.findExistingOrderIds('seller-a', ['A-33'])).toEqual(new Set(['A-33']));
    expect((await store.idempotency.get('seller-a', 'batch-43'))?.statusCode).toBe(201);
  });

  it('renews the mark of a request being answered, so only a dead one goes stale', async () => {
    expect(await store.idempotency.begin('seller-a', 'live-1', 'h', MARK_STALE_MS)).toBe(true);
    await store.db
      .updateTable('idempotency_keys')
      .set({ created_at_ms: Date.now() - MARK_STALE_MS - 1_000 })
      .where('key', '=', 'live-1')
      .execute();
    await store.idempotency.touch('seller-a', 'live-1', 'h');
    expect(await store.idempotency.begin('seller-a', 'live-1', 'h', MARK_STALE_MS)).toBe(false);
    await store.idempotency.abandon('seller-a', 'live-1');
  });

  it('pages through parcels with a cursor, each once', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const url: string = `/v1/parcels?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await app.inject({ method: 'GET', url, headers: auth(operator) });
      const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
      for (const p of page.items) {
        expect(seen.has(p.id)).toBe(false);
        seen.add(p.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(await store.parcels.count({}));
  });

  it('quotes a parcel to Poland over the train, with local times and a cost breakdown', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/quotes',
      headers: auth(sellerA),
      payload: {
        readyAt: '2026-12-02T08:00:00+08:00',
        destination: { country: 'PL', postcode: '00-001' },
        currency: 'PLN',
        shipment: {
          kind: 'parcel',
          grossWeightG: 2300,
          dimensions: { lengthMm: 400, widthMm: 300, heightMm: 200 },
          dangerousGoods: ['UN3481'],
        },
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.ok).toBe(true);
    const option = body.options[0];
    expect(option.labels).toEqual(['fastest', 'cheapest', 'greenest']);
    expect(option.legs[0]).toMatchObject({
      kind: 'ride',
      from: 'hub',
      departAt: '2026-12-03T10:00:00+08:00',
    });
    expect(option.cost.currency).toBe('PLN');
    expect(option.cost.components.map((c: { kind: string }) => c.kind)).toEqual(['line-haul', 'last-mile']);
    expect(option.cost.totalMinor).toBe(
      option.cost.components.reduce((n: number, c: { amountMinor: number }) => n + c.amountMinor, 0),
    );
  });

  it('answers a batch of quotes one result per request, with the reason when none fits', async () => {
    const one = {
      readyAt: '2026-12-03T08:00:00+08:00',
      destination: { country: 'PL' },
      shipment: {
        kind: 'parcel',
        grossWeightG: 1000,
        dimensions: { lengthMm: 100, widthMm: 100, heightMm: 100 },
      },
    };
    const res = await app.inject({
      method: 'POST',
      url: '/v1/quotes',
      headers: auth(sellerA),
      payload: { requests: [one, { ...one, destination: { country: 'JP' } }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json().results;
    expect(results[0].ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, code: 'no-zone' });
  });

  it('refuses a batch over 10,000 parcels', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => parcel(`M-${i}`));
    const res = await app.inject({
      method: 'POST',
      url: '/v1/parcels',
      headers: auth(operator),
      payload: { parcels: many },
    });
    expect(res.statusCode).toBe(422);
    expect(await store.parcels.count({ sellerId: 'seller-a' })).toBeLessThan(10_000);
  });
});
