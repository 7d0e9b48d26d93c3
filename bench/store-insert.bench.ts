/**
 * Store insert rate: 100,000 synthetic parcels through `parcels.insertMany` in one transaction, on
 * SQLite (a temp file, WAL) and, when reachable, PostgreSQL (a temp schema). Also times the duplicate
 * check the importer runs first and reading the parcels back for planning.
 *
 *   npx tsx bench/store-insert.bench.ts [count]
 *
 * PostgreSQL: LANDBRIDGE_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test if it answers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ServiceLevel } from '../src/domain/parcel.ts';
import { type NewParcel, openStore } from '../src/store/index.ts';

const COUNT = Number(process.argv[2] ?? 100_000);
const T0 = Date.UTC(2026, 11, 1);
const COUNTRIES = ['DE', 'PL', 'HU', 'NL', 'FR', 'SG', 'TH', 'VN'] as const;
const LEVELS: readonly ServiceLevel[] = ['economy', 'standard', 'express'];

function makeParcels(count: number): NewParcel[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `p-${i.toString(36).padStart(8, '0')}`,
    externalOrderId: `ORD-${i}`,
    items: [
      {
        description: 'Cotton T-shirt',
        hsCode: '610910',
        quantity: 1 + (i % 3),
        unitValueMinor: 1299,
        currency: 'EUR',
        originCountry: 'CN',
      },
      {
        description: 'Phone case',
        hsCode: '392690',
        quantity: 1,
        unitValueMinor: 450,
        currency: 'EUR',
        originCountry: 'CN',
      },
    ],
    grossWeightG: 200 + (i % 5000),
    dimensions: { lengthMm: 300, widthMm: 200, heightMm: 50 + (i % 200) },
    dangerousGoods: i % 20 === 0 ? ['UN3481'] : [],
    consignee: {
      name: `Buyer ${i}`,
      address: `Ulica Piotrkowska ${i % 300}`,
      city: 'Łódź',
      postcode: `9${String(i % 10_000).padStart(4, '0')}`,
      country: COUNTRIES[i % COUNTRIES.length]!,
      phone: '+48 22 123 45 67',
    },
    promisedDeliveryDate: '2026-12-24',
    incoterm: i % 2 === 0 ? 'DDP' : 'DAP',
    serviceLevel: LEVELS[i % LEVELS.length]!,
    readyAtMs: T0 + (i % 1440) * 60_000,
    createdAtMs: T0,
  }));
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s`;

async function run(label: string, url: string, parcels: readonly NewParcel[]): Promise<void> {
  const store = await openStore(url);
  try {
    await store.sellers.upsert({ id: 'bench-seller', name: 'Bench seller', country: 'CN' });
    const orderIds = parcels.map((p) => p.externalOrderId);
    const [, checkS] = await timed(() => store.parcels.findExistingOrderIds('bench-seller', orderIds));
    const [n, insertS] = await timed(() => store.parcels.insertMany('bench-seller', parcels));
    const [found, recheckS] = await timed(() => store.parcels.findExistingOrderIds('bench-seller', orderIds));
    const [all, readS] = await timed(() =>
      store.parcels.listForPlanning({ fromMs: T0, toMs: T0 + 86_400_000 }),
    );
    if (found.size !== n || all.length !== n)
      throw new Error(`expected ${n} parcels, found ${found.size}/${all.length}`);
    console.log(
      `${label.padEnd(10)} insertMany ${n.toLocaleString('en-US')} parcels: ${insertS.toFixed(2)} s = ${rate(n, insertS)} parcels` +
        ` | duplicate check (empty / full): ${checkS.toFixed(2)} s / ${recheckS.toFixed(2)} s` +
        ` | listForPlanning: ${readS.toFixed(2)} s = ${rate(n, readS)} parcels`,
    );
  } finally {
    await store.close();
  }
}

async function postgresUrl(): Promise<string | undefined> {
  const url = process.env.LANDBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return url;
  } catch (error) {
    console.log(
      `postgres   skipped: ${url} not reachable (${error instanceof Error ? error.message : error})`,
    );
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

const parcels = makeParcels(COUNT);
console.log(`node ${process.version}, ${COUNT.toLocaleString('en-US')} synthetic parcels`);

const dir = mkdtempSync(join(tmpdir(), 'lb-bench-'));
try {
  await run('sqlite', `sqlite:${join(dir, 'bench.db')}`, parcels);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const pgUrl = await postgresUrl();
if (pgUrl !== undefined) {
  const schema = `lb_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const sep = pgUrl.includes('?') ? '&' : '?';
    await run('postgres', `${pgUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`, parcels);
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}
