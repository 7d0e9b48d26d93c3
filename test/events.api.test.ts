import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { testConverter, tinyNetwork } from './fixtures/networks.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');

const parcel = (orderId: string) => ({
  externalOrderId: orderId,
  items: [
    {
      description: 'Mug',
      hsCode: '691200',
      quantity: 1,
      unitValueMinor: 500,
      currency: 'USD',
      originCountry: 'CN',
    },
  ],
  grossWeightG: 400,
  dimensions: { lengthMm: 150, widthMm: 150, heightMm: 150 },
  consignee: {
    name: 'Jan Kowalski',
    address: 'ul. Długa 5',
    city: 'Kraków',
    postcode: '31-001',
    country: 'PL',
    phone: '+48 12 345 67 89',
  },
  promisedDeliveryDate: '2026-12-28',
  incoterm: 'DAP',
  serviceLevel: 'economy',
});

describe('POST /v1/events', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let operator: string;
  let sellerA: string;
  let sellerB: string;
  let a1: string;
  let b1: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-events-api-'));
    store = await openStore(`sqlite:${join(dir, 'api.db')}`, { nowMs: () => NOW });
    await store.sellers.upsert({ id: 'seller-a', name: 'A', country: 'CN' });
    await store.sellers.upsert({ id: 'seller-b', name: 'B', country: 'CN' });
    operator = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    sellerA = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-a', label: 't' })).key;
    sellerB = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-b', label: 't' })).key;
    app = await buildServer({ store, network: tinyNetwork(), fx: testConverter, nowMs: () => NOW });
    const post = async (key: string, order: string) =>
      (
        await app.inject({
          method: 'POST',
          url: '/v1/parcels',
          headers: auth(key),
          payload: { parcels: [parcel(order)] },
        })
      ).json().parcels[0].id as string;
    a1 = await post(sellerA, 'A1');
    b1 = await post(sellerB, 'B1');
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const events = (key: string | undefined, list: object[]) =>
    app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: key ? auth(key) : {},
      payload: { events: list },
    });

  it('needs a key', async () => {
    const res = await events(undefined, [
      { eventId: 'x', code: 'HUB_RECEIVED', parcelId: a1, eventTime: '2026-12-03T10:00:00+08:00' },
    ]);
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('lets the operator record hub events (201, with counts)', async () => {
    const res = await events(operator, [
      {
        eventId: 'r1',
        code: 'HUB_RECEIVED',
        parcelId: a1,
        eventTime: '2026-12-03T10:00:00+08:00',
        place: 'hub',
        measured: { weightG: 410 },
      },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ recorded: 1, duplicates: 0, parcelsChanged: 1, webhooksQueued: 0 });
    const again = await events(operator, [
      {
        eventId: 'r1',
        code: 'HUB_RECEIVED',
        parcelId: a1,
        eventTime: '2026-12-03T10:00:00+08:00',
        place: 'hub',
        measured: { weightG: 410 },
      },
    ]);
    expect(again.json()).toMatchObject({ recorded: 0, duplicates: 1 });
  });

  it('refuses hub events from a seller key (403) and another seller’s parcel (422), allows its own first-mile events', async () => {
    const hub = await events(sellerA, [
      { eventId: 's1', code: 'DEPARTED', parcelId: a1, eventTime: '2026-12-03T10:00:00+08:00' },
    ]);
    expect(hub.statusCode).toBe(403);
    expect(hub.json().problems[0]).toMatchObject({ where: { row: 1, field: 'code' } });
    const foreign = await events(sellerA, [
      { eventId: 's2', code: 'ACCEPTED', parcelId: b1, eventTime: '2026-12-03T10:00:00+08:00' },
    ]);
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().problems[0]).toMatchObject({
      where: { row: 1, field: 'parcelId' },
      why: `no parcel ${b1}`,
    });
    const own = await events(sellerB, [
      {
        eventId: 's3',
        code: 'ACCEPTED',
        parcelId: b1,
        eventTime: '2026-12-03T10:00:00+08:00',
        place: 'CNCKG',
      },
    ]);
    expect(own.statusCode).toBe(201);
  });

  it('answers a bad batch with 422 naming each row and field; nothing is written', async () => {
    const res = await events(operator, [
      {
        eventId: 'b1',
        code: 'CONSOLIDATED',
        parcelId: a1,
        containerId: 'C1',
        eventTime: '2026-12-03T11:00:00+08:00',
        place: 'hub',
      },
      { eventId: 'b2', code: 'NOT_A_CODE', parcelId: a1, eventTime: '2026-12-03T11:00:00+08:00' },
      { eventId: 'b3', code: 'HUB_RECEIVED', parcelId: a1, eventTime: 'yesterday' },
    ]);
    expect(res.statusCode).toBe(422);
    const fields = res
      .json()
      .problems.map((p: { where: { row: number; field: string } }) => `${p.where.row}:${p.where.field}`);
    expect(fields).toEqual(expect.arrayContaining(['2:code', '3:eventTime']));
    expect((await store.parcels.get(a1))!.status).toBe('received');
  });

  it('is documented in OpenAPI with its success and problem responses', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const op = doc.paths['/v1/events'].post;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '401', '403', '413', '422']));
    expect(
      op.requestBody.content['application/json'].schema.properties.events.items.properties.code.enum,
    ).toContain('BORDER_CROSSED');
  });
});
