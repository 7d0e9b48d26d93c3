/**
 * `npx tsx bench/import-api.ts [--parcels N] [--items K]`: one large import through the HTTP API
 * (`POST /v1/parcels`, N parcels of K goods lines each; default 10,000 × 20, about 48 MB) into a fresh
 * SQLite store, the way an integrator sends its biggest batch. Prints the request's stages (body
 * received and parsed, envelope validated, parcels validated and imported) and how long the server's event loop was held meanwhile
 * (max and p99 of its delay, sampled every 10 ms): what every other request waits for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildServer } from '../src/api/index.ts';
import { openStore } from '../src/store/index.ts';
import { testConverter, tinyNetwork } from '../test/fixtures/networks.ts';
import { parcelInput } from '../test/fixtures/parcel-input.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = opt('parcels', 10_000);
const ITEMS = opt('items', 20);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const dir = mkdtempSync(join(tmpdir(), 'lb-bench-import-api-'));
const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
try {
  await store.sellers.upsert({ id: 'seller-a', name: 'A Trading', country: 'CN' });
  const key = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-a', label: 'bench' })).key;
  const app = await buildServer({
    store,
    network: tinyNetwork(),
    fx: testConverter,
    nowMs: () => Date.parse('2026-12-01T00:00:00Z'),
  });
  const marks: [string, number][] = [];
  let t0 = 0;
  const stages = [
    ['preValidation', 'body received and parsed'],
    ['preHandler', 'envelope validated (schema)'],
    ['onSend', 'parcels validated in slices, checked, imported (one transaction)'],
  ] as const;
  for (const [hook, what] of stages)
    app.addHook(hook, async () => {
      marks.push([what, performance.now() - t0]);
    });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const parcels = Array.from({ length: N }, (_, i) => {
    const p = parcelInput(`BIG-${i}`, 100);
    return { ...p, items: Array.from({ length: ITEMS }, () => p.items[0]!) };
  });
  const bytes = Buffer.from(JSON.stringify({ parcels }));
  console.log(
    `bench import-api — ${N.toLocaleString('en')} parcels × ${ITEMS} lines, ${(bytes.length / 1e6).toFixed(1)} MB, SQLite; load ${load()} at start`,
  );
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  t0 = performance.now();
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/parcels',
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': bytes.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
  const total = performance.now() - t0;
  delay.disable();
  let last = 0;
  for (const [what, at] of marks) {
    console.log(`  ${what.padEnd(40)} ${((at - last) / 1000).toFixed(2)} s`);
    last = at;
  }
  console.log(`  ${'answered'.padEnd(40)} ${status} after ${(total / 1000).toFixed(2)} s`);
  console.log(
    `  event loop held: max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms   (load ${load()})`,
  );
  await app.close();
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
