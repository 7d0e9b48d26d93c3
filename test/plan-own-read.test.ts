/**
 * Issue 11: a plan job's worker thread reads its parcels itself, on a connection of its own (a
 * read-only SQLite connection to the same file, or its own PostgreSQL client), while its planner
 * loads, and only what the plan reads of them: the same parcels in the same order as the store's
 * planning read, and the same document, byte for byte, as the job computed in one thread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { type Parcel, parcelsFromJson } from '../src/domain/index.ts';
import { fxConverter, readDutyRules, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { computePlanJobJson } from '../src/jobs/plan-execute.ts';
import { computePlan, PlanParamsSchema } from '../src/jobs/plan-job.ts';
import {
  closeSparePlanWorker,
  hasSparePlanWorker,
  keepSparePlanWorker,
} from '../src/jobs/plan-worker-spare.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { type PlanningParcel, readPlanningSource } from '../src/store/planning-read.ts';
import { freshDatabase, postgresSkipReason } from './scale/pg-database.ts';

const url = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
const network = readNetworkFile(url('../data/network/chongqing.yaml'));
const fxTables = readFxFile(url('../data/fx/rates.yaml'));
const fx = fxConverter(fxTables);
const landed = { rules: readDutyRules(url('../data/duties')), fx: fxTables };
const NOW = Date.parse('2026-12-01T02:00:00Z');
const fromMs = Date.parse('2026-12-01T00:00:00+08:00');
const window = { fromMs, toMs: fromMs + 3 * 86_400_000 };

/** The fields of a parcel a plan reads (see `PlanningParcel`). */
function planningPart(p: Parcel): PlanningParcel {
  return {
    id: p.id,
    readyAtMs: p.readyAtMs,
    grossWeightG: p.grossWeightG,
    dimensions: p.dimensions,
    dangerousGoods: p.dangerousGoods,
    consignee: { country: p.consignee.country, postcode: p.consignee.postcode },
    promisedDeliveryDate: p.promisedDeliveryDate,
    incoterm: p.incoterm,
    items: p.items,
  };
}

async function filled(store: Store): Promise<Store> {
  const { sellers, parcels } = generateParcels({ count: 900, seed: 11, from: '2026-12-01', days: 3 });
  for (const s of sellers) await store.sellers.upsert(s);
  await importParcels(store, parcelsFromJson(parcels, 'generated'), {
    actor: { role: 'operator' },
    receivedAtMs: NOW,
  });
  return store;
}

/** The store's planning read and the source's own read give the same parcels; the job the same document. */
async function checkOwnRead(store: Store): Promise<void> {
  const source = store.parcels.planningSource(window);
  expect(source).toBeDefined();
  const own: PlanningParcel[] = [];
  let batches = 0;
  for await (const batch of readPlanningSource(source!, 97)) {
    expect(batch.length).toBeLessThanOrEqual(97);
    batches++;
    own.push(...batch);
  }
  const listed = await store.parcels.listForPlanning(window);
  expect(listed.length).toBe(900);
  expect(batches).toBe(Math.ceil(900 / 97));
  // What the plan reads of each parcel, no more: the consignee's name, address and phone stay unread.
  expect(own).toEqual(listed.map(planningPart));
  expect(Object.keys(own[0]!).sort()).toEqual(Object.keys(planningPart(listed[0]!)).sort());

  const params = PlanParamsSchema.parse({ from: '2026-12-01', days: 3, proveMsPerContainer: 2_000 });
  const job = (await store.plans.create(params))!;
  const phases: string[] = [];
  const { json } = await computePlanJobJson(
    { store, network: () => network, fx, nowMs: () => NOW, landed, worker: { fxTables } },
    job,
    () => {},
    undefined,
    (phase) => phases.push(phase),
  );
  // The worker read them: the read is its stage, after its start.
  expect(phases.slice(0, 2)).toEqual(['worker-start', 'context']);
  expect(phases).toContain('read');
  const here = await computePlan({ network, fromMs, stored: listed }, fx, params, { landed, helpers: 0 });
  expect(here.summary.components.landedCostMinor).toBeGreaterThan(0);
  expect(json).toBe(JSON.stringify(here));
}

describe('a plan job’s worker reads its parcels itself', () => {
  it('on SQLite: a read-only connection to the same file (none for an in-memory database)', async () => {
    const memory = await openStore('sqlite::memory:');
    expect(memory.parcels.planningSource(window)).toBeUndefined();
    await memory.close();
    const dir = mkdtempSync(join(tmpdir(), 'lb-own-read-'));
    const store = await filled(await openStore(`sqlite:${join(dir, 'own.db')}`));
    try {
      await checkOwnRead(store);
      // Inside a transaction the rows may not be committed: no other connection reads them.
      await store.transaction(async (tx) => {
        expect(tx.parcels.planningSource(window)).toBeUndefined();
      });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('in a spare worker loaded ahead of the job, told where to read: the same document, and a new spare after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-own-read-'));
    const store = await filled(await openStore(`sqlite:${join(dir, 'spare.db')}`));
    try {
      const params = PlanParamsSchema.parse({ from: '2026-12-01', days: 3, proveMsPerContainer: 2_000 });
      const listed = await store.parcels.listForPlanning(window);
      const here = JSON.stringify(
        await computePlan({ network, fromMs, stored: listed }, fx, params, { landed, helpers: 0 }),
      );
      const deps = { store, network: () => network, fx, nowMs: () => NOW, landed, worker: { fxTables } };
      keepSparePlanWorker({});
      for (let run = 0; run < 2; run++) {
        expect(hasSparePlanWorker()).toBe(true);
        const phases: string[] = [];
        const job = (await store.plans.create(params))!;
        const computing = computePlanJobJson(
          deps,
          job,
          () => {},
          undefined,
          (phase) => phases.push(phase),
        );
        // the job took the spare
        await vi.waitFor(() => expect(hasSparePlanWorker()).toBe(false), { timeout: 5_000 });
        const { json } = await computing;
        expect(phases).toContain('read');
        expect(json).toBe(here);
        // and the next one is loading
        await vi.waitFor(() => expect(hasSparePlanWorker()).toBe(true), { timeout: 5_000 });
      }
    } finally {
      await closeSparePlanWorker();
      expect(hasSparePlanWorker()).toBe(false);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('on PostgreSQL: its own client, one read-only transaction through a cursor', async (t) => {
    const skip = await postgresSkipReason();
    if (skip) return t.skip(skip);
    const db = await freshDatabase('planjob_own_read');
    try {
      const store = await filled(await openStore(db.url));
      try {
        await checkOwnRead(store);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  }, 120_000);
});
