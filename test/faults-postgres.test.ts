/**
 * Fault suite, part 3: PostgreSQL restarted in the middle of an import. Runs a private cluster under the
 * temp folder (initdb + pg_ctl as the `postgres` user) so that no shared server is touched; skipped,
 * with the reason, where that cannot be done. Batches acknowledged before, during and after the restart
 * are all there; a batch caught by the restart answers 503 (never a 500) and nothing of it is written;
 * the server goes on without a restart.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { testConverter, tinyNetwork } from './fixtures/networks.ts';
import { parcelInput } from './fixtures/parcel-input.ts';

const dir = mkdtempSync(join(tmpdir(), 'lb-pg-'));
chmodSync(dir, 0o777);
const data = join(dir, 'data');
const port = 56_000 + Math.floor(Math.random() * 4000);
const asPostgres = (cmd: string) =>
  execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { stdio: 'pipe', timeout: 60_000 });
const pgCtl = (what: string) =>
  asPostgres(
    `pg_ctl -D ${data} -w -t 60 -l ${join(dir, 'log')} -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1" ${what}`,
  );

let skip: string | undefined;
try {
  asPostgres(`initdb -D ${data} -A trust -U postgres >/dev/null`);
  pgCtl('start');
} catch (e) {
  skip = `no private PostgreSQL cluster here: ${(e as Error).message.split('\n')[0]}`;
}
if (skip) console.log(`faults-postgres skipped: ${skip}`);

describe.skipIf(skip !== undefined)('faults: PostgreSQL restarted mid-import', () => {
  let store: Store;
  let app: FastifyInstance;
  let key: string;
  beforeAll(async () => {
    store = await openStore(`postgres://postgres@127.0.0.1:${port}/postgres`);
    await store.sellers.upsert({ id: 'seller-a', name: 'A Trading', country: 'CN' });
    key = (await store.apiKeys.create({ role: 'seller', sellerId: 'seller-a', label: 't' })).key;
    app = await buildServer({ store, network: tinyNetwork(), fx: testConverter });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
    try {
      pgCtl('stop -m immediate');
    } catch {
      /* already down */
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while PostgreSQL is down, loses no acknowledged batch, writes no partial one, and goes on', async () => {
    const acked: string[][] = [];
    const refused: string[][] = [];
    const statuses: number[] = [];
    let restarted = false;
    const restart = new Promise<void>((resolve) =>
      setTimeout(() => {
        pgCtl('restart -m fast');
        restarted = true;
        resolve();
      }, 1500),
    );
    for (let b = 0; !restarted || b < 100; b++) {
      const orders = Array.from({ length: 200 }, (_, i) => `P${b}-${i}`);
      const res = await app.inject({
        method: 'POST',
        url: '/v1/parcels',
        headers: { authorization: `Bearer ${key}` },
        payload: { parcels: orders.map((o) => parcelInput(o)) },
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 201) acked.push(orders);
      else {
        expect(res.statusCode, res.body).toBe(503);
        expect(res.json().code).toBe('unavailable');
        expect(res.headers['retry-after']).toBeDefined();
        refused.push(orders);
      }
      if (restarted && statuses.slice(-3).every((s) => s === 201) && b > 10) break;
    }
    await restart;
    expect(statuses).not.toContain(500);
    expect(statuses.at(-1)).toBe(201);
    // Idle pooled connections the restart cut are dropped as they are next used (the API answered 503
    // for those): read until each connection in the pool has been renewed.
    const stored = async (orders: string[]) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return (await store.parcels.findExistingOrderIds('seller-a', orders)).size;
        } catch (e) {
          if (attempt >= 10 || !/terminat|connection/i.test((e as Error).message)) throw e;
        }
      }
    };
    for (const orders of acked) expect(await stored(orders)).toBe(orders.length);
    for (const orders of refused) expect(await stored(orders)).toBe(0);
  }, 120_000);
});
