import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { PARCEL_CSV_COLUMNS, type ParcelInput } from '../src/domain/index.ts';
import { fxConverter, readDutyRules, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

const data = (path: string) => fileURLToPath(new URL(`../data/${path}`, import.meta.url));
const BIN = fileURLToPath(new URL('../bin/landbridge.js', import.meta.url));

const item = (hsCode: string, description = 'Cotton T-shirt') => ({
  description,
  hsCode,
  quantity: 1,
  unitValueMinor: 1500,
  currency: 'USD' as const,
  originCountry: 'CN',
});

const parcel = (orderId: string, items: ReturnType<typeof item>[]): ParcelInput => ({
  externalOrderId: orderId,
  items,
  grossWeightG: 640,
  dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
  dangerousGoods: [],
  consignee: {
    name: 'Anna Nowak',
    address: 'ul. Marszałkowska 1',
    city: 'Warszawa',
    postcode: '00-001',
    country: 'PL',
    phone: '+48 22 123 45 67',
  },
  promisedDeliveryDate: '2026-12-28',
  incoterm: 'DDP',
  serviceLevel: 'standard',
});

describe('HS 2022 over HTTP: classification help, and codes that do not exist refused where they enter', () => {
  let store: Store;
  let app: FastifyInstance;
  let operator: string;
  let seller: string;

  beforeAll(async () => {
    store = await openStore('sqlite::memory:');
    await store.sellers.upsert({ id: 'seller-a', name: 'A Trading', country: 'CN' });
    operator = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    seller = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-a', label: 't' })).key;
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

  const get = (url: string, key?: string) =>
    app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });
  const post = (url: string, key: string, payload: unknown) =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${key}` },
      payload: payload as object,
    });

  for (const role of ['operator', 'seller'] as const) {
    it(`GET /v1/hs ranks codes for an English and a Chinese description (${role} key)`, async () => {
      const key = role === 'operator' ? operator : seller;
      const en = await get(
        `/v1/hs?q=${encodeURIComponent('wireless earbuds with charging case')}&limit=3`,
        key,
      );
      expect(en.statusCode).toBe(200);
      const body = en.json();
      expect(body).toMatchObject({ edition: 'HS 2022', language: 'en' });
      expect(body.results).toHaveLength(3);
      expect(body.results[0]).toMatchObject({ code: '851830', level: 6, heading: { code: '8518' } });
      const zh = await get(`/v1/hs?q=${encodeURIComponent('女士纯棉短袖T恤')}&level=4&limit=5`, key);
      expect(zh.statusCode).toBe(200);
      expect(zh.json().language).toBe('zh');
      expect(zh.json().results[0]).toMatchObject({ code: '6109', level: 4 });
    });

    it(`GET /v1/hs/{code} looks a code up (${role} key); an unknown code is 404, a malformed one 422`, async () => {
      const key = role === 'operator' ? operator : seller;
      const ok = await get('/v1/hs/8517.13', key);
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({
        hsCode: '851713',
        level: 6,
        parents: [{ code: '85' }, { code: '8517' }],
        section: { id: 'XVI' },
      });
      const missing = await get('/v1/hs/999999', key);
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toContain('application/problem+json');
      expect(missing.json()).toMatchObject({
        code: 'not-found',
        detail: '999999 is not an HS 2022 code (no chapter 99)',
      });
      const bad = await get('/v1/hs/12a', key);
      expect(bad.statusCode).toBe(422);
    });
  }

  it('GET /v1/hs needs a key, and a query', async () => {
    expect((await get('/v1/hs?q=shoes')).statusCode).toBe(401);
    const res = await get('/v1/hs', operator);
    expect(res.statusCode).toBe(422);
    expect(res.json().problems[0].where.field).toBe('querystring.q');
    expect((await get('/v1/hs?q=shoes&level=5', operator)).statusCode).toBe(422);
  });

  it('documents /v1/hs with its success body and problem responses', async () => {
    const doc = (await get('/docs/json')).json();
    for (const path of ['/v1/hs', '/v1/hs/{code}']) {
      const responses = doc.paths[path].get.responses;
      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '401', '422']));
      expect(responses['200'].content['application/json'].schema).toBeDefined();
    }
  });

  it('POST /v1/parcels refuses a code that does not exist, naming the row and field, and writes nothing', async () => {
    const res = await post('/v1/parcels', seller, {
      parcels: [parcel('hs-1', [item('610910')]), parcel('hs-2', [item('610910'), item('999999')])],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().problems).toEqual([
      { where: { row: 2, field: 'items.1.hsCode' }, why: '999999 is not an HS 2022 code (no chapter 99)' },
    ]);
    expect(await store.parcels.count({})).toBe(0);
  });

  it('POST /v1/parcels imports a line whose description does not fit its code, and flags it', async () => {
    const res = await post('/v1/parcels', seller, {
      parcels: [parcel('hs-3', [item('610910'), item('610910', 'Bluetooth speaker, rechargeable')])],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.imported).toBe(1);
    expect(body.flagged).toBe(1);
    expect(body.flags[0]).toMatchObject({
      where: { row: 1, field: 'items.1.description' },
      verdict: 'doubtful',
    });
    expect(body.flags[0].why).toMatch(/does not look like heading 6109/);
    expect(body.flags[0].suggestions[0]).toMatch(/^8518/);
  });

  it('POST /v1/landed-cost refuses a code that does not exist where no tariff is consulted (DE under EUR 150)', async () => {
    const res = await post('/v1/landed-cost', operator, {
      destination: 'DE',
      date: '2026-11-24',
      items: [item('999999')],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().problems).toEqual([
      { where: { field: 'items.0.hsCode' }, why: '999999 is not an HS 2022 code (no chapter 99)' },
    ]);
  });

  it('POST /v1/quotes with items refuses a code that does not exist, alone or in a batch', async () => {
    const request = {
      readyAt: '2026-12-03T10:00:00+08:00',
      destination: { country: 'PL', postcode: '00-001' },
      currency: 'USD',
      incoterm: 'DDP',
      shipment: {
        kind: 'parcel',
        grossWeightG: 900,
        dimensions: { lengthMm: 300, widthMm: 200, heightMm: 100 },
        items: [item('610910'), item('610900')],
      },
    };
    const one = await post('/v1/quotes', seller, request);
    expect(one.statusCode).toBe(422);
    expect(one.json().problems[0].where).toEqual({ field: 'shipment.items.1.hsCode' });
    expect(one.json().problems[0].why).toMatch(/^610900 is not an HS 2022 code \(heading 6109 exists/);
    const batch = await post('/v1/quotes', seller, {
      requests: [{ ...request, shipment: { ...request.shipment, items: [item('610910')] } }, request],
    });
    expect(batch.statusCode).toBe(422);
    expect(batch.json().problems[0].where).toEqual({ field: 'requests.1.shipment.items.1.hsCode' });
  });
});

describe('HS 2022 in the CLI', () => {
  let dir: string;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.db')}` },
    });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-hs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hs search suggests codes; hs show looks one up and refuses one that does not exist with exit 2', () => {
    const s = run('hs', 'search', '蓝牙耳机', '--limit', '2', '--json');
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout).results[0].code).toBe('851830');
    const show = run('hs', 'show', '999999');
    expect(show.status).toBe(2);
    expect(show.stderr).toContain('999999 is not an HS 2022 code');
  });

  it('parcels import refuses a CSV line whose code does not exist, naming its own row and column', () => {
    const header = PARCEL_CSV_COLUMNS.join(',');
    const line = (order: string, hs: string) =>
      [
        'seller-a',
        order,
        '2026-12-01T10:00:00+08:00',
        '2026-12-28',
        'DDP',
        'standard',
        '640',
        '300',
        '200',
        '80',
        '',
        'Anna Nowak',
        'ul. Marszalkowska 1',
        'Warszawa',
        '00-001',
        'PL',
        '+48 22 123 45 67',
        'Cotton T-shirt',
        hs,
        '1',
        '15.00',
        'USD',
        'CN',
      ].join(',');
    writeFileSync(
      join(dir, 'p.csv'),
      [header, line('o-1', '610910'), line('o-1', '999999'), line('o-2', '610910')].join('\n'),
    );
    expect(run('sellers', 'add', 'seller-a', '--name', 'A Trading').status).toBe(0);
    const res = run('parcels', 'import', 'p.csv');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('p.csv row 3: item_hs_code: 999999 is not an HS 2022 code');
  });
});
