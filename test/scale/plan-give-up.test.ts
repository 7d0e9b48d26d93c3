/**
 * A plan whose worker dies on every attempt does not stay `running`: once the queue gives its job up
 * (the last lease ran out), the plan is failed with the reason. On pg-boss, against the real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fxConverter, readFxFile, readNetworkFile } from '../../src/files/index.ts';
import { PgBossQueue, planJob } from '../../src/jobs/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { freshDatabase, postgresSkipReason } from './pg-database.ts';

const network = readNetworkFile(new URL('../../data/network/chongqing.yaml', import.meta.url).pathname);
const fxTables = readFxFile(new URL('../../data/fx/rates.yaml', import.meta.url).pathname);

const until = async (check: () => Promise<boolean>, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(
  `a plan given up by its queue${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let db: Awaited<ReturnType<typeof freshDatabase>>;
    let store: Store;
    beforeAll(async () => {
      db = await freshDatabase('lb_scale_giveup');
      store = await openStore(db.url);
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    }, 60_000);

    it('is failed with the reason once the worker running it died on every attempt', async () => {
      // A worker "dies" mid-plan: its plan hangs reading parcels until the worker goes (without finishing
      // the job or renewing its lease), as a killed process would leave it.
      let kill: (e: Error) => void = () => {};
      const hanging = new Proxy(store, {
        get(target, key, receiver) {
          if (key !== 'parcels') return Reflect.get(target, key, receiver);
          return {
            ...target.parcels,
            listForPlanning: () =>
              new Promise((_resolve, reject) => {
                kill = reject;
              }),
          };
        },
      });
      const worker = () => {
        const q = new PgBossQueue({ connectionString: db.url, pollSeconds: 0.5, maintenanceSeconds: 1 });
        q.define({
          ...planJob(
            {
              store: hanging,
              network: () => network,
              fx: fxConverter(fxTables),
              nowMs: Date.now,
              worker: { fxTables },
            },
            1,
          ),
          leaseSeconds: 1,
        });
        return q;
      };
      const plan = await store.plans.create({ from: '2026-12-01', days: 1 });
      for (let attempt = 1; attempt <= 2; attempt++) {
        const q = worker();
        await q.start({ work: true });
        if (attempt === 1) await q.send('plan', { planId: plan.id }, { key: plan.id });
        await until(async () => (await store.plans.get(plan.id))?.attempts === attempt);
        expect((await store.plans.get(plan.id))?.status).toBe('running');
        const stopping = q.stop({ release: false });
        kill(new Error('killed'));
        await stopping;
      }
      // Nobody finished it: the last lease runs out, pg-boss gives the job up, and a worker fails the plan.
      const last = worker();
      await last.start({ work: true });
      try {
        await until(async () => (await store.plans.get(plan.id))?.status === 'failed');
      } finally {
        await last.stop();
      }
      const failed = (await store.plans.get(plan.id))!;
      expect(failed.attempts).toBe(2);
      expect(failed.error).toBe(
        'the plan job was given up after 2 attempts: the worker running it stopped or lost its lease (it was not heard of within the lease)',
      );
    }, 90_000);
  },
);
