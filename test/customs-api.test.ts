import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { FX_FILE } from '../src/cli/context.ts';
import { CustomsService } from '../src/eport/service.ts';
import { TestCustomsResponder } from '../src/eport/test-responder.ts';
import { fxConverter, readFxFile } from '../src/files/index.ts';
import { CustomsExchangeJob } from '../src/jobs/index.ts';
import { codes, network } from './fixtures/customs.ts';
import { type CustomsHub, customsHub, HUB } from './fixtures/customs-hub.ts';

const DEP = 'cre-duisburg-ala@2026-12-03T09:00';
const enc = encodeURIComponent(DEP);

describe('customs routes (/v1/customs)', () => {
  let hub: CustomsHub;
  let app: FastifyInstance;
  let operator: string;
  let seller: string;
  let sellerId: string;
  let own: string;
  let other: string;

  beforeAll(async () => {
    hub = await customsHub(12);
    const fx = fxConverter(readFxFile(FX_FILE));
    const service = new CustomsService({
      store: hub.store,
      network: () => network,
      codes,
      signer: hub.filing.signer,
      folders: hub.filing.folders,
      fx,
      euMembers: new Set(['DE', 'FR', 'PL', 'NL', 'IT', 'ES', 'BE', 'CZ', 'HU']),
      vagueTerms: ['gift', 'parts'],
      nowMs: () => hub.clock.ms,
    });
    const job = new CustomsExchangeJob({
      store: hub.store,
      hubId: HUB,
      folders: hub.filing.folders,
      nowMs: () => hub.clock.ms,
      testResponder: new TestCustomsResponder(hub.filing.folders, {}, () => hub.clock.ms),
    });
    app = await buildServer({
      store: hub.store,
      network,
      fx,
      customs: service,
      customsJob: job,
      nowMs: () => hub.clock.ms,
    });
    operator = (await hub.store.apiKeys.create({ role: 'operator', label: 't' })).key;
    const parcels = await hub.store.customs.getParcels(hub.parcelIds);
    own = parcels[0]!.id;
    sellerId = parcels[0]!.sellerId;
    other = parcels.find((p) => p.sellerId !== sellerId)!.id;
    seller = (await hub.store.apiKeys.create({ role: 'seller', sellerId, label: 't' })).key;
  });
  afterAll(async () => {
    await app.close();
    await hub.store.close();
  });

  const call = (key: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('files a departure, runs the exchange, answers the queue, documents, statistics (operator)', async () => {
    const m = await call(operator, 'GET', `/v1/customs/departures/${enc}/matching`);
    expect(m.statusCode).toBe(200);
    expect(m.json()).toMatchObject({ parcels: 12, matched: 12, mismatched: 0 });
    const f = await call(operator, 'POST', `/v1/customs/departures/${enc}/filings`, {});
    expect(f.statusCode).toBe(201);
    expect(f.json().sent).toBe(12);
    const x = await call(operator, 'POST', '/v1/customs/exchange/run');
    expect(x.statusCode).toBe(200);
    expect(x.json().changes.filter((c: { status: string }) => c.status === 'released')).toHaveLength(12);
    const q = await call(operator, 'GET', '/v1/customs/declarations?status=released&limit=5');
    expect(q.json().items).toHaveLength(5);
    expect(q.json().counts).toEqual({ released: 12 });
    expect(q.json().next).toBeTruthy();
    const doc = await call(operator, 'GET', `/v1/customs/parcels/${own}/documents/list`);
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-type']).toMatch(/application\/xml/);
    expect(doc.body).toContain('<ceb:Inventory xmlns:ceb="http://www.chinaport.gov.cn/ceb">');
    const stats = await call(operator, 'GET', '/v1/customs/statistics?currency=USD');
    expect(stats.statusCode).toBe(200);
    expect(stats.json().parcels).toBe(12);
    expect(stats.json().by.corridor[0].key).toBe('cr-express');
    const csv = await call(operator, 'GET', `/v1/customs/departures/${enc}/rail-notes?format=csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toMatch(/^note_number,container/);
  });

  it("a seller reads its own declarations and documents, never another seller's", async () => {
    const q = await call(seller, 'GET', '/v1/customs/declarations');
    expect(q.statusCode).toBe(200);
    expect(q.json().items.every((d: { sellerId: string }) => d.sellerId === sellerId)).toBe(true);
    expect((await call(seller, 'GET', `/v1/customs/parcels/${own}`)).statusCode).toBe(200);
    expect((await call(seller, 'GET', `/v1/customs/parcels/${other}`)).statusCode).toBe(404);
    expect((await call(seller, 'GET', `/v1/customs/parcels/${other}/documents/order`)).statusCode).toBe(404);
    const dd = await call(seller, 'GET', `/v1/customs/departures/${enc}/destination-data`);
    expect(dd.statusCode).toBe(200);
    const ids = dd.json().parcels.map((p: { parcelId: string }) => p.parcelId);
    expect(ids).toContain(own);
    expect(ids).not.toContain(other);
  });

  it('bad input gets a problem naming the field, and nothing is written', async () => {
    const r = await call(operator, 'POST', '/v1/customs/references', {
      references: [
        { parcelId: own, orderNo: 'X1' },
        { parcelId: 'no-such-parcel', payNo: 'P' },
      ],
    });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.json().problems).toEqual([
      { where: { row: 2, field: 'parcelId' }, why: 'no parcel no-such-parcel' },
    ]);
    expect((await hub.store.customs.getReferences(HUB, [own])).size).toBe(0);
    const s = await call(operator, 'POST', '/v1/customs/summaries', { month: '2026-13' });
    expect(s.statusCode).toBe(422);
    const p = await call(operator, 'PUT', '/v1/customs/profile', { customsCode: '80' });
    expect(p.statusCode).toBe(422);
  });

  // Every route, both roles: what the operator gets, what a seller gets.
  const table: [string, 'GET' | 'POST' | 'PUT', () => string, () => unknown, number, number][] = [
    ['hub profile', 'GET', () => '/v1/customs/profile', () => undefined, 200, 403],
    ['set hub profile', 'PUT', () => '/v1/customs/profile', () => profileBody, 200, 403],
    ['seller profile', 'GET', () => `/v1/customs/sellers/${sellerId}/profile`, () => undefined, 200, 200],
    [
      'set seller profile',
      'PUT',
      () => `/v1/customs/sellers/${sellerId}/profile`,
      () => sellerBody,
      200,
      403,
    ],
    [
      'references',
      'POST',
      () => '/v1/customs/references',
      () => ({ references: [{ parcelId: own, payNo: 'PAY1' }] }),
      200,
      403,
    ],
    [
      'conveyance',
      'PUT',
      () => `/v1/customs/departures/${enc}/conveyance`,
      () => ({ trafName: 'X8013' }),
      200,
      403,
    ],
    ['matching', 'GET', () => `/v1/customs/departures/${enc}/matching`, () => undefined, 200, 403],
    ['filings', 'POST', () => `/v1/customs/departures/${enc}/filings`, () => ({}), 201, 403],
    [
      'departure report',
      'POST',
      () => `/v1/customs/departures/${enc}/departure-report`,
      () => undefined,
      201,
      403,
    ],
    ['departure', 'GET', () => `/v1/customs/departures/${enc}`, () => undefined, 200, 403],
    [
      'destination data',
      'GET',
      () => `/v1/customs/departures/${enc}/destination-data?format=csv&dataset=ics2`,
      () => undefined,
      200,
      200,
    ],
    ['rail notes', 'GET', () => `/v1/customs/departures/${enc}/rail-notes`, () => undefined, 200, 403],
    ['queue', 'GET', () => '/v1/customs/declarations', () => undefined, 200, 200],
    ['parcel', 'GET', () => `/v1/customs/parcels/${own}`, () => undefined, 200, 200],
    [
      'parcel document',
      'GET',
      () => `/v1/customs/parcels/${own}/documents/waybill`,
      () => undefined,
      200,
      200,
    ],
    ['messages', 'GET', () => `/v1/customs/messages?departureId=${enc}`, () => undefined, 200, 403],
    ['message', 'GET', () => `/v1/customs/messages/${messageId}`, () => undefined, 200, 403],
    ['exchange run', 'POST', () => '/v1/customs/exchange/run', () => undefined, 200, 403],
    ['receipts', 'GET', () => '/v1/customs/receipts', () => undefined, 200, 403],
    [
      'summaries',
      'POST',
      () => '/v1/customs/summaries',
      () => ({ month: '2026-12', dryRun: true }),
      200,
      403,
    ],
    ['summary list', 'GET', () => '/v1/customs/summaries', () => undefined, 200, 403],
    ['statistics', 'GET', () => '/v1/customs/statistics', () => undefined, 200, 403],
    [
      'cancel',
      'POST',
      () => `/v1/customs/parcels/${own}/cancel`,
      () => ({ reason: 'order cancelled by the buyer' }),
      201,
      403,
    ],
  ];
  let messageId = '';
  const profileBody = {
    customsCode: '8013',
    agentCode: '5001980AG1',
    agentName: 'Broker',
    logisticsCode: '5001980LG2',
    logisticsName: 'Logistics',
    operatorCode: '5001980OP3',
    operatorName: 'Site',
    declAgentCode: '5001980AG1',
    declAgentName: 'Broker',
    dxpId: 'DXPENT0000XY0001',
    waybillPrefix: 'LBX',
  };
  const sellerBody = {
    ebcCode: '5001000123',
    ebcName: 'Seller',
    ownerCode: '5001000123',
    ownerName: 'Seller',
    ebpCode: '3301960XK1',
    ebpName: 'Platform',
    payCode: '3101960PY9',
    payName: 'Pay',
    address: { street: '1 Road', city: 'Chongqing', postcode: '401332', country: 'CN' },
  };

  it.each(table)(
    '%s: operator and seller',
    async (_name, method, url, body, operatorStatus, sellerStatus) => {
      if (!messageId) messageId = (await call(operator, 'GET', '/v1/customs/messages')).json().messages[0].id;
      const s = await call(seller, method, url(), body());
      expect(s.statusCode, s.body).toBe(sellerStatus);
      if (sellerStatus === 403) expect(s.json()).toMatchObject({ status: 403, code: 'forbidden' });
      const o = await call(operator, method, url(), body());
      expect(o.statusCode, o.body).toBe(operatorStatus);
    },
  );

  it('every customs route is in the OpenAPI document with its success and problem responses', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const paths = Object.entries(
      doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>,
    ).filter(([p]) => p.startsWith('/v1/customs'));
    expect(paths.length).toBeGreaterThanOrEqual(19);
    for (const [path, ops] of paths)
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses);
        expect(
          codes.some((c) => c.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
        expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403', '422']));
      }
  });

  it("an operator of another hub never sees this hub's customs: 503 where it has none, its own where it has", async () => {
    const otherOperator = (
      await hub.store.apiKeys.create({ role: 'operator', label: 'o', hubId: 'other-hub' })
    ).key;
    const none = await call(otherOperator, 'GET', '/v1/customs/declarations');
    expect(none.statusCode).toBe(503);
    expect(none.json().detail).toContain('other-hub');
    expect((await call(otherOperator, 'POST', '/v1/customs/exchange/run')).statusCode).toBe(503);
    // a server with customs for that hub too: each operator its own hub's declarations
    const fx = fxConverter(readFxFile(FX_FILE));
    const serviceOf = (hubId: string) =>
      new CustomsService({
        store: hub.store,
        network: () => ({ ...network, hub: hubId }),
        codes,
        signer: hub.filing.signer,
        folders: hub.filing.folders,
        fx,
        euMembers: new Set(['DE']),
        vagueTerms: [],
        nowMs: () => hub.clock.ms,
      });
    const both = await buildServer({
      store: hub.store,
      network,
      fx,
      customs: serviceOf(HUB),
      customsOf: async (h) => (h === 'other-hub' ? serviceOf(h) : undefined),
      nowMs: () => hub.clock.ms,
    });
    try {
      const read = (key: string) =>
        both.inject({
          method: 'GET',
          url: '/v1/customs/declarations',
          headers: { authorization: `Bearer ${key}` },
        });
      const theirs = await read(otherOperator);
      expect(theirs.statusCode).toBe(200);
      expect(theirs.json().items).toEqual([]);
      expect((await read(operator)).json().items.length).toBeGreaterThan(0);
    } finally {
      await both.close();
    }
  });

  it('without a key: 401', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/customs/declarations' })).statusCode).toBe(401);
  });
});
