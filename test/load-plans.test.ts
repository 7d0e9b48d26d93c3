import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { LoadPlanAnswerView, LoadPlanRequestSchema, loadAnswerJson } from '../src/api/load-plans.routes.ts';
import { fxConverter, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { answerLoad } from '../src/load/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

describe('load plans over HTTP', () => {
  let store: Store;
  let app: FastifyInstance;
  let key: string;
  beforeAll(async () => {
    store = await openStore('sqlite::memory:');
    key = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    app = await buildServer({
      store,
      network: readNetworkFile(fileURLToPath(new URL('../data/network/chongqing.yaml', import.meta.url))),
      fx: fxConverter(readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url)))),
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });
  const boxes = generateParcels({ count: 300, seed: 4, from: '2026-12-01' })
    .parcels.filter((p) => p.grossWeightG < 60_000)
    .map((p, i) => ({
      id: `b${i}`,
      lengthMm: p.dimensions.lengthMm,
      widthMm: p.dimensions.widthMm,
      heightMm: p.dimensions.heightMm,
      weightG: p.grossWeightG,
    }));

  it('places parcels in a 40’ high cube, every placement inside, the checker satisfied', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/load-plans',
      headers: { authorization: `Bearer ${key}` },
      payload: { containerType: '45G1', boxes, options: { timeLimitMs: 1000 } },
    });
    expect(res.statusCode).toBe(200);
    const plan = res.json();
    expect(plan.check.valid).toBe(true);
    expect(plan.placements.length + plan.unplaced.length).toBe(boxes.length);
    for (const p of plan.placements) {
      expect(p.x + p.dx).toBeLessThanOrEqual(12032);
      expect(p.y + p.dy).toBeLessThanOrEqual(2352);
      expect(p.z + p.dz).toBeLessThanOrEqual(2698);
    }
    expect(plan.volumeUtilisation).toBeGreaterThan(0);
  });

  it('loads many boxes into as few containers as it can, each checked', async () => {
    const big = boxes.map((b) => ({ ...b, lengthMm: b.lengthMm * 4, widthMm: b.widthMm * 3 }));
    const res = await app.inject({
      method: 'POST',
      url: '/v1/load-plans',
      headers: { authorization: `Bearer ${key}` },
      payload: { containerType: '22G1', boxes: big, options: { timeLimitMs: 3000, multi: true } },
    });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.containers).toBeGreaterThanOrEqual(r.lowerBound);
    expect(r.plans.every((p: { check: { valid: boolean } }) => p.check.valid)).toBe(true);
  });

  it('answers the JSON the response schema’s serialiser writes, written in the worker', async () => {
    const space = { lengthMm: 5898, widthMm: 2352, heightMm: 2393, payloadG: 28_200_000 };
    const serialise = serializerCompiler({
      schema: LoadPlanAnswerView,
      method: 'POST',
      url: '/v1/load-plans',
    });
    for (const multi of [false, true]) {
      const answer = answerLoad({
        container: space,
        boxes: boxes.slice(0, 120),
        options: { support: 'full', timeLimitMs: 300, multi, seed: 7 },
      });
      expect(loadAnswerJson(answer)).toBe(serialise(answer));
    }
    const res = await app.inject({
      method: 'POST',
      url: '/v1/load-plans',
      headers: { authorization: `Bearer ${key}` },
      payload: { containerType: '22G1', boxes: boxes.slice(0, 50), options: { timeLimitMs: 200 } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.stringify(res.json())).toBe(res.body);
  });

  it('refuses a request naming both a type and a space, or neither', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/load-plans',
      headers: { authorization: `Bearer ${key}` },
      payload: { boxes },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().problems[0].where.field).toBe('containerType');
  });

  it('checks 5,000 boxes a slice at a time with the problems the whole schema names', async () => {
    const many = Array.from({ length: 5_000 }, (_, i) => ({ ...boxes[i % boxes.length]!, id: `m${i}` }));
    const post = (payload: object) =>
      app.inject({
        method: 'POST',
        url: '/v1/load-plans',
        headers: { authorization: `Bearer ${key}` },
        payload,
      });
    const problemsOf = (res: { json(): { problems: { where: unknown; why: string }[] } }) =>
      res.json().problems;
    // the last box broken: its row and field, as the schema in one call names them
    const bad = many.map((b, i) => (i === 4_999 ? { ...b, widthMm: -1 } : b));
    const sliced = await post({ containerType: '45G1', boxes: bad, options: { timeLimitMs: 50 } });
    expect(sliced.statusCode).toBe(422);
    const whole = LoadPlanRequestSchema.safeParse({ containerType: '45G1', boxes: bad });
    expect(whole.success).toBe(false);
    expect(problemsOf(sliced)).toHaveLength(whole.error!.issues.length);
    expect(JSON.stringify(problemsOf(sliced))).toContain('4999');
    expect(JSON.stringify(problemsOf(sliced))).toContain('widthMm');
    // the envelope broken as well: the whole schema's problems, the envelope's and the box's
    const both = await post({ boxes: bad, options: { timeLimitMs: 50 } });
    expect(both.statusCode).toBe(422);
    const named = JSON.stringify(problemsOf(both));
    expect(named).toContain('containerType');
    expect(named).toContain('widthMm');
    // the envelope's defaults filled in as the schema fills them: a plan under its time limit
    const good = await post({
      containerType: '45G1',
      boxes: many.slice(0, 400),
      options: { timeLimitMs: 200 },
    });
    expect(good.statusCode).toBe(200);
    expect(good.json().check.valid).toBe(true);
    // more boxes than the schema allows: refused by the schema as a whole
    const tooMany = await post({ containerType: '45G1', boxes: [...many, many[0]] });
    expect(tooMany.statusCode).toBe(422);
    expect(JSON.stringify(problemsOf(tooMany))).toContain('boxes');
  }, 60_000);
});
