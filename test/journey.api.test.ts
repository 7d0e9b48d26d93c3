import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { recordEvents } from '../src/journey/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { s10CheckDigit } from '../src/tracking/index.ts';
import { sampleParcel } from './fixtures/journey.ts';
import { testConverter, tinyNetwork } from './fixtures/networks.ts';

const NOW = Date.parse('2026-12-10T12:00:00Z');
// Thursday 2026-12-03 10:00 in Chongqing: a run of the tiny network's train.
const DEPARTURE = 'train@2026-12-03T10:00';

describe('journey routes: public tracking, a parcel’s journey, exceptions, calibration', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let operator: string;
  let sellerA: string;
  let sellerB: string;
  let a1: string;
  let a2: string;
  let b1: string;
  let number: string;
  const s10 = `RR12345678${s10CheckDigit('12345678')}CN`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-journey-api-'));
    store = await openStore(`sqlite:${join(dir, 'api.db')}`, { nowMs: () => NOW });
    await store.sellers.upsert({ id: 'seller-a', name: 'A', country: 'CN' });
    await store.sellers.upsert({ id: 'seller-b', name: 'B', country: 'CN' });
    operator = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    sellerA = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-a', label: 't' })).key;
    sellerB = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-b', label: 't' })).key;
    app = await buildServer({
      store,
      network: tinyNetwork(),
      fx: testConverter,
      nowMs: () => NOW,
      trackRateLimit: { limit: 7, windowMs: 60_000 },
    });
    const post = async (key: string, orders: object[]) =>
      (
        await app.inject({
          method: 'POST',
          url: '/v1/parcels',
          headers: auth(key),
          payload: { parcels: orders },
        })
      )
        .json()
        .parcels.map((p: { id: string }) => p.id) as string[];
    [a1, a2] = (await post(sellerA, [sampleParcel('A1'), sampleParcel('A2', 1000)])) as [string, string];
    [b1] = (await post(sellerB, [sampleParcel('B1')])) as [string];
    const ev = (e: object[]) =>
      recordEvents(store, e, {
        hubId: 'hub',
        network: tinyNetwork(),
        actor: { role: 'operator' },
        nowMs: NOW,
      });
    await ev([
      {
        eventId: 'r1',
        code: 'HUB_RECEIVED',
        parcelId: a1,
        eventTime: '2026-12-02T10:00:00+08:00',
        place: 'hub',
        measured: { weightG: 410 },
      },
      {
        eventId: 'r2',
        code: 'HUB_RECEIVED',
        parcelId: a2,
        eventTime: '2026-12-02T10:00:00+08:00',
        place: 'hub',
        measured: { weightG: 1400 },
      },
      {
        eventId: 'r3',
        code: 'HUB_RECEIVED',
        parcelId: b1,
        eventTime: '2026-12-02T10:00:00+08:00',
        place: 'hub',
      },
      {
        eventId: 'c1',
        code: 'CONSOLIDATED',
        parcelId: a1,
        containerId: 'C1',
        eventTime: '2026-12-02T11:00:00+08:00',
        place: 'hub',
      },
      {
        eventId: 'h1',
        code: 'EXPORT_CUSTOMS_HOLD',
        parcelId: b1,
        eventTime: '2026-12-02T12:00:00+08:00',
        place: 'hub',
        reason: { code: 'inspection' },
      },
      {
        eventId: 'g1',
        code: 'GATED_IN',
        containerId: 'C1',
        eventTime: '2026-12-02T15:00:00+08:00',
        place: 'hub',
      },
      {
        eventId: 'l1',
        code: 'LOADED',
        containerId: 'C1',
        departureId: DEPARTURE,
        eventTime: '2026-12-03T09:00:00+08:00',
        place: 'hub',
      },
      {
        eventId: 'd1',
        code: 'DEPARTED',
        containerId: 'C1',
        departureId: DEPARTURE,
        eventTime: '2026-12-03T13:10:00+08:00',
        place: 'hub',
      },
      {
        eventId: 'x1',
        code: 'BORDER_CROSSED',
        containerId: 'C1',
        eventTime: '2026-12-06T08:00:00+06:00',
        place: 'border',
      },
      {
        eventId: 'a1',
        code: 'ARRIVED',
        containerId: 'C1',
        eventTime: '2026-12-09T08:00:00+01:00',
        place: 'waw',
      },
      {
        eventId: 'u1',
        code: 'DECONSOLIDATED',
        containerId: 'C1',
        eventTime: '2026-12-09T12:00:00+01:00',
        place: 'waw',
      },
      {
        eventId: 'm1',
        code: 'HANDED_TO_LAST_MILE',
        parcelId: a1,
        eventTime: '2026-12-09T18:00:00+01:00',
        place: 'waw',
        carrier: 'Poczta Polska',
        lastMileNumber: s10,
      },
    ]);
    number = (await store.journeys.get('hub', a1))!.tracking_number;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const get = (url: string, key?: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { ...(key ? auth(key) : {}), ...headers } });

  it('tracks by the hub number without a key: milestones newest first at city level, labels by language', async () => {
    const res = await get(`/v1/track/${number}`, undefined, { 'accept-language': 'de-DE,de;q=0.9' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      number,
      kind: 'hub',
      status: 'handed_over',
      language: 'de',
      destinationCountry: 'PL',
    });
    expect(body.milestones.map((m: { code: string }) => m.code)).toEqual([
      'HANDED_TO_LAST_MILE',
      'DECONSOLIDATED',
      'ARRIVED',
      'BORDER_CROSSED',
      'DEPARTED',
      'LOADED',
      'GATED_IN',
      'CONSOLIDATED',
      'HUB_RECEIVED',
    ]);
    expect(body.milestones.at(-1).at).toBe('2026-12-02T10:00:00+08:00');
    expect(body.lastMile).toEqual({ carrier: 'Poczta Polska', number: s10 });
    const zh = (await get(`/v1/track/${number}?lang=zh-CN`)).json();
    expect(zh.language).toBe('zh-CN');
    expect(zh.milestones[0].label).not.toBe(body.milestones[0].label);
  });

  it('never shows the consignee: no name, address, postcode or phone anywhere in the JSON', async () => {
    const text = (await get(`/v1/track/${number}`)).body;
    for (const secret of ['Kowalski', 'Jan', 'Długa', '31-001', '345 67', '+48', 'Kraków', 'seller-a', 'A1'])
      expect(text).not.toContain(secret);
  });

  it('tracks by the last mile’s S10 number, and refuses a bad check digit (422 naming number) or an unknown one (404)', async () => {
    const bySn = await get(`/v1/track/${s10}`);
    expect(bySn.statusCode).toBe(200);
    expect(bySn.json()).toMatchObject({ kind: 's10', number: s10, status: 'handed_over' });
    const badDigit = `RR12345678${(s10CheckDigit('12345678') + 1) % 10}CN`;
    const bad = await get(`/v1/track/${badDigit}`);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().problems[0].where.field).toBe('number');
    const badHub = await get(`/v1/track/${number.slice(0, 12)}${(Number(number.at(-1)) + 1) % 10}`);
    expect(badHub.statusCode).toBe(422);
    const unknown = await get(`/v1/track/RR87654321${s10CheckDigit('87654321')}CN`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 429 with a problem and Retry-After past the per-client budget', async () => {
    // Seven per minute in this server, and the tests above used them up from the same client.
    const res = await get(`/v1/track/${number}`);
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.json()).toMatchObject({ status: 429, code: 'rate-limited' });
    const other = await app.inject({ method: 'GET', url: `/v1/track/${number}`, remoteAddress: '10.9.8.7' });
    expect(other.statusCode).toBe(200);
  });

  it('shows a seller its parcel’s journey with the container’s events inherited, and hides others’ (404)', async () => {
    const res = await get(`/v1/parcels/${a1}/journey`, sellerA);
    expect(res.statusCode).toBe(200);
    const j = res.json();
    expect(j).toMatchObject({ parcelId: a1, status: 'handed_over', trackingNumber: number });
    expect(j.reweigh).toMatchObject({
      declaredWeightG: 400,
      measuredWeightG: 410,
      deltaG: 10,
      flagged: false,
    });
    const departed = j.events.find((e: { code: string }) => e.code === 'DEPARTED');
    expect(departed).toMatchObject({ viaContainer: 'C1', departureId: DEPARTURE, statusAfter: 'departed' });
    expect(j.events.map((e: { code: string }) => e.code)[0]).toBe('HUB_RECEIVED');
    expect(j.milestones.departedAt).toBe('2026-12-03T05:10:00.000Z');
    expect((await get(`/v1/parcels/${b1}/journey`, sellerA)).statusCode).toBe(404);
    expect((await get(`/v1/parcels/${b1}/journey`, operator)).json()).toMatchObject({
      status: 'held',
      hold: { kind: 'export', reason: 'inspection' },
    });
    expect((await get(`/v1/parcels/${a1}/journey`)).statusCode).toBe(401);
  });

  it('lists the operator’s exceptions: customs holds, re-weigh differences, late departures; a seller gets 403', async () => {
    const res = await get('/v1/hub/exceptions', operator);
    expect(res.statusCode).toBe(200);
    const q = res.json();
    expect(q.counts).toMatchObject({
      'customs-hold': 1,
      reweigh: 1,
      'late-departure': 1,
      'delivery-failed': 0,
    });
    expect(q.items.find((i: { kind: string }) => i.kind === 'reweigh')).toMatchObject({
      parcelId: a2,
      detail: 'measured 1400 g, +400 g against the declared weight',
    });
    expect(q.items.find((i: { kind: string }) => i.kind === 'late-departure')).toMatchObject({
      departureId: DEPARTURE,
      detail: 'left 3.2 h late',
    });
    const holds = (await get('/v1/hub/exceptions?kind=customs-hold', operator)).json();
    expect(holds.items).toHaveLength(1);
    expect(holds.items[0]).toMatchObject({ parcelId: b1, detail: 'held by export customs: inspection' });
    expect((await get('/v1/hub/exceptions', sellerB)).statusCode).toBe(403);
  });

  it('reports ETA calibration to the operator only', async () => {
    const res = await get('/v1/hub/eta/calibration', operator);
    expect(res.statusCode).toBe(200);
    expect(res.json().overall).toMatchObject({ nominal: 0.8, delivered: 0, coverage: null });
    expect((await get('/v1/hub/eta/calibration', sellerA)).statusCode).toBe(403);
  });

  it('documents every route with its success and problem responses', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    // the shared problem responses (400, 422, 429, 503 everywhere) come on top: src/api/openapi.ts
    const codes = (path: string) =>
      Object.keys(doc.paths[path].get.responses).filter(
        (c) => !['400', '422', '429', '503'].includes(c) || path.includes('track'),
      );
    expect(codes('/v1/track/{number}')).toEqual(expect.arrayContaining(['200', '404', '422', '429']));
    expect(codes('/v1/track/{number}')).not.toContain('401');
    expect(doc.paths['/v1/track/{number}'].get.security).toBeUndefined();
    expect(codes('/v1/parcels/{id}/journey').sort()).toEqual(['200', '401', '403', '404']);
    expect(codes('/v1/hub/exceptions').sort()).toEqual(['200', '401', '403']);
    expect(codes('/v1/hub/eta/calibration').sort()).toEqual(['200', '401', '403']);
  });
});
