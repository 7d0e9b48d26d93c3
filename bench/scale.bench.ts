/**
 * `npm run bench:scale -- [--parcels N] [--events N] [--seconds S] [--plans P] [--rounds R]`: the shared deployment on
 * PostgreSQL (`LANDBRIDGE_BENCH_POSTGRES_URL`, else `LANDBRIDGE_TEST_POSTGRES_URL`, else the local `test`
 * server; a fresh database is made and dropped):
 * - parcel import through the whole pipeline (JSON validation, HS check, duplicates, one COPY) beside a
 *   raw COPY of the same rows into a table of the same shape, indexes and foreign key (target ≥ 50 %),
 *   alternated R times (2) on a cleared table, the best of each compared (this machine is shared);
 * - event ingest (receiving scans through the tracking intake);
 * - partitioning by day, measured: the same parcel and event rows COPY'd into a plain and a daily
 *   range-partitioned table;
 * - the same import and ingest on SQLite;
 * - quote throughput through 1 and 2 API processes (`landbridge serve`);
 * - plan job throughput with 1 and 2 workers (`landbridge worker`).
 * `--kill [--kill-parcels N]` runs instead: two workers, a plan of N parcels (100,000), the worker running
 * it killed with SIGKILL mid-plan; the plan completes once, on the other worker, with every parcel.
 * The machine's load average is printed beside: figures on a shared machine are only comparable within
 * one run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parcelsFromJson } from '../src/domain/index.ts';
import { readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { PgBossQueue } from '../src/jobs/index.ts';
import { MAX_EVENT_BATCH, recordEvents } from '../src/journey/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { partitionedCopyMs, planJobRows, procs, rawCopyMs, stage, start, withClient } from './scale-parts.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PARCELS = opt('parcels', 100_000);
const EVENTS = Math.min(opt('events', 20_000), PARCELS);
const SECONDS = opt('seconds', 10);
const PLANS = opt('plans', 4);
/** Imports (and raw COPYs) on PostgreSQL, alternated; the best of each is compared. */
const ROUNDS = Math.max(1, opt('rounds', 2));
const KILL = args.includes('--kill');
const KILL_PARCELS = opt('kill-parcels', 100_000);
const NETWORK = readNetworkFile(fileURLToPath(new URL('../data/network/chongqing.yaml', import.meta.url)));
const BASE_URL =
  process.env.LANDBRIDGE_BENCH_POSTGRES_URL ??
  process.env.LANDBRIDGE_TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en')}/s`;
const line = (what: string, value: string) => console.log(`  ${what.padEnd(52)} ${value}   (load ${load()})`);

async function admin(statement: string): Promise<void> {
  await withClient(BASE_URL, (c) => c.query(statement));
}

const generated = generateParcels({ count: KILL ? 0 : PARCELS, seed: 7, from: '2026-12-01', days: 7 });

/** Imports the generated parcels through the whole pipeline, timed. */
async function importTimed(store: Store): Promise<{ ms: number; ids: readonly string[] }> {
  const t0 = performance.now();
  const r = await importParcels(store, parcelsFromJson(generated.parcels, 'generated'), {
    actor: { role: 'operator' },
    receivedAtMs: Date.parse('2026-11-30T00:00:00Z'),
    sellerField: 'sellerId',
  });
  return { ms: performance.now() - t0, ids: r.parcelIds };
}

/**
 * Imports the parcels and their receiving scans into `store`; times each. The import runs `rounds`
 * times (the best kept), with `between` (time the raw COPY, clear the table) before each but the first.
 */
async function importAndIngest(
  store: Store,
  rounds = 1,
  between?: () => Promise<void>,
): Promise<{ importMs: number; importsMs: number[]; eventsMs: number; ids: string[] }> {
  for (const s of generated.sellers) await store.sellers.upsert(s);
  const importsMs: number[] = [];
  let r = await importTimed(store);
  importsMs.push(r.ms);
  for (let i = 1; i < rounds; i++) {
    await between?.();
    r = await importTimed(store);
    importsMs.push(r.ms);
  }
  const importMs = Math.min(...importsMs);
  const events = generated.parcels.slice(0, EVENTS).map((p, i) => ({
    eventId: `bench-recv:${r.ids[i]}`,
    code: 'HUB_RECEIVED',
    parcelId: r.ids[i],
    eventTime: p.readyAt,
    place: NETWORK.hub,
    measured: { weightG: p.grossWeightG },
  }));
  const t1 = performance.now();
  for (let i = 0; i < events.length; i += MAX_EVENT_BATCH)
    await recordEvents(store, events.slice(i, i + MAX_EVENT_BATCH), {
      hubId: NETWORK.hub,
      network: NETWORK,
      actor: { role: 'operator' },
      nowMs: Date.parse('2026-12-09T00:00:00Z'),
    });
  return { importMs, importsMs, eventsMs: performance.now() - t1, ids: [...r.ids] };
}

