/**
 * Issue 11 item 11: plan jobs are fair. The operator's plan is never stuck behind sellers' jobs (it is
 * taken first and has a slot of its own); a seller runs one job at a time and queues only a few.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.ts';
import { parcelsFromJson } from '../src/domain/index.ts';
import { fxConverter, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { fairClaim, PlanRunner } from '../src/jobs/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

const network = readNetworkFile(new URL('../data/network/chongqing.yaml', import.meta.url).pathname);
const fxTables = readFxFile(new URL('../data/fx/rates.yaml', import.meta.url).pathname);
const fx = fxConverter(fxTables);
const NOW = Date.parse('2026-12-01T02:00:00Z');

describe('fair plan jobs', () => {
  it('claims: a free slot takes anything; a seller with a job running waits; the last slot is the operator’s', () => {
    expect(fairClaim(2, [])).toEqual({});
    expect(fairClaim(2, ['s1'])).toEqual({ operatorOnly: true });
    expect(fairClaim(2, [undefined])).toEqual({});
    expect(fairClaim(2, [undefined, 's1'])).toBeUndefined();
    expect(fairClaim(3, ['s1'])).toEqual({ exceptSellers: ['s1'] });
    expect(fairClaim(3, ['s1', 's2'])).toEqual({ operatorOnly: true });
    expect(fairClaim(1, ['s1'])).toBeUndefined();
    expect(fairClaim(1, [])).toEqual({});
  });

  describe('over the API and the runner', () => {
    let dir: string;
    let store: Store;
    let app: FastifyInstance;
    let operator: string;
    const sellerKeys: string[] = [];
    const sellerIds: string[] = [];
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lb-fair-'));
      store = await openStore(`sqlite:${join(dir, 'fair.db')}`);
      const { sellers, parcels } = generateParcels({ count: 1200, seed: 5, from: '2026-12-01', days: 2 });
      for (const s of sellers) await store.sellers.upsert(s);
      await importParcels(store, parcelsFromJson(parcels, 'generated'), {
        actor: { role: 'operator' },
        receivedAtMs: NOW,
      });
      operator = (await store.apiKeys.create({ role: 'operator', label: 't' })).key;
      for (const s of sellers.slice(0, 3)) sellerIds.push(s.id);
      for (const s of sellers.slice(0, 3))
        sellerKeys.push((await store.apiKeys.create({ role: 'seller', sellerId: s.id, label: 't' })).key);
      app = await buildServer({ store, network, fx, nowMs: () => NOW });
    });
    afterAll(async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const queue = (key: string, payload: object = { from: '2026-12-01', days: 2 }) =>
      app.inject({ method: 'POST', url: '/v1/plans', headers: { authorization: `Bearer ${key}` }, payload });

    it('refuses a seller key planning at all (403: planning is the operator’s, issue 14)', async () => {
      for (const key of sellerKeys) expect((await queue(key)).statusCode).toBe(403);
      // Seller jobs still exist (queued before planning became the operator's, or by the hub for a
      // seller): six of them wait in line here.
      for (const sellerId of sellerIds) {
        await store.plans.create({ from: '2026-12-01', days: 2 }, sellerId);
        await store.plans.create({ from: '2026-12-01', days: 2 }, sellerId);
      }
      expect((await store.plans.list({ status: 'queued' })).length).toBe(6);
    });

    it('runs the operator’s plan, queued behind six seller jobs, at once beside them', async () => {
      const op = (await queue(operator, { from: '2026-12-01', days: 1, maxRounds: 5 })).json().id as string;
      const runner = new PlanRunner(
        store,
        () => network,
        fx,
        () => NOW,
        50,
        undefined,
        { fxTables },
        { slots: 2 },
      );
      const doneOrder: string[] = [];
      const seen = new Set<string>();
      let maxSellersAtOnce = 0;
      await runner.start();
      try {
        for (let i = 0; i < 2400 && !seen.has(op); i++) {
          const jobs = await store.plans.list();
          const running = jobs.filter((j) => j.status === 'running');
          maxSellersAtOnce = Math.max(maxSellersAtOnce, running.filter((j) => j.sellerId).length);
          for (const j of jobs)
            if ((j.status === 'done' || j.status === 'failed') && !seen.has(j.id)) {
              seen.add(j.id);
              doneOrder.push(j.sellerId ?? 'operator');
            }
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await runner.stop();
      }
      // before: one at a time, oldest first, the operator's plan last of seven; now at most the seller
      // job that was running beside it finished first
      expect(doneOrder.indexOf('operator')).toBeGreaterThanOrEqual(0);
      expect(doneOrder.indexOf('operator')).toBeLessThanOrEqual(1);
      expect((await store.plans.list({ status: 'queued' })).length).toBeGreaterThanOrEqual(4);
      expect((await store.plans.get(op))?.status).toBe('done');
      // sellers share the one slot that is not the operator's
      expect(maxSellersAtOnce).toBe(1);
    }, 240_000);
  });
});
