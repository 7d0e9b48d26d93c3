/**
 * The shared deployment on a real PostgreSQL: two API processes (`landbridge serve`) and two workers
 * (`landbridge worker`) on one database. A worker is killed (SIGKILL) mid-plan and the other completes
 * the plan exactly once; two API processes receive the same idempotent batch at once; several plans
 * sent through both APIs each run once. Skipped, with the reason, when PostgreSQL does not answer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parcelsFromJson } from '../../src/domain/index.ts';
import { generateParcels } from '../../src/generate/index.ts';
import { importParcels } from '../../src/intake/index.ts';
import { PgBossQueue } from '../../src/jobs/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { freshDatabase, postgresSkipReason } from './pg-database.ts';

const BIN = fileURLToPath(new URL('../../bin/landbridge.js', import.meta.url));
/**
 * Parcels of the plan a worker is killed in: 4,000, enough for the plan to be mid-way when the kill
 * lands (its worker thread alone takes seconds to start); the issue's 100,000 are shown by
 * `npm run bench:scale -- --kill` (LANDBRIDGE_SCALE_TEST_PARCELS=100000 runs this file at that size).
 */
const PARCELS = Number(process.env.LANDBRIDGE_SCALE_TEST_PARCELS ?? 4_000);
/**
 * The job lease: a killed worker's plan is taken over within about twice this (the lease, then the next
 * maintenance pass) plus the retry delay. Renewed every third of it, so a worker's event loop would have
 * to stall over 3 s to lose a lease it holds (its plan computes in a thread, the loop stays free).
 */
const LEASE_SECONDS = Number(process.env.LANDBRIDGE_SCALE_TEST_LEASE_SECONDS ?? 5);

/** How long a process may take to say it is ready (its start is seconds; the hang is not). */
const START_LIMIT_MS = 120_000;

class StartTimeout extends Error {}

interface Proc {
  readonly child: ChildProcess;
  readonly output: () => string;
}

const skip = await postgresSkipReason();