const UNLIMITED = { LANDBRIDGE_RATE_LIMIT_KEY_PER_S: '0', LANDBRIDGE_RATE_LIMIT_ADDRESS_PER_S: '0' };

/** Quotes a second through `apis` (round robin), from 16 concurrent callers for SECONDS. */
async function quoteRate(
  apis: readonly string[],
  key: string,
): Promise<{ perSecond: number; errors: string }> {
  const body = JSON.stringify({
    readyAt: '2026-12-03T10:00:00+08:00',
    destination: { country: 'PL', postcode: '00-001' },
    currency: 'USD',
    shipment: {
      kind: 'parcel',
      grossWeightG: 2300,
      dimensions: { lengthMm: 400, widthMm: 300, heightMm: 200 },
    },
  });
  // Warm up: each process builds its quote index (90 days of departures) on its first quote.
  for (const api of apis)
    await fetch(`${api}/v1/quotes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    }).then((r) => r.arrayBuffer());
  let done = 0;
  const failed = new Map<number, number>();
  let next = 0;
  const until = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < until) {
        const api = apis[next++ % apis.length]!;
        const res = await fetch(`${api}/v1/quotes`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        if (res.ok) done++;
        else failed.set(res.status, (failed.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const errors = [...failed].map(([status, n]) => `${n} × ${status}`).join(', ') || 'no';
  return { perSecond: (done / (performance.now() - t0)) * 1000, errors };
}

/** Time for `workers` workers to finish PLANS plan jobs (each a seller's two days). */
async function planRate(store: Store, url: string, workers: number, round: number): Promise<number> {
  const started = await Promise.all(
    Array.from({ length: workers }, () =>
      start(['worker', '--no-customs'], { DATABASE_URL: url }, /taking jobs/),
    ),
  );
  const queue = new PgBossQueue({ connectionString: url });
  queue.define({ name: 'plan', async run() {} });
  await queue.start();
  const ids: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < PLANS; i++) {
    const seller = generated.sellers[(round * PLANS + i) % generated.sellers.length]!;
    const job = await store.plans.create({ from: '2026-12-01', days: 2, maxRounds: 20 }, seller.id);
    ids.push(job.id);
    await queue.send('plan', { planId: job.id }, { id: job.id.slice(5), key: job.id });
  }
  for (;;) {
    const all = await Promise.all(ids.map((id) => store.plans.get(id)));
    if (all.every((p) => p?.status === 'done' || p?.status === 'failed')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const ms = performance.now() - t0;
  await queue.stop();
  for (const w of started) w.kill('SIGTERM');
  return ms;
}

/**
 * `--kill`: two workers; an operator plan of every parcel (KILL_PARCELS over 7 days); the worker holding
 * it is killed with SIGKILL once it has computed a while; the other completes it, once, with every parcel.
 */
async function killRun(store: Store, url: string): Promise<void> {
  const { sellers, parcels } = generateParcels({
    count: KILL_PARCELS,
    seed: 11,
    from: '2026-12-01',
    days: 7,
  });
  for (const s of sellers) await store.sellers.upsert(s);
  const t0 = performance.now();
  await importParcels(store, parcelsFromJson(parcels, 'generated'), {
    actor: { role: 'operator' },
    receivedAtMs: Date.parse('2026-11-30T00:00:00Z'),
    sellerField: 'sellerId',
  });
  line(
    `${KILL_PARCELS.toLocaleString('en')} parcels imported`,
    `${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const lease = process.env.LANDBRIDGE_JOB_LEASE_SECONDS ?? '15';
  const workers = await Promise.all(
    [0, 1].map(() =>
      start(
        ['worker', '--no-customs'],
        { DATABASE_URL: url, LANDBRIDGE_JOB_LEASE_SECONDS: lease },
        /taking jobs/,
      ),
    ),
  );
  const queue = new PgBossQueue({ connectionString: url });
  queue.define({ name: 'plan', async run() {} });
  await stage('the sender queue starting', queue.start());
  const plan = await stage('the plan created', store.plans.create({ from: '2026-12-01', days: 7 }));
  const t1 = performance.now();
  await stage(
    'the plan job sent',
    queue.send('plan', { planId: plan.id }, { id: plan.id.slice(5), key: plan.id }),
  );
  await stage('the sender queue stopping', queue.stop());
  const get = async () => (await store.plans.get(plan.id))!;
  // Mid-plan: a worker holds it and has reported 10 % done (or computed for 30 s).
  let holder = await get();
  let heldSince = 0;
  for (;;) {
    holder = await get();
    if (holder.status === 'running' && holder.workerId) {
      heldSince ||= performance.now();
      if (holder.progress >= 0.1 || performance.now() - heldSince > 30_000) break;
    }
    if (holder.status === 'done' || holder.status === 'failed')
      throw new Error(`plan ${holder.status} before the kill`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = Number(holder.workerId!.split(':').pop());
  const victim = workers.find((w) => w.pid === pid)!;
  victim.kill('SIGKILL');
  const killedAt = performance.now();
  line(
    `worker ${pid} killed (SIGKILL) mid-plan`,
    `${((killedAt - t1) / 1000).toFixed(1)} s after sending, progress ${Math.round(holder.progress * 100)} %`,
  );
  let done = await get();
  while (done.status !== 'done' && done.status !== 'failed') {
    await new Promise((r) => setTimeout(r, 250));
    done = await get();
  }
  const survivor = workers.find((w) => w !== victim)!;
  const summary = (done.result as { summary?: { parcels: number; costMinor: number } } | undefined)?.summary;
  const inWindow = await store.parcels.count({
    readyFromMs: Date.parse('2026-12-01T00:00:00+08:00'),
    readyToMs: Date.parse('2026-12-08T00:00:00+08:00'),
  });
  const jobs = await planJobRows(url, plan.id);
  line(
    `plan ${done.status} ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
    `attempts ${done.attempts}, by ${done.workerId === `${done.workerId?.split(':')[0]}:${survivor.pid}` ? 'the other worker' : done.workerId}`,
  );
  line('parcels in the plan / ready in its window', `${summary?.parcels ?? 0} / ${inWindow}`);
  line('queue jobs of the plan (state, retries)', jobs.map((j) => `${j.state} ${j.retry_count}`).join('; '));
  const once =
    done.status === 'done' && done.attempts === 2 && jobs.length === 1 && jobs[0]!.state === 'completed';
  const whole = summary?.parcels === inWindow && inWindow > 0;
  console.log(
    `  ${once && whole ? 'OK' : 'FAILED'}: ${once ? 'completed once after the kill' : 'not completed once'}; ${whole ? 'no parcel lost' : 'parcels missing'}`,
  );
  if (!(once && whole)) process.exitCode = 1;
}

/** The figures run (without `--kill`). */
async function figuresRun(store: Store, url: string, dir: string): Promise<void> {
  console.log(`PostgreSQL (import and raw COPY alternated, ${ROUNDS} rounds, the best of each kept)`);
  const raws: Awaited<ReturnType<typeof rawCopyMs>>[] = [];
  const pgRun = await importAndIngest(store, ROUNDS, async () => {
    raws.push(await rawCopyMs(url));
    await withClient(url, (c) => c.query('truncate parcels cascade'));
  });
  raws.push(await rawCopyMs(url));
  const raw = {
    withForeignKeyMs: Math.min(...raws.map((r) => r.withForeignKeyMs)),
    withoutMs: Math.min(...raws.map((r) => r.withoutMs)),
  };
  const secs = (ms: readonly number[]) => ms.map((m) => (m / 1000).toFixed(1)).join(' / ');
  line(
    'parcel import, whole pipeline (COPY)',
    `${(pgRun.importMs / 1000).toFixed(1)} s, ${rate(PARCELS, pgRun.importMs)} (runs ${secs(pgRun.importsMs)} s)`,
  );
  line(
    'raw COPY of the same rows (same indexes and FK)',
    `${(raw.withForeignKeyMs / 1000).toFixed(1)} s, ${rate(PARCELS, raw.withForeignKeyMs)} (runs ${secs(raws.map((r) => r.withForeignKeyMs))} s)`,
  );
  line(
    'import rate / raw COPY rate (target ≥ 50 %)',
    `${((raw.withForeignKeyMs / pgRun.importMs) * 100).toFixed(0)} %`,
  );
  line(
    'raw COPY without the sellers FK (for comparison)',
    `${(raw.withoutMs / 1000).toFixed(1)} s, ${rate(PARCELS, raw.withoutMs)} (import ${((raw.withoutMs / pgRun.importMs) * 100).toFixed(0)} % of it)`,
  );
  line('event ingest (receiving scans, tracking intake)', rate(EVENTS, pgRun.eventsMs));

  console.log("Partitioning by day (PostgreSQL, the rows above COPY'd again)");
  for (const [table, column, n] of [
    ['parcels', 'ready_at_ms', PARCELS],
    ['tracking_events', 'event_time_ms', EVENTS],
  ] as const) {
    const r = await partitionedCopyMs(url, table, column);
    line(
      `${table}: plain / by day (${r.days} partitions)`,
      `${rate(n, r.plainMs)} / ${rate(n, r.partitionedMs)} (${((r.plainMs / r.partitionedMs) * 100).toFixed(0)} %)`,
    );
  }

  console.log('SQLite (same rows, same code)');
  const sqlite = await openStore(`sqlite:${join(dir, 'bench.db')}`);
  const sqRun = await importAndIngest(sqlite);
  await sqlite.close();
  line(
    'parcel import, whole pipeline',
    `${(sqRun.importMs / 1000).toFixed(1)} s, ${rate(PARCELS, sqRun.importMs)}`,
  );
  line('event ingest', rate(EVENTS, sqRun.eventsMs));

  console.log('API processes and workers (this machine runs the callers too)');
  const key = (await store.apiKeys.create({ role: 'operator', label: 'bench' })).key;
  const apis = await Promise.all([
    // Throughput, not the limits: the per-key and per-address rate limits (429) are off here.
    start(['serve', '--quiet'], { DATABASE_URL: url, PORT: '18591', ...UNLIMITED }, /Landbridge API on/),
    start(['serve', '--quiet'], { DATABASE_URL: url, PORT: '18592', ...UNLIMITED }, /Landbridge API on/),
  ]);
  const one = await quoteRate(['http://127.0.0.1:18591'], key);
  line(
    'quotes through 1 API process',
    `${Math.round(one.perSecond).toLocaleString('en')}/s (${one.errors} errors)`,
  );
  const two = await quoteRate(['http://127.0.0.1:18591', 'http://127.0.0.1:18592'], key);
  line(
    'quotes through 2 API processes',
    `${Math.round(two.perSecond).toLocaleString('en')}/s (${two.errors} errors)`,
  );
  for (const a of apis) a.kill('SIGTERM');
  const w1 = await planRate(store, url, 1, 0);
  line(
    `${PLANS} plan jobs, 1 worker`,
    `${(w1 / 1000).toFixed(1)} s, ${((PLANS / w1) * 60_000).toFixed(1)} plans/min`,
  );
  const w2 = await planRate(store, url, 2, 1);
  line(
    `${PLANS} plan jobs, 2 workers`,
    `${(w2 / 1000).toFixed(1)} s, ${((PLANS / w2) * 60_000).toFixed(1)} plans/min`,
  );
}

const dbName = `lb_bench_${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'lb-bench-scale-'));
const url = (() => {
  const u = new URL(BASE_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const started = performance.now();
console.log(
  KILL
    ? `bench:scale --kill — ${KILL_PARCELS.toLocaleString('en')} parcels; PostgreSQL ${BASE_URL.replace(/\/\/[^@]*@/, '//')} (fresh database ${dbName}); load ${load()} at start`
    : `bench:scale — ${PARCELS.toLocaleString('en')} parcels, ${EVENTS.toLocaleString('en')} events; PostgreSQL ${BASE_URL.replace(/\/\/[^@]*@/, '//')} (fresh database ${dbName}); load ${load()} at start`,
);
try {
  await admin(`create database ${dbName}`);
  const store = await openStore(url);
  const installer = new PgBossQueue({ connectionString: url });
  await installer.start();
  await installer.stop();
  if (KILL) await killRun(store, url);
  else await figuresRun(store, url, dir);
  await store.close();
} finally {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  await admin(`drop database if exists ${dbName} with (force)`).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s (load ${load()})`);
}
