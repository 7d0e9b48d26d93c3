/**
 * Big JSON bodies parsed in slices (src/api/json-body.ts): the same values and the same errors as
 * Fastify's own parser, and the loop free while a big body parses.
 */
import fc from 'fast-check';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNKED_JSON_BYTES, jsonBodies, jsonBodyParser } from '../src/api/json-body.ts';
import { generateParcels } from '../src/generate/index.ts';

const app = Fastify();
const parse = jsonBodyParser(app);
const fastifyParser = app.getDefaultJsonParser('error', 'error');

/** What Fastify's own parser makes of `text`: the value's JSON, or its error code. */
function fastifyOutcome(text: string): string {
  let outcome = '';
  fastifyParser(undefined as never, text, (error, value) => {
    outcome = error ? `error ${(error as { code?: string }).code}` : JSON.stringify(value);
  });
  return outcome;
}
async function ourOutcome(bytes: Buffer): Promise<string> {
  try {
    return JSON.stringify(await parse(bytes));
  } catch (e) {
    return `error ${(e as { code?: string }).code}`;
  }
}

const parcels = generateParcels({ count: 1500, seed: 3, from: '2026-12-01' }).parcels;
const big = JSON.stringify({
  parcels,
  nested: [[parcels.slice(0, 400)], { deeper: { list: parcels.slice(400, 900) } }],
  odd: 'a "quoted" [bracket] {brace} \\ back\\slash \u00e9\u4e2d\u{1f600}',
  dup: 1,
  numbers: [0, -1.5e-7, 1e21, 1e300, 2 ** 60],
  dup2: [true, false, null],
});
const bigWithDup = `${big.slice(0, -1)},"dup":2}`;

describe('JSON bodies parsed in slices', () => {
  afterAll(() => app.close());

  it('gives the value Fastify’s parser gives, key order and duplicate keys included', async () => {
    expect(big.length).toBeGreaterThan(CHUNKED_JSON_BYTES * 4);
    for (const text of [big, bigWithDup, `\ufeff \n${big}\t `, `[${big},${big}]`]) {
      expect(await ourOutcome(Buffer.from(text))).toBe(fastifyOutcome(text));
    }
  });

  it('answers a big body nested 150,000 deep as Fastify’s parser does (its refusal)', async () => {
    const deep = `${'['.repeat(150_000)}${']'.repeat(150_000)}`;
    expect(deep.length).toBeGreaterThan(CHUNKED_JSON_BYTES);
    expect(await ourOutcome(Buffer.from(deep))).toBe(fastifyOutcome(deep));
    const deepObject = `{"a":${deep},"b":${JSON.stringify(parcels.slice(0, 200))}}`;
    expect(await ourOutcome(Buffer.from(deepObject))).toBe(fastifyOutcome(deepObject));
  });

  it('refuses what Fastify’s parser refuses, with its error (seeded byte mutations and poisoned keys)', async () => {
    const bytes = Buffer.from(big);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.constantFrom(...Buffer.from('{}[],:"\\ 0a-.e'))), {
          minLength: 1,
          maxLength: 3,
        }),
        async (edits) => {
          const mutated = Buffer.from(bytes);
          for (const [at, b] of edits) mutated[at] = b;
          expect(await ourOutcome(mutated)).toBe(fastifyOutcome(mutated.toString('utf8')));
        },
      ),
      { seed: 11, numRuns: 60 },
    );
    const poisoned = [
      `{"__proto__":{"x":1},${big.slice(1)}`,
      `{"constructor":{"prototype":{"x":1}},${big.slice(1)}`,
      `${big.slice(0, -1)},"y":{"__proto__":1}}`,
      `${big.slice(0, -1)},}`,
      `${big}x`,
      big.slice(0, -1),
      '   ',
    ];
    for (const text of poisoned) {
      const padded = text.trim() === '' ? `${text}${' '.repeat(CHUNKED_JSON_BYTES)}` : text;
      const outcome = await ourOutcome(Buffer.from(padded));
      expect(outcome).toMatch(/^error FST_ERR_CTP_INVALID_JSON_BODY$/);
      expect(outcome).toBe(fastifyOutcome(padded));
    }
  });

  it('keeps the loop turning while a 20 MB body parses', async () => {
    const huge = Buffer.from(JSON.stringify({ parcels: Array.from({ length: 24 }, () => parcels).flat() }));
    expect(huge.length).toBeGreaterThan(20_000_000);
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 1);
    const started = performance.now();
    const value = (await parse(huge)) as { parcels: unknown[] };
    clearInterval(timer);
    expect(value.parcels).toHaveLength(parcels.length * 24);
    // JSON.parse of the whole holds the loop for its whole time; here no turn waits much past a slice
    expect(performance.now() - started).toBeGreaterThan(longest * 3);
  });

  it('answers a server’s bad big body with the problem a bad small one gets', async () => {
    const server = Fastify({ bodyLimit: 64 * 1024 * 1024 });
    jsonBodies(server);
    server.post('/echo', async (request) => ({ n: (request.body as { parcels: unknown[] }).parcels.length }));
    const post = (payload: string) =>
      server.inject({
        method: 'POST',
        url: '/echo',
        headers: { 'content-type': 'application/json' },
        payload,
      });
    const ok = await post(big);
    expect(ok.json()).toEqual({ n: parcels.length });
    const small = await post('{"parcels":[1,}');
    const large = await post(`${big.slice(0, -1)},}`);
    expect(large.statusCode).toBe(400);
    expect(large.body).toBe(small.body);
    expect((await post('')).statusCode).toBe(400);
    await server.close();
  });
});