describe.skipIf(skip !== undefined)(
  `two API processes and two workers on one PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let db: Awaited<ReturnType<typeof freshDatabase>>;
    let store: Store;
    let dir: string;
    let operator: string;
    let sellerKey: string;
    /** Keys of six sellers (a seller may have only a few plan jobs open at once). */
    const sellerKeys: string[] = [];
    let sellerId: string;
    const procs: Proc[] = [];
    const apis: string[] = [];
    const workers: Proc[] = [];

    const startOnce = (args: string[], env: Record<string, string>, ready: RegExp): Promise<Proc> => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          LANDBRIDGE_JOB_LEASE_SECONDS: String(LEASE_SECONDS),
          // The test's callers are one client: per-key and per-address rate limits off.
          LANDBRIDGE_RATE_LIMIT_KEY_PER_S: '0',
          LANDBRIDGE_RATE_LIMIT_ADDRESS_PER_S: '0',
          LANDBRIDGE_CUSTOMS_EXCHANGE_DIR: join(dir, 'exchange'),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const proc = { child, output: () => out };
      procs.push(proc);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new StartTimeout(`${args.join(' ')} (pid ${child.pid}): ${out}`));
        }, START_LIMIT_MS);
        const seen = (chunk: Buffer) => {
          out += chunk.toString();
          if (ready.test(out)) {
            clearTimeout(timer);
            resolve(proc);
          }
        };
        child.stdout!.on('data', seen);
        child.stderr!.on('data', seen);
        child.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${args[0]} exited ${code}: ${out}`));
        });
      });
    };

    /**
     * A process, started again once when it has not said it is ready within START_LIMIT_MS: a start-up
     * hang seen about once in a few runs with four processes (each with pg-boss) starting on one
     * database, not yet explained. The test is about what a running deployment does; the hang is
     * reported on stderr with the database's waiting sessions, for whoever takes it up.
     */
    const start = async (args: string[], env: Record<string, string>, ready: RegExp): Promise<Proc> => {
      try {
        return await startOnce(args, env, ready);
      } catch (e) {
        if (!(e instanceof StartTimeout)) throw e;
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        const { rows } = await client.query(
          `select pid, application_name, state, wait_event_type, wait_event, left(query, 200) as query
           from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
        );
        await client.end();
        console.warn(
          `START-UP HANG: ${e.message}\nnot ready in ${START_LIMIT_MS / 1000} s; started again. Sessions: ${JSON.stringify(rows)}`,
        );
        return startOnce(args, env, ready);
      }
    };

    beforeAll(async () => {
      db = await freshDatabase('lb_scale_ci');
      dir = mkdtempSync(join(tmpdir(), 'lb-scale-'));
      store = await openStore(db.url);
      // pg-boss's schema once, as `landbridge migrate` does, before the processes start.
      const installer = new PgBossQueue({ connectionString: db.url });
      await installer.start();
      await installer.stop();
      const { sellers, parcels } = generateParcels({ count: PARCELS, seed: 11, from: '2026-12-01', days: 7 });
      for (const s of sellers) await store.sellers.upsert(s);
      await importParcels(store, parcelsFromJson(parcels, 'generated'), {
        actor: { role: 'operator' },
        receivedAtMs: Date.parse('2026-11-30T00:00:00Z'),
      });
      operator = (await store.apiKeys.create({ role: 'operator', label: 'ci' })).key;
      sellerId = sellers[0]!.id;
      sellerKey = (await store.apiKeys.create({ role: 'seller', sellerId, label: 'ci' })).key;
      for (const s of sellers.slice(0, 6))
        sellerKeys.push((await store.apiKeys.create({ role: 'seller', sellerId: s.id, label: 'ci' })).key);
      const started = await Promise.all([
        start(['serve', '--quiet'], { PORT: '18481' }, /Landbridge API on/),
        start(['serve', '--quiet'], { PORT: '18482' }, /Landbridge API on/),
        start(['worker', '--no-customs'], {}, /taking jobs/),
        start(['worker', '--no-customs'], {}, /taking jobs/),
      ]);
      apis.push('http://127.0.0.1:18481', 'http://127.0.0.1:18482');
      workers.push(started[2]!, started[3]!);
    }, 600_000);

    afterAll(async () => {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await store?.close();
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    const call = async (
      api: string,
      method: string,
      path: string,
      key: string,
      body?: unknown,
      headers = {},
    ) => {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return {
        status: res.status,
        headers: res.headers,
        body: (await res.json()) as Record<string, unknown>,
      };
    };
    const until = async <T>(what: string, check: () => Promise<T | undefined>, ms: number): Promise<T> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const v = await check();
        if (v !== undefined) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const jobRows = async (planId: string) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query(
          `select state, retry_count from pgboss.job where name = 'plan' and data->>'planId' = $1
           union all select state, retry_count from pgboss.archive where name = 'plan' and data->>'planId' = $1`,
          [planId],
        );
        return rows as { state: string; retry_count: number }[];
      } finally {
        await client.end();
      }
    };

    it(`completes a ${PARCELS.toLocaleString('en')}-parcel plan once after the worker running it is killed`, async () => {
      const post = await call(apis[0]!, 'POST', '/v1/plans', operator, { from: '2026-12-01', days: 7 });
      expect(post.status).toBe(202);
      const planId = post.body.id as string;
      // Mid-plan: the job is claimed by a worker (its row names the worker), and not finished.
      const holder = await until(
        'a worker to take the plan',
        async () => {
          const p = await store.plans.get(planId);
          return p?.status === 'running' && p.workerId ? p : undefined;
        },
        60_000,
      );
      const pid = Number(holder.workerId!.split(':').pop());
      const victim = workers.find((w) => w.child.pid === pid);
      expect(victim, `worker ${holder.workerId} is one of ours`).toBeDefined();
      victim!.child.kill('SIGKILL');
      const survivor = workers.find((w) => w !== victim)!;
      const done = await until(
        'the plan to complete',
        async () => {
          const p = await store.plans.get(planId);
          if (p?.status === 'failed') throw new Error(`plan failed: ${p.error}`);
          return p?.status === 'done' ? p : undefined;
        },
        300_000,
      );
      expect(done.attempts).toBe(2);
      expect(done.workerId).toBe(`${done.workerId!.split(':')[0]}:${survivor.child.pid}`);
      const summary = (done.result as { summary: { parcels: number; costMinor: number } }).summary;
      expect(summary.parcels).toBe(PARCELS);
      expect(summary.costMinor).toBeGreaterThan(0);
      // One queue job for the plan, completed, on its second go.
      const rows = await jobRows(planId);
      expect(rows).toEqual([{ state: 'completed', retry_count: 1 }]);
      // Either API reads the same plan.
      const other = await call(apis[1]!, 'GET', `/v1/plans/${planId}`, operator);
      expect(other.body.status).toBe('done');
    }, 600_000);

    it('answers the same idempotent batch sent to both API processes at once with one write', async () => {
      const parcels = Array.from({ length: 50 }, (_, i) => ({
        externalOrderId: `idem-${i}`,
        readyAt: '2026-12-02T10:00:00+08:00',
        promisedDeliveryDate: '2026-12-30',
        incoterm: 'DAP',
        serviceLevel: 'standard',
        grossWeightG: 1200,
        dimensions: { lengthMm: 300, widthMm: 200, heightMm: 100 },
        dangerousGoods: [],
        consignee: {
          name: 'Anna Nowak',
          address: 'ul. Prosta 1',
          city: 'Warszawa',
          postcode: '00-001',
          country: 'PL',
          phone: '+48221234567',
        },
        items: [
          {
            description: 'Cotton T-shirt',
            hsCode: '610910',
            quantity: 1,
            unitValueMinor: 799,
            currency: 'USD',
            originCountry: 'CN',
          },
        ],
      }));
      const before = await store.parcels.count({ sellerId });
      const send = (api: string) =>
        call(api, 'POST', '/v1/parcels', sellerKey, { parcels }, { 'idempotency-key': 'ci-batch-1' });
      const [a, b] = await Promise.all([send(apis[0]!), send(apis[1]!)]);
      expect(await store.parcels.count({ sellerId })).toBe(before + 50);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body).toEqual(b.body);
      expect([a.headers.get('idempotent-replayed'), b.headers.get('idempotent-replayed')].sort()).toEqual([
        null,
        'true',
      ]);
    }, 60_000);

    it('runs each of several plans sent through both API processes exactly once (planning is the operator’s)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const post = await call(apis[i % 2]!, 'POST', '/v1/plans', operator, {
          from: '2026-12-01',
          days: 1 + (i % 3),
        });
        expect(post.status).toBe(202);
        ids.push(post.body.id as string);
      }
      await until(
        'every plan to finish',
        async () => {
          const all = await Promise.all(ids.map((id) => store.plans.get(id)));
          return all.every((p) => p?.status === 'done' || p?.status === 'failed') ? all : undefined;
        },
        300_000,
      );
      for (const id of ids) {
        const p = (await store.plans.get(id))!;
        expect(p.status).toBe('done');
        expect(p.attempts).toBe(1);
        expect(await jobRows(id)).toEqual([{ state: 'completed', retry_count: 0 }]);
      }
      // Both workers' output shows no failure of the queue.
      for (const w of workers) expect(w.output()).not.toMatch(/jobs: /);
    }, 600_000);
  },
);
