/**
 * Fault suite, part 2 (issue 11): the server killed with SIGKILL during a parcel import, during an
 * event batch (API and `landbridge events import`), and during a plan job. Nothing acknowledged is
 * lost, no batch is half written, and the restarted server recovers on its own: a retry of the batch
 * in flight with its Idempotency-Key completes it, and the plan job that was running runs again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.ts';
import { freePort } from './fixtures/free-port.ts';
import { parcelInput } from './fixtures/parcel-input.ts';

const BIN = new URL('../bin/landbridge.js', import.meta.url).pathname;
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

describe('faults: kill -9 of the server and of the CLI', () => {
  let dir: string;
  let url: string;
  let port: number;
  let base: string;
  let server: ChildProcess | undefined;
  let operator: string;
  let seller: string;
  const env = () => ({
    ...process.env,
    DATABASE_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LANDBRIDGE_RATE_LIMIT_KEY_PER_S: '0',
    LANDBRIDGE_RATE_LIMIT_ADDRESS_PER_S: '0',
  });

  /** Starts `landbridge serve` and waits until it listens. */
  async function start(): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'serve', '--quiet'], { env: env() });
    server = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 90_000);
      const read = (d: Buffer) => {
        out += d;
        if (out.includes('Landbridge API on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
    });
  }

  async function kill(): Promise<void> {
    const child = server!;
    server = undefined;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  const post = (path: string, key: string, body: unknown, idem?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...(idem ? { 'idempotency-key': idem } : {}),
      },
      body: JSON.stringify(body),
    });

  const present = async (ids: readonly string[]) => {
    const store = await openStore(url);
    try {
      return (await store.parcels.findExistingOrderIds('seller-a', ids)).size;
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-kill-'));
    url = `sqlite:${join(dir, 'kill.db')}`;
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const store = await openStore(url);
    await store.sellers.upsert({ id: 'seller-a', name: 'A Trading', country: 'CN' });
    operator = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
    seller = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-a', label: 't' })).key;
    await store.close();
    await start();
  }, 120_000);
  afterAll(async () => {
    if (server) await kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const batches = [0, 1, 2, 3].map((b) => Array.from({ length: 1500 }, (_, i) => parcelInput(`K${b}-${i}`)));
  const orderIds = (b: number) => batches[b]!.map((p) => p.externalOrderId);
  const parcelIds: string[] = [];

  it('import: the acknowledged batches stay whole, the one in flight is all or nothing and completes on retry', async () => {
    for (const b of [0, 1, 2]) {
      const res = await post('/v1/parcels', seller, { parcels: batches[b] }, `import-${b}`);
      expect(res.status).toBe(201);
      parcelIds.push(...((await res.json()) as { parcels: { id: string }[] }).parcels.map((p) => p.id));
    }
    const inFlight = post('/v1/parcels', seller, { parcels: batches[3] }, 'import-3').catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 150));
    await kill();
    const outcome = await inFlight;
    for (const b of [0, 1, 2]) expect(await present(orderIds(b))).toBe(1500);
    const partial = await present(orderIds(3));
    expect([0, 1500]).toContain(partial);
    // acknowledged before the kill: then it must be there
    if (!(outcome instanceof Error) && outcome.status === 201) expect(partial).toBe(1500);
    await start();
    const retry = await post('/v1/parcels', seller, { parcels: batches[3] }, 'import-3');
    // a fresh import, or the replay of the answer stored with the batch
    expect(retry.status).toBe(201);
    expect(await present(orderIds(3))).toBe(1500);
  }, 180_000);

  it('event batch over the API: all or nothing when killed, acknowledged batches kept', async () => {
    const eventsOf = (tag: string, ids: readonly string[]) =>
      ids.map((id) => ({
        eventId: `${tag}-${id}`,
        code: 'HUB_RECEIVED',
        parcelId: id,
        eventTime: hourAgo(),
        place: 'xiyong-hub',
      }));
    const first = eventsOf('a', parcelIds.slice(0, 1500));
    expect((await post('/v1/events', operator, { events: first })).status).toBe(201);
    const second = eventsOf('b', parcelIds.slice(1500, 4500));
    const inFlight = post('/v1/events', operator, { events: second }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 200));
    await kill();
    await inFlight;
    await start();
    // repeating a batch says how much of it was stored: all of the acknowledged one, all or none of the other
    const again = (await (await post('/v1/events', operator, { events: first })).json()) as {
      duplicates: number;
    };
    expect(again.duplicates).toBe(1500);
    const retry = (await (await post('/v1/events', operator, { events: second })).json()) as {
      recorded: number;
      duplicates: number;
    };
    expect([0, 3000]).toContain(retry.duplicates);
    expect(retry.recorded + retry.duplicates).toBe(3000);
  }, 180_000);

  it('landbridge events import killed mid-run: nothing or everything of the file', async () => {
    const rows = parcelIds.slice(0, 3000).map((id, i) => `c${i},HUB_SORTED,${id},${hourAgo()},xiyong-hub,`);
    const file = join(dir, 'events.csv');
    writeFileSync(file, ['event_id,code,parcel_id,event_time,place,weight_g', ...rows].join('\n'));
    const child = spawn(process.execPath, [BIN, 'events', 'import', file], { env: env() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await new Promise((r) => setTimeout(r, 2500 + Math.random() * 2000));
    child.kill('SIGKILL');
    const code = await exited;
    const store = await openStore(url);
    try {
      const n = Number(
        (
          await store.db
            .selectFrom('tracking_events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('event_id', 'like', 'c%')
            .executeTakeFirstOrThrow()
        ).n,
      );
      expect([0, 3000], `exit ${code}: ${out}`).toContain(n);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('plan job: killed while running, requeued at the restart and run to the end', async () => {
    const res = await post('/v1/plans', operator, { days: 2, maxRounds: 5 });
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { id: string }).id;
    const status = async () =>
      (
        (await (
          await fetch(`${base}/v1/plans/${id}`, { headers: { authorization: `Bearer ${operator}` } })
        ).json()) as {
          status: string;
        }
      ).status;
    for (let i = 0; i < 600 && (await status()) !== 'running'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await status()).toBe('running');
    await kill();
    await start();
    let last = '';
    for (let i = 0; i < 1200; i++) {
      last = await status();
      if (last === 'done' || last === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toBe('done');
  }, 240_000);
});
