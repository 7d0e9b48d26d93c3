/**
 * Issue 11 items 12–13: stored idempotent answers expire after 24 h and are capped in size; rate
 * limits per API key and per client address (token bucket, 429 problem with Retry-After, RateLimit
 * headers, limits from the environment).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_TTL_MS, sweepIdempotency } from '../src/api/idempotency.ts';
import { buildServer } from '../src/api/index.ts';
import { rateLimitsFromEnv, TokenBuckets } from '../src/api/rate-limit.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { testConverter, tinyNetwork } from './fixtures/networks.ts';

const T0 = Date.parse('2026-12-01T00:00:00Z');
const quote = (country = 'PL') => ({
  readyAt: '2026-12-02T08:00:00+08:00',
  destination: { country, postcode: '00-001' },
  currency: 'USD',
  shipment: {
    kind: 'parcel',
    grossWeightG: 2300,
    dimensions: { lengthMm: 400, widthMm: 300, heightMm: 200 },
    dangerousGoods: [],
  },
});

describe('stored idempotent answers', () => {
  let store: Store;
  let app: FastifyInstance;
  let key: string;
  let now = T0;
  beforeAll(async () => {
    process.env.LANDBRIDGE_IDEMPOTENCY_MAX_BYTES = '20000';
    store = await openStore('sqlite::memory:', { nowMs: () => now });
    key = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    app = await buildServer({ store, network: tinyNetwork(), fx: testConverter, nowMs: () => now });
    await app.ready();
  });
  afterAll(async () => {
    delete process.env.LANDBRIDGE_IDEMPOTENCY_MAX_BYTES;
    await app.close();
    await store.close();
  });
  const post = (idem: string, payload: unknown) =>
    app.inject({
      method: 'POST',
      url: '/v1/quotes',
      headers: { authorization: `Bearer ${key}`, 'idempotency-key': idem },
      payload: payload as object,
    });

  it('replays within 24 h, and after 24 h the key is free again (the request runs anew)', async () => {
    now = T0;
    const first = await post('k-1', quote());
    expect(first.statusCode).toBe(200);
    now = T0 + IDEMPOTENCY_TTL_MS - 1000;
    const replay = await post('k-1', quote());
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // the same key with another body is still refused within the day
    expect((await post('k-1', quote('DE'))).statusCode).toBe(422);
    now = T0 + IDEMPOTENCY_TTL_MS + 1000;
    const later = await post('k-1', quote('DE'));
    expect(later.statusCode).toBe(200);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    // and the new answer is what the key replays from now on
    const again = await post('k-1', quote('DE'));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(later.body);
  });

  it('sweeps answers older than 24 h from the store', async () => {
    now = T0 + 10 * IDEMPOTENCY_TTL_MS;
    await post('k-old', quote());
    now += IDEMPOTENCY_TTL_MS + 1;
    await post('k-new', quote());
    const count = async () =>
      Number(
        (
          await store.db
            .selectFrom('idempotency_keys')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    expect(await sweepIdempotency(store, () => now)).toBeGreaterThanOrEqual(1);
    expect(before).toBeGreaterThan(1);
    expect(await count()).toBe(1);
    expect(await store.idempotency.get('operator', 'k-new')).toBeDefined();
    expect(await store.idempotency.get('operator', 'k-old')).toBeUndefined();
  });

  it('does not keep an answer over the cap: it is sent, marked not stored, and a retry runs again', async () => {
    now = T0 + 20 * IDEMPOTENCY_TTL_MS;
    const batch = { requests: Array.from({ length: 200 }, () => quote()) };
    const big = await post('k-big', batch);
    expect(big.statusCode).toBe(200);
    expect(big.body.length).toBeGreaterThan(20000);
    expect(big.headers['idempotency-stored']).toBe('false');
    expect(await store.idempotency.get('operator', 'k-big')).toBeUndefined();
    const retry = await post('k-big', batch);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    // a small answer is kept as before
    const small = await post('k-small', quote());
    expect(small.headers['idempotency-stored']).toBeUndefined();
    expect(await store.idempotency.get('operator', 'k-small')).toBeDefined();
  });
});

describe('rate limits', () => {
  let store: Store;
  let app: FastifyInstance;
  let keyA: string;
  let keyB: string;
  beforeAll(async () => {
    store = await openStore('sqlite::memory:');
    keyA = (await store.apiKeys.create({ role: 'operator', label: 'a' })).key;
    keyB = (await store.apiKeys.create({ role: 'operator', label: 'b' })).key;
    app = await buildServer({
      store,
      network: tinyNetwork(),
      fx: testConverter,
      rateLimits: { perKey: { perSecond: 1, burst: 5 }, perAddress: { perSecond: 1, burst: 12 } },
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });
  afterEach(() => {
    for (const k of Object.keys(process.env))
      if (k.startsWith('LANDBRIDGE_RATE_LIMIT_')) delete process.env[k];
  });
  const get = (key: string, address = '10.0.0.1') =>
    app.inject({
      method: 'GET',
      url: '/v1/network',
      remoteAddress: address,
      headers: { authorization: `Bearer ${key}` },
    });

  it('answers 429 problem+json with Retry-After once a key has spent its burst; another key goes on', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await get(keyA));
    expect(answers.slice(0, 5).map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]!.headers['ratelimit-limit']).toBeDefined();
    expect(Number(answers[4]!.headers['ratelimit-remaining'])).toBe(0);
    const refused = answers[5]!;
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['ratelimit-policy']).toContain('name="key"');
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate-limited', title: 'Too many requests' });
    expect(refused.json().detail).toContain('API key');
    expect((await get(keyB)).statusCode).toBe(200);
  });

  it('limits a client address over all its keys, before authentication', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await app.inject({ method: 'GET', url: '/v1/network', remoteAddress: '10.0.0.9' });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 12).every((c) => c === 401)).toBe(true);
    expect(codes.slice(12)).toEqual([429, 429]);
    const res = await app.inject({ method: 'GET', url: '/v1/network', remoteAddress: '10.0.0.9' });
    expect(res.json().detail).toContain('client address');
    // another address is not held back
    expect((await get(keyB, '10.0.0.10')).statusCode).toBe(200);
  });

  it('refills the bucket over time', () => {
    let t = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 2 }, () => t);
    expect(buckets.take('x').ok).toBe(true);
    expect(buckets.take('x').ok).toBe(true);
    const no = buckets.take('x');
    expect(no.ok).toBe(false);
    expect(no.retryAfterSeconds).toBe(1);
    t = 500;
    expect(buckets.take('x').ok).toBe(true);
    expect(buckets.take('x').ok).toBe(false);
  });

  it('reads the limits from the environment; 0 turns a limit off', () => {
    process.env.LANDBRIDGE_RATE_LIMIT_KEY_PER_S = '5';
    process.env.LANDBRIDGE_RATE_LIMIT_KEY_BURST = '50';
    process.env.LANDBRIDGE_RATE_LIMIT_ADDRESS_PER_S = '0';
    expect(rateLimitsFromEnv()).toEqual({ perKey: { perSecond: 5, burst: 50 }, perAddress: null });
    process.env.LANDBRIDGE_RATE_LIMIT_KEY_PER_S = 'lots';
    expect(() => rateLimitsFromEnv()).toThrow(/LANDBRIDGE_RATE_LIMIT_KEY_PER_S/);
  });
});
