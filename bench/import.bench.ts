/**
 * `npm run bench:import -- [--parcels N]`: generates N parcels (default 100,000) as CSV, then times
 * `landbridge parcels import` end to end into a fresh SQLite file (read, parse, validate, check
 * duplicates, insert in one transaction), beside the raw rate of plain better-sqlite3 inserts of the
 * same rows in one transaction, in the same process.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PARCEL_CSV_COLUMNS, parcelCsvRows } from '../src/domain/index.ts';
import { readParcelFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { openStore } from '../src/store/index.ts';

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--parcels') + 1] ?? 100_000) || 100_000;
const dir = mkdtempSync(join(tmpdir(), 'lb-bench-import-'));
try {
  const { sellers, parcels } = generateParcels({ count: n, seed: 7, from: '2026-12-01', days: 1 });
  const csvPath = join(dir, 'parcels.csv');
  const lines = [PARCEL_CSV_COLUMNS.join(',')];
  for (const p of parcels) lines.push(...parcelCsvRows(p));
  writeFileSync(csvPath, `${lines.join('\n')}\n`);
  const mb = statSync(csvPath).size / 1e6;

  const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
  for (const s of sellers) await store.sellers.upsert(s);
  const t0 = performance.now();
  const batch = readParcelFile(csvPath);
  const t1 = performance.now();
  const result = await importParcels(store, batch, {
    actor: { role: 'operator' },
    receivedAtMs: Date.now(),
    file: csvPath,
  });
  const t2 = performance.now();
  await store.close();

  // Raw SQLite: the same number of rows, same width, plain prepared inserts in one transaction.
  const raw = new Database(join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec(
    'create table p (id text primary key, seller text, ord text, body text, w integer, ready integer)',
  );
  const insert = raw.prepare('insert into p values (?, ?, ?, ?, ?, ?)');
  const t3 = performance.now();
  raw.transaction(() => {
    parcels.forEach((p, i) => {
      insert.run(`p${i}`, p.sellerId, p.externalOrderId, JSON.stringify(p.items), p.grossWeightG, i);
    });
  })();
  const t4 = performance.now();
  raw.close();

  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(
    `bench:import — ${n.toLocaleString('en')} parcels, ${lines.length - 1} CSV rows, ${mb.toFixed(1)} MB`,
  );
  console.log(`  read + parse + validate CSV   ${s(t1 - t0)} s`);
  console.log(`  check + insert (one tx)       ${s(t2 - t1)} s`);
  console.log(
    `  total import                  ${s(t2 - t0)} s   (${Math.round(result.imported / ((t2 - t0) / 1000)).toLocaleString('en')} parcels/s; target ≤ 10 s)`,
  );
  console.log(
    `  raw better-sqlite3 inserts    ${s(t4 - t3)} s   (${Math.round(n / ((t4 - t3) / 1000)).toLocaleString('en')} rows/s)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
