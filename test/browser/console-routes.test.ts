import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/api/auth.ts';
import { Hub } from '../../src/api/hub.ts';
import { handleError } from '../../src/api/problem.ts';
import { statsRoutes } from '../../src/api/stats.routes.ts';
import { webRoutes } from '../../src/api/web.routes.ts';
import { converterFromFiles, SAMPLE_NETWORK_FILE } from '../../src/cli/context.ts';
import { readNetworkFile } from '../../src/files/index.ts';
import { prepareSampleHub } from '../../src/sample/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';

/** The console's own routes, through Fastify's inject: the SPA files and fallback, and the stats. */
describe('console routes', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let operator: string;
  let seller: { sellerId: string; key: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-console-routes-'));
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
    // As `npm run build:web` writes them: compressed copies beside the asset.
    const big = `console.log(${JSON.stringify('x'.repeat(5000))})`;
    writeFileSync(join(dist, 'assets', 'big-def456.js'), big);
    writeFileSync(join(dist, 'assets', 'big-def456.js.br'), brotliCompressSync(big));
    writeFileSync(join(dist, 'assets', 'big-def456.js.gz'), gzipSync(big));
    store = await openStore(`sqlite:${join(dir, 'routes.db')}`);
    const network = readNetworkFile(SAMPLE_NETWORK_FILE);
    const sample = await prepareSampleHub(store, { network, nowMs: Date.now(), parcelCount: 600 });
    operator = sample.operatorKey;
    seller = sample.sellerKeys[0]!;
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(handleError);
    await app.register(async (v1) => {
      v1.addHook('onRequest', authenticate(store));
      await v1.register(statsRoutes(store, new Hub(network, converterFromFiles(), Date.now)));
    });
    await app.register(webRoutes({ root: dist }));
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html for / and for client routes, never cached', async () => {
    for (const url of ['/', '/map', '/parcels/p-123?x=1']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>console</title>');
    }
  });

  it('serves hashed assets as immutable', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('sends the pre-compressed copy the browser accepts, cached for a year', async () => {
    const br = await app.inject({
      method: 'GET',
      url: '/assets/big-def456.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toContain('immutable');
    expect(br.rawPayload.length).toBeLessThan(200);
    expect(brotliDecompressSync(br.rawPayload).toString()).toContain('console.log');
    const gz = await app.inject({
      method: 'GET',
      url: '/assets/big-def456.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({ method: 'GET', url: '/assets/big-def456.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(5000);
  });

  it('leaves the API, its docs and missing files to 404 problems', async () => {
    for (const url of [
      '/v1/nothing',
      '/docs/nothing',
      '/health/x',
      '/assets/missing.js',
      '/../package.json',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
  });

  it('counts every parcel for the operator, by status, level, destination and day', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/stats/parcels?currency=EUR',
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.scope).toEqual({ role: 'operator', sellerId: null });
    expect(body.totals.parcels).toBe(600);
    expect(body.byStatus.reduce((s: number, r: { parcels: number }) => s + r.parcels, 0)).toBe(600);
    expect(body.byCountry.reduce((s: number, r: { parcels: number }) => s + r.parcels, 0)).toBe(600);
    expect(body.totals.declaredValueMinor).toBeGreaterThan(0);
    expect(body.byDay.length).toBeGreaterThan(0);
    expect(body.byCorridor).toEqual([]);
  });

  it('scopes a seller to its own parcels and refuses another seller', async () => {
    const auth = { authorization: `Bearer ${seller.key}` };
    const res = await app.inject({ method: 'GET', url: '/v1/stats/parcels', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().scope).toEqual({ role: 'seller', sellerId: seller.sellerId });
    expect(res.json().totals.parcels).toBe(await store.parcels.count({ sellerId: seller.sellerId }));
    const other = await app.inject({
      method: 'GET',
      url: '/v1/stats/parcels?sellerId=seller-x',
      headers: auth,
    });
    expect(other.statusCode).toBe(403);
  });
});
