/**
 * Issue 11, items 1–6, 8, 9, 10 and 18: each reproducer of the report answers a clear 4xx problem (or
 * the safe behaviour) instead of a 500, a stack, a rollover or a leak.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenHost } from '../src/cli/serve.command.ts';
import { COUNTRY_CODES, maxDeclaredMinor } from '../src/domain/index.ts';
import { fxConverter, readCountryCodes } from '../src/files/index.ts';
import { PlanRunner } from '../src/jobs/index.ts';
import { type ApiHub, apiHub, HUB_NOW, hubLanded, sampleParcel, sampleQuote } from './fixtures/api-hub.ts';
import { cliInProcess } from './fixtures/cli-in-process.ts';
import { dialects } from './fixtures/dialects.ts';
import { LEAK } from './fixtures/leak.ts';

const item = (over: Record<string, unknown> = {}) => ({
  description: 'Cotton T-shirt',
  hsCode: '610910',
  quantity: 1,
  unitValueMinor: 799,
  currency: 'USD',
  originCountry: 'CN',
  ...over,
});

describe('issue 11: clear problems, not 500s (SQLite)', () => {
  let hub: ApiHub;
  let dir: string;
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const post = (
    url: string,
    payload: unknown,
    key = hub.keys.sellerA,
    headers: Record<string, string> = {},
  ) =>
    hub.app.inject({
      method: 'POST',
      url,
      headers: { ...auth(key), ...headers },
      payload: payload as object,
    });
  const get = (url: string, key: string | null = hub.keys.sellerA) =>
    hub.app.inject({ method: 'GET', url, headers: key ? auth(key) : {} });
  const expectProblem = (
    res: { statusCode: number; headers: Record<string, unknown>; body: string },
    status: number,
  ) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(res.body);
    expect(body.status).toBe(status);
    expect(res.body).not.toMatch(LEAK);
    return body as {
      code: string;
      detail: string;
      problems?: { where: { field?: string; row?: number }; why: string }[];
    };
  };
  const fields = (body: { problems?: { where: { field?: string } }[] }) =>
    (body.problems ?? []).map((p) => p.where.field);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lb-hardening-'));
    hub = await apiHub(`sqlite:${join(dir, 'hub.db')}`);
  });
  afterAll(async () => {
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('1: 10,000 nested brackets with an Idempotency-Key answer a 422 naming the place, on every POST route', async () => {
    const deep = `{"parcels":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    for (const url of [
      '/v1/parcels',
      '/v1/quotes',
      '/v1/landed-cost',
      '/v1/load-plans',
      '/v1/events',
      '/v1/plans',
    ]) {
      const res = await hub.app.inject({
        method: 'POST',
        url,
        headers: {
          ...auth(hub.keys.operator),
          'idempotency-key': `deep-${url}`,
          'content-type': 'application/json',
        },
        payload: deep,
      });
      const body = expectProblem(res, 422);
      expect(body.problems?.[0]?.why).toMatch(/nested more than 32 levels/);
    }
    expect((await get('/health')).statusCode).toBe(200);
  });

  it('2/9: a declared value no parcel can have is refused by name (quantity × unit value, per currency)', async () => {
    const huge = await post('/v1/parcels', {
      parcels: [
        sampleParcel('huge-1', { items: [item({ quantity: 100_000, unitValueMinor: 2 ** 53 - 1 })] }),
      ],
    });
    expect(fields(expectProblem(huge, 422))).toContain('items.0.unitValueMinor');
    const line = await post('/v1/parcels', {
      parcels: [sampleParcel('huge-2', { items: [item({ quantity: 100_000, unitValueMinor: 1_000_000 })] })],
    });
    const lineBody = expectProblem(line, 422);
    expect(lineBody.problems?.[0]).toMatchObject({ where: { row: 1, field: 'items.0.unitValueMinor' } });
    expect(lineBody.problems?.[0]?.why).toMatch(
      /more than any parcel can be worth \(at most USD 10000000\.00\)/,
    );
    const yen = await post('/v1/parcels', {
      parcels: [sampleParcel('huge-3', { items: [item({ currency: 'JPY', unitValueMinor: 9e15 })] })],
    });
    expect(fields(expectProblem(yen, 422))).toContain('items.0.unitValueMinor');
    // Two lines each under the bound whose sum is over it.
    const half = maxDeclaredMinor('EUR') / 2 + 1;
    const sum = await post('/v1/parcels', {
      parcels: [
        sampleParcel('huge-4', {
          items: [
            item({ currency: 'EUR', unitValueMinor: half }),
            item({ currency: 'EUR', unitValueMinor: half }),
          ],
        }),
      ],
    });
    expect(fields(expectProblem(sum, 422))).toEqual(['items.1.unitValueMinor']);
    const landed = await post('/v1/landed-cost', {
      destination: 'DE',
      date: '2026-11-24',
      incoterm: 'DDP',
      grossWeightG: 400,
      items: [item({ quantity: 100_000, unitValueMinor: 2 ** 53 - 1 })],
    });
    expect(fields(expectProblem(landed, 422))).toContain('items.0.unitValueMinor');
    const quote = await post(
      '/v1/quotes',
      sampleQuote({
        incoterm: 'DDP',
        shipment: {
          kind: 'parcel',
          grossWeightG: 500,
          dimensions: { lengthMm: 300, widthMm: 200, heightMm: 100 },
          items: [item({ currency: 'JPY', unitValueMinor: 9e15 })],
        },
      }),
    );
    expect(fields(expectProblem(quote, 422))).toContain('shipment.items.0.unitValueMinor');
    expect((await hub.store.parcels.list({ limit: 10 })).items).toHaveLength(0);
  });

  it('9: parcels at the largest declared value stored by a seller leave stats and the operator’s plan working', async () => {
    const atMax = ['USD', 'JPY', 'VND', 'KRW', 'CLP', 'EUR'].map((currency, i) =>
      sampleParcel(`max-${i}`, {
        items: [item({ currency, quantity: 1, unitValueMinor: maxDeclaredMinor(currency as 'USD') })],
      }),
    );
    const res = await post('/v1/parcels', { parcels: [...atMax, sampleParcel('plain-1')] });
    expect(res.statusCode, res.body).toBe(201);
    const stats = await get('/v1/stats/parcels', hub.keys.operator);
    expect(stats.statusCode, stats.body).toBe(200);
    const plan = await post('/v1/plans', { from: '2026-12-01', days: 3 }, hub.keys.operator);
    expect(plan.statusCode).toBe(202);
    const landed = hubLanded();
    await new PlanRunner(
      hub.store,
      () => hub.network,
      fxConverter(landed.fx),
      () => HUB_NOW,
      250,
      landed,
    ).drain();
    const done = await get(`/v1/plans/${plan.json().id}`, hub.keys.operator);
    expect(done.json().status, JSON.stringify(done.json().error)).toBe('done');
    expect(done.json().result.summary.costMinor).toBeGreaterThan(0);
  }, 120_000);

  it('3: a load space beyond a real container, or too many boxes, is refused naming the field', async () => {
    const box = { id: 'a', lengthMm: 600, widthMm: 400, heightMm: 300, weightG: 12_000 };
    for (const lengthMm of [2 ** 53 - 1, 10_000_000, 20_001]) {
      const res = await post('/v1/load-plans', {
        container: { lengthMm, widthMm: 2_350, heightMm: 2_690, payloadG: 26_000_000 },
        boxes: [box],
      });
      expect(fields(expectProblem(res, 422))).toContain('container.lengthMm');
    }
    const many = await post('/v1/load-plans', {
      containerType: '45G1',
      boxes: Array.from({ length: 5_001 }, (_, i) => ({ ...box, id: `b${i}` })),
    });
    expect(fields(expectProblem(many, 422))).toContain('boxes');
    const side = await post('/v1/load-plans', {
      containerType: '45G1',
      boxes: [{ ...box, widthMm: 2 ** 40 }],
    });
    expect(fields(expectProblem(side, 422))).toContain('boxes.0.widthMm');
    const ok = await post('/v1/load-plans', {
      container: { lengthMm: 20_000, widthMm: 3_000, heightMm: 3_500, payloadG: 40_000_000 },
      boxes: [box],
      options: { timeLimitMs: 200 },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('4: departures refuse a date that does not exist or a year out of range, API and CLI', async () => {
    for (const [from, to, field] of [
      ['9999-01-01', '9999-12-31', 'from'],
      ['2026-02-30', '2026-03-02', 'from'],
      ['2026-02-01', '2026-02-31', 'to'],
      ['0001-01-01', '0001-02-01', 'from'],
      ['9999-01-01T00:00:00Z', '9999-01-02T00:00:00Z', 'from'],
    ]) {
      const res = await get(`/v1/departures?from=${from}&to=${to}`);
      expect(fields(expectProblem(res, 422))).toContain(field);
    }
    const ok = await get('/v1/departures?from=2026-12-01&to=2026-12-03');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().departures.length).toBeGreaterThan(0);
    const url = `sqlite:${join(dir, 'hub.db')}`;
    const cli = await cliInProcess(url, 'departures', '--from', '2026-02-30', '--to', '2026-03-02');
    expect(cli.code).toBe(2);
    expect(cli.err).toMatch(/--from must be a real date/);
    const far = await cliInProcess(url, 'departures', '--from', '9999-01-01', '--to', '9999-12-31');
    expect(far.code).toBe(2);
  });

  it('5: framework errors are problem+json: bad URL, 404, 405, bad JSON, too large, unsupported type', async () => {
    const badUrl = await hub.app.inject({ method: 'GET', url: '/%c0%ae%c0%ae/x' });
    expect(expectProblem(badUrl, 400).code).toBe('bad-url');
    const badUrlV1 = await get('/v1/parcels/%c0%ae');
    expectProblem(badUrlV1, 400);
    expectProblem(await get('/v1/nothing-here'), 404);
    const wrong = await hub.app.inject({
      method: 'DELETE',
      url: '/v1/parcels',
      headers: auth(hub.keys.sellerA),
    });
    expect(expectProblem(wrong, 405).code).toBe('method-not-allowed');
    expect(wrong.headers.allow).toContain('POST');
    expect(wrong.headers.allow).toContain('GET');
    const json = await post('/v1/parcels', '{"parcels": [', hub.keys.sellerA, {
      'content-type': 'application/json',
    });
    expect(expectProblem(json, 400).code).toBe('bad-json');
    const type = await post('/v1/parcels', '<parcels/>', hub.keys.sellerA, {
      'content-type': 'application/xml',
    });
    expect(expectProblem(type, 415).code).toBe('unsupported-media-type');
    const big = await hub.app.inject({
      method: 'POST',
      url: '/v1/parcels',
      headers: { ...auth(hub.keys.sellerA), 'content-type': 'application/json' },
      payload: `{"parcels":[${' '.repeat(64 * 1024 * 1024)}]}`,
    });
    expect(expectProblem(big, 413).code).toBe('too-large');
  });

  it('5: an oversized header (431) and a malformed request (400) answer problem+json over a real socket', async () => {
    await hub.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = hub.app.server.address() as AddressInfo;
    const send = (headers: Record<string, string>) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/health', headers }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
          );
        });
        req.on('error', reject);
        req.end();
      });
    const big = await send({ 'x-filler': 'x'.repeat(20_000) });
    expect(big.status).toBe(431);
    expect(big.type).toBe('application/problem+json');
    expect(JSON.parse(big.body)).toMatchObject({ status: 431, code: 'headers-too-large' });
    const fine = await send({});
    expect(fine.status).toBe(200);
  });

  it('8: quote problems name the field: missing readyAt, unknown kind, number as text, currency ZZZ, 1,001 requests', async () => {
    const cases: [unknown, string][] = [
      [sampleQuote({ readyAt: undefined }), 'readyAt'],
      [sampleQuote({ shipment: { kind: 'boat' } }), 'shipment.kind'],
      [
        sampleQuote({
          shipment: {
            kind: 'parcel',
            grossWeightG: '2300',
            dimensions: { lengthMm: 400, widthMm: 300, heightMm: 200 },
          },
        }),
        'shipment.grossWeightG',
      ],
      [sampleQuote({ currency: 'ZZZ' }), 'currency'],
      [{ requests: Array.from({ length: 1_001 }, () => sampleQuote()) }, 'requests'],
      [{ requests: [sampleQuote(), sampleQuote({ currency: 'ZZZ' })] }, 'requests.1.currency'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/v1/quotes', body);
      const problem = expectProblem(res, 422);
      expect(fields(problem), JSON.stringify(problem.problems)).toContain(field);
      expect(problem.problems?.every((p) => p.why !== 'Invalid input')).toBe(true);
    }
  });

  it('10: unknown country codes and HS codes that do not exist are refused at intake, API and CLI', async () => {
    const consignee = sampleParcel('x').consignee as Record<string, unknown>;
    const xx = await post('/v1/parcels', {
      parcels: [sampleParcel('cc-1', { consignee: { ...consignee, country: 'XX' } })],
    });
    expect(expectProblem(xx, 422).problems?.[0]).toMatchObject({
      where: { row: 1, field: 'consignee.country' },
      why: expect.stringContaining('XX'),
    });
    const qq = await post('/v1/parcels', {
      parcels: [sampleParcel('cc-2', { items: [item({ originCountry: 'QQ' })] })],
    });
    expect(fields(expectProblem(qq, 422))).toContain('items.0.originCountry');
    const hs = await post('/v1/parcels', {
      parcels: [sampleParcel('cc-3', { items: [item({ hsCode: '999999' })] })],
    });
    expect(fields(expectProblem(hs, 422))).toContain('items.0.hsCode');
    const file = join(dir, 'unknown-codes.json');
    writeFileSync(
      file,
      JSON.stringify([
        { ...sampleParcel('cli-1', { consignee: { ...consignee, country: 'XX' } }), sellerId: 'seller-a' },
        { ...sampleParcel('cli-2', { items: [item({ originCountry: 'QQ' })] }), sellerId: 'seller-a' },
        { ...sampleParcel('cli-3', { items: [item({ hsCode: '999999' })] }), sellerId: 'seller-a' },
      ]),
    );
    const before = (await hub.store.parcels.list({ limit: 1000 })).items.length;
    const cli = await cliInProcess(`sqlite:${join(dir, 'hub.db')}`, 'parcels', 'import', file);
    expect(cli.code).toBe(2);
    expect(cli.err).toMatch(/row 1: consignee\.country: XX is not an ISO 3166-1 country code/);
    expect(cli.err).toMatch(/row 2: items\.0\.originCountry: QQ/);
    expect(cli.err).toMatch(/row 3: items\.0\.hsCode: 999999 is not an HS 2022 code/);
    expect((await hub.store.parcels.list({ limit: 1000 })).items.length).toBe(before);
  });

  it('10: the country list in the code is the shipped ISO 3166-1 list', () => {
    expect([...COUNTRY_CODES].sort()).toEqual([...readCountryCodes().keys()].sort());
  });

  it('18: every answer carries the security headers; the CSP forbids framing and foreign scripts', async () => {
    for (const res of [
      await get('/health'),
      await get('/v1/network'),
      await get('/v1/nothing', null),
      await get('/docs/json'),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-eval');
    }
  });

  it('18: HOST= empty listens on loopback, not on every interface', () => {
    expect(listenHost({})).toBe('127.0.0.1');
    expect(listenHost({ HOST: '' })).toBe('127.0.0.1');
    expect(listenHost({ HOST: '  ' })).toBe('127.0.0.1');
    expect(listenHost({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
  });

  it('18: the Bearer scheme is read in any case', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR'])
      expect(
        (
          await hub.app.inject({
            method: 'GET',
            url: '/v1/network',
            headers: { authorization: `${scheme} ${hub.keys.sellerA}` },
          })
        ).statusCode,
      ).toBe(200);
    expectProblem(
      await hub.app.inject({
        method: 'GET',
        url: '/v1/network',
        headers: { authorization: `Basic ${hub.keys.sellerA}` },
      }),
      401,
    );
  });

  it('18: an unknown /v1 path answers 401 without a key and 404 with one', async () => {
    expectProblem(await get('/v1/nothing-here', null), 401);
    expectProblem(await get('/v1/parcels/a/b/c', null), 401);
    expectProblem(await get('/v1/nothing-here', 'lb_not-a-key'), 401);
    expectProblem(await get('/v1/nothing-here'), 404);
  });

  it('18: no problem shows a server path, a stack or SQL', async () => {
    const { withoutServerDetails } = await import('../src/api/problem.ts');
    const here = new URL('..', import.meta.url).pathname;
    expect(withoutServerDetails(`cannot read ${here}data/hs/harmonized-system.csv`)).toBe(
      'cannot read <server file>',
    );
    expect(withoutServerDetails('ENOENT: open /usr/lib/x.yaml\n    at readFileSync (node:fs:1:1)')).toBe(
      'ENOENT: open <server file>',
    );
    expect(withoutServerDetails('seen in file:///srv/app/x.ts')).toBe('seen in <server file>');
    expect(withoutServerDetails('no route GET /v1/plans/x')).toBe('no route GET /v1/plans/x');
    const hs = await post('/v1/landed-cost', {
      destination: 'DE',
      date: '2026-11-24',
      items: [item({ hsCode: '990000' })],
    });
    expectProblem(hs, 422);
    const lookup = await get('/v1/hs/990000');
    expectProblem(lookup, 404);
  });

  it('18: an order id holding terminal escapes is printed escaped by landbridge parcels list', async () => {
    const res = await post('/v1/parcels', { parcels: [sampleParcel('evil\u001b[2J\u001b]0;pwned\u0007')] });
    expect(res.statusCode, res.body).toBe(201);
    const cli = await cliInProcess(
      `sqlite:${join(dir, 'hub.db')}`,
      'parcels',
      'list',
      '--seller',
      'seller-a',
      '--limit',
      '1000',
    );
    expect(cli.code).toBe(0);
    expect(cli.out).toContain('evil\\u001b[2J\\u001b]0;pwned\\u0007');
    expect(cli.out).not.toContain('\u001b');
    expect(cli.out).not.toContain('\u0007');
  });
});

describe.each(await dialects())('issue 11 item 6: values no store keeps ($name)', (dialect) => {
  let hub: ApiHub;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    if (dialect.skipReason) return;
    url = await dialect.setUp();
    hub = await apiHub(url);
    dir = await mkdtemp(join(tmpdir(), 'lb-hardening-6-'));
  });
  afterAll(async () => {
    if (dialect.skipReason) return;
    await hub.close();
    await dialect.tearDown();
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(dialect.skipReason !== undefined)(
    'a NUL, a lone surrogate or a number beyond bigint answers a 422 naming the field over HTTP',
    async () => {
      const auth = { authorization: `Bearer ${hub.keys.sellerA}` };
      const consignee = sampleParcel('x').consignee as Record<string, unknown>;
      const cases: [string, string, string][] = [
        [
          '{"parcels":[P]}'.replace('P', JSON.stringify(sampleParcel('nul\u0000id'))),
          'externalOrderId',
          'NUL',
        ],
        [
          JSON.stringify({
            parcels: [sampleParcel('s-1', { consignee: { ...consignee, name: 'Anna \ud800' } })],
          }),
          'consignee.name',
          'surrogate',
        ],
        [
          JSON.stringify({ parcels: [sampleParcel('b-1')] }).replace(
            '"grossWeightG":640',
            '"grossWeightG":99999999999999999999',
          ),
          'grossWeightG',
          '2^53',
        ],
      ];
      for (const [payload, field, why] of cases) {
        const res = await hub.app.inject({
          method: 'POST',
          url: '/v1/parcels',
          headers: { ...auth, 'content-type': 'application/json' },
          payload,
        });
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json().problems[0]).toMatchObject({ where: { row: 1, field } });
        expect(res.json().problems[0].why).toContain(why);
      }
      const query = await hub.app.inject({ method: 'GET', url: '/v1/parcels?cursor=%00', headers: auth });
      expect(query.statusCode).toBe(422);
      const param = await hub.app.inject({ method: 'GET', url: '/v1/parcels/a%00b', headers: auth });
      expect(param.statusCode).toBe(422);
      const events = await hub.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${hub.keys.operator}` },
        payload: {
          events: [{ eventId: 'e\u0000', parcelId: 'p', code: 'ACCEPTED', at: '2026-12-01T00:00:00Z' }],
        },
      });
      expect(events.statusCode).toBe(422);
      expect((await hub.store.parcels.list({ limit: 10 })).items).toHaveLength(0);
      expect((await hub.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    },
  );

  it.skipIf(dialect.skipReason !== undefined)(
    'the CLI refuses a file with a NUL by row and field, exit 2, no stack',
    async () => {
      const file = join(dir, 'nul.json');
      writeFileSync(
        file,
        JSON.stringify([
          { ...sampleParcel('ok-1'), sellerId: 'seller-a' },
          { ...sampleParcel('nul\u0000-2'), sellerId: 'seller-a' },
        ]),
      );
      const cli = await cliInProcess(url, 'parcels', 'import', file);
      expect(cli.code).toBe(2);
      expect(cli.err).toMatch(/row 2: externalOrderId: holds a NUL character/);
      expect(cli.err).not.toMatch(/unexpected error|\n\s+at /);
      expect((await hub.store.parcels.list({ limit: 10 })).items).toHaveLength(0);
    },
  );
});
