/**
 * The OpenAPI contract: every operation documents its success body and its problem responses
 * (`application/problem+json`, the shared Problem schema), and real answers validate against what the
 * document says (Ajv over the served /docs/json).
 */
import { Ajv } from 'ajv';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemStatuses } from '../src/api/openapi.ts';
import { type ApiHub, apiHub, sampleParcel, sampleQuote } from './fixtures/api-hub.ts';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

describe('the OpenAPI document', () => {
  let hub: ApiHub;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };
  let ajv: Ajv;

  beforeAll(async () => {
    hub = await apiHub();
    doc = (await hub.app.inject({ method: 'GET', url: '/docs/json' })).json();
    ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'lb', components: doc.components });
  });
  afterAll(() => hub.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
  /** The route pattern of a documented path: `/v1/plans/{id}` is `/v1/plans/:id`. */
  const routeOf = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

  it('has a shared Problem schema', () => {
    const problem = doc.components.schemas.Problem as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(problem.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'problems']),
    );
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
  });

  it('documents every operation’s success body and its problem responses', () => {
    const lacking: string[] = [];
    const ops = operations();
    expect(ops.length).toBeGreaterThan(40);
    for (const { path, method, op } of ops) {
      const name = `${method} ${path}`;
      const success = Object.entries(op.responses).filter(([s]) => s.startsWith('2'));
      if (success.length === 0) lacking.push(`${name}: no success response`);
      for (const [status, r] of success) {
        const schemas = Object.values(r.content ?? {}).map((c) => c.schema);
        if (schemas.length === 0 || schemas.some((s) => s === undefined))
          lacking.push(`${name}: ${status} has no body schema`);
      }
      if (!path.startsWith('/v1/')) continue;
      const expected = problemStatuses(method, routeOf(path));
      for (const status of expected) {
        const r = op.responses[String(status)];
        const schema = r?.content?.['application/problem+json']?.schema as { $ref?: string } | undefined;
        if (schema?.$ref !== '#/components/schemas/Problem')
          lacking.push(`${name}: ${status} is not documented as application/problem+json Problem`);
      }
      for (const status of Object.keys(op.responses).filter((s) => /^[45]/.test(s)))
        if (!op.responses[status]?.content?.['application/problem+json'])
          lacking.push(`${name}: ${status} is not application/problem+json`);
    }
    expect(lacking).toEqual([]);
  });

  it('documents that POST /v1/plans answers 202 with the queued job', () => {
    const responses = doc.paths['/v1/plans']!.post!.responses;
    expect(Object.keys(responses).filter((s) => s.startsWith('2'))).toEqual(['202']);
    const schema = responses['202']!.content!['application/json']!.schema as { required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'status', 'progress']));
  });

  it('the problem statuses follow the route: 403 for operator routes, 404 with a path id, 413 on writes', () => {
    expect(problemStatuses('POST', '/v1/plans')).toEqual([400, 401, 403, 409, 413, 422, 429, 503]);
    expect(problemStatuses('GET', '/v1/network')).toEqual([400, 401, 422, 429, 503]);
    expect(problemStatuses('GET', '/v1/parcels/:id')).toEqual([400, 401, 403, 404, 422, 429, 503]);
    expect(problemStatuses('GET', '/health')).toEqual([]);
    expect(problemStatuses('GET', '/v1/track/:number')).toEqual([400, 404, 422, 429, 503]);
  });

  /** Validates a real answer against the documented schema of its operation, status and content type. */
  const conforms = (method: string, path: string, res: LightMyRequestResponse) => {
    const op = doc.paths[path]?.[method.toLowerCase()];
    expect(op, `${method} ${path} is documented`).toBeDefined();
    const documented = op!.responses[String(res.statusCode)];
    expect(
      documented,
      `${method} ${path} documents ${res.statusCode}: ${res.body.slice(0, 300)}`,
    ).toBeDefined();
    const type = String(res.headers['content-type']).split(';')[0]!;
    const schema = documented!.content?.[type]?.schema;
    expect(schema, `${method} ${path} ${res.statusCode} documents ${type}`).toBeDefined();
    if (type === 'text/csv') return;
    const local = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"lb#/components/'));
    const validate = ajv.compile(local);
    const ok = validate(res.json());
    expect(ok, `${method} ${path} ${res.statusCode}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(
      true,
    );
  };

  it('real answers, successes and problems, validate against the documented schemas', async () => {
    const op = { authorization: `Bearer ${hub.keys.operator}` };
    const seller = { authorization: `Bearer ${hub.keys.sellerA}` };
    const imported = await hub.app.inject({
      method: 'POST',
      url: '/v1/parcels',
      headers: seller,
      payload: { parcels: [sampleParcel('o-1')] },
    });
    conforms('POST', '/v1/parcels', imported);
    const parcelId = imported.json().parcels[0].id;
    const plan = await hub.app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: op,
      payload: { days: 3 },
    });
    conforms('POST', '/v1/plans', plan);
    const planId = plan.json().id;
    const samples: [string, string, string, Record<string, string>, unknown?][] = [
      ['GET', '/health', '/health', {}],
      ['GET', '/v1/network', '/v1/network', seller],
      ['GET', '/v1/departures', '/v1/departures?from=2026-12-01&to=2026-12-03', seller],
      ['GET', '/v1/parcels', '/v1/parcels', seller],
      ['GET', '/v1/parcels/{id}', `/v1/parcels/${parcelId}`, seller],
      ['GET', '/v1/parcels/{id}', '/v1/parcels/nope', seller],
      ['GET', '/v1/plans', '/v1/plans', seller],
      ['GET', '/v1/plans/{id}', `/v1/plans/${planId}`, op],
      ['GET', '/v1/plans/{id}', `/v1/plans/${planId}`, seller],
      ['GET', '/v1/plans/{id}/parcels.csv', `/v1/plans/${planId}/parcels.csv`, op],
      ['GET', '/v1/stats/parcels', '/v1/stats/parcels', op],
      ['GET', '/v1/hs', '/v1/hs?q=t-shirt', seller],
      ['GET', '/v1/hs/{code}', '/v1/hs/610910', seller],
      ['GET', '/v1/fx', '/v1/fx', seller],
      ['GET', '/v1/customs/declarations', '/v1/customs/declarations', op],
      ['GET', '/v1/customs/profile', '/v1/customs/profile', op],
      ['GET', '/v1/network', '/v1/network', {}],
      ['POST', '/v1/quotes', '/v1/quotes', seller, sampleQuote()],
      [
        'POST',
        '/v1/quotes',
        '/v1/quotes',
        seller,
        { requests: [sampleQuote(), sampleQuote({ currency: 'EUR' })] },
      ],
      ['POST', '/v1/quotes', '/v1/quotes', seller, sampleQuote({ currency: 'ZZZ' })],
      [
        'POST',
        '/v1/landed-cost',
        '/v1/landed-cost',
        seller,
        {
          destination: 'DE',
          date: '2026-11-24',
          incoterm: 'DDP',
          grossWeightG: 400,
          items: [
            {
              description: 'T-shirt',
              hsCode: '610910',
              quantity: 2,
              unitValueMinor: 799,
              currency: 'USD',
              originCountry: 'CN',
            },
          ],
        },
      ],
      [
        'POST',
        '/v1/load-plans',
        '/v1/load-plans',
        seller,
        {
          containerType: '45G1',
          options: { timeLimitMs: 200 },
          boxes: [{ id: 'a', lengthMm: 600, widthMm: 400, heightMm: 300, weightG: 12000 }],
        },
      ],
      [
        'POST',
        '/v1/load-plans',
        '/v1/load-plans',
        seller,
        {
          containerType: '45G1',
          options: { timeLimitMs: 200, multi: true },
          boxes: [{ id: 'a', lengthMm: 600, widthMm: 400, heightMm: 300, weightG: 12000 }],
        },
      ],
      ['POST', '/v1/plans', '/v1/plans', seller, { days: 3 }],
      ['POST', '/v1/parcels', '/v1/parcels', seller, { parcels: [] }],
    ];
    for (const [method, path, url, headers, payload] of samples) {
      const res = await hub.app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      conforms(method, path, res);
    }
  });
});
