/**
 * Hubs: parcels, plans, networks and keys belong to a hub; an operator key sees and plans only its
 * hubs; the sample's air hub plans by air only. On SQLite, and on PostgreSQL when it answers.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.ts';
import { parcelsFromJson } from '../../src/domain/index.ts';
import { fxConverter, readFxFile, readNetworkFile } from '../../src/files/index.ts';
import { generateParcels } from '../../src/generate/index.ts';
import { importParcels } from '../../src/intake/index.ts';
import { PlanRunner } from '../../src/jobs/index.ts';
import type { PlanDocument } from '../../src/plan/index.ts';
import { AIR_HUB_ID, airHubNetwork } from '../../src/sample/index.ts';
import { openStore, type Store, withHub } from '../../src/store/index.ts';
import { dialects } from '../fixtures/dialects.ts';

const network = readNetworkFile(new URL('../../data/network/chongqing.yaml', import.meta.url).pathname);
const air = airHubNetwork(network);
const fx = fxConverter(readFxFile(new URL('../../data/fx/rates.yaml', import.meta.url).pathname));
const NOW = Date.parse('2026-12-01T02:00:00Z');

describe('the sample air hub network', () => {
  it('has only air services, from a hub node beside the airport, and the zones flights reach', () => {
    expect(air.hub).toBe(AIR_HUB_ID);
    expect(air.services.length).toBeGreaterThan(5);
    expect(air.services.every((s) => s.mode === 'air')).toBe(true);
    expect(air.nodes.find((n) => n.id === AIR_HUB_ID)?.kind).toBe('hub');
    expect(air.nodes.some((n) => n.id === network.hub)).toBe(false);
    expect(air.transfers.filter((t) => t.from === AIR_HUB_ID).map((t) => t.to)).toEqual(['ckg']);
    const zones = new Set(air.lastMile.map((z) => z.country));
    expect(zones.has('DE')).toBe(true);
    expect(zones.has('RU')).toBe(false);
  });
});

for (const dialect of await dialects()) {
  describe.skipIf(dialect.skipReason !== undefined)(
    `hubs on ${dialect.name}${dialect.skipReason ? ` (skipped: ${dialect.skipReason})` : ''}`,
    () => {
      let store: Store;
      let app: FastifyInstance;
      let xiyongOperator: string;
      let airOperator: string;
      let parkOperator: string;
      let airParcelIds: string[];
      let xiyongParcelIds: string[];

      beforeAll(async () => {
        store = await openStore(await dialect.setUp());
        const load = async (seed: number, prefix: string) => {
          const { sellers, parcels } = generateParcels({ count: 300, seed, from: '2026-12-01', days: 2 });
          for (const s of sellers) await store.sellers.upsert(s);
          const named = parcels.map((p) => ({ ...p, externalOrderId: `${prefix}${p.externalOrderId}` }));
          const r = await importParcels(store, parcelsFromJson(named, 'generated'), {
            actor: { role: 'operator' },
            receivedAtMs: NOW,
            sellerField: 'sellerId',
          });
          return [...r.parcelIds];
        };
        xiyongParcelIds = await load(5, 'X-');
        airParcelIds = await withHub(AIR_HUB_ID, () => load(6, 'A-'));
        await withHub(AIR_HUB_ID, () => store.networkVersions.save(air, { activate: true }));
        await store.networkVersions.save(network, { activate: true });
        xiyongOperator = (await store.apiKeys.create({ role: 'operator', label: 'x' })).key;
        airOperator = (await store.apiKeys.create({ role: 'operator', label: 'a', hubId: AIR_HUB_ID })).key;
        parkOperator = (
          await store.apiKeys.create({ role: 'operator', label: 'p', otherHubIds: [AIR_HUB_ID] })
        ).key;
        app = await buildServer({
          store,
          network,
          hubNetworks: new Map([[AIR_HUB_ID, air]]),
          fx,
          nowMs: () => NOW,
        });
      }, 120_000);
      afterAll(async () => {
        await app?.close();
        await store?.close();
        await dialect.tearDown();
      });

      const get = (url: string, key: string, hub?: string) =>
        app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${key}`, ...(hub ? { 'landbridge-hub': hub } : {}) },
        });

      it('lists and reads only the parcels of the key’s hub', async () => {
        const mine = await get('/v1/parcels?limit=1000', airOperator);
        expect(mine.statusCode).toBe(200);
        const ids = mine
          .json()
          .items.map((p: { id: string }) => p.id)
          .sort();
        expect(ids).toEqual([...airParcelIds].sort());
        expect((await get(`/v1/parcels/${xiyongParcelIds[0]}`, airOperator)).statusCode).toBe(404);
        expect((await get(`/v1/parcels/${airParcelIds[0]}`, xiyongOperator)).statusCode).toBe(404);
        const theirs = await get('/v1/parcels?limit=1000', xiyongOperator);
        expect(theirs.json().items).toHaveLength(xiyongParcelIds.length);
      });

      it('refuses a hub the key does not reach, and lets a park operator name either of its hubs', async () => {
        const refused = await get('/v1/parcels', xiyongOperator, AIR_HUB_ID);
        expect(refused.statusCode).toBe(403);
        expect(refused.headers['content-type']).toMatch(/problem\+json/);
        expect((await get('/v1/parcels', airOperator, 'xiyong-hub')).statusCode).toBe(403);
        const there = await get('/v1/parcels?limit=1000', parkOperator, AIR_HUB_ID);
        expect(there.json().items).toHaveLength(airParcelIds.length);
        const home = await get('/v1/parcels?limit=1000', parkOperator);
        expect(home.json().items).toHaveLength(xiyongParcelIds.length);
      });

      it('serves each hub its own network', async () => {
        const a = (await get('/v1/network', airOperator)).json();
        expect(a.network.hub).toBe(AIR_HUB_ID);
        expect(a.summary.corridors).toEqual(['air']);
        const x = (await get('/v1/network', xiyongOperator)).json();
        expect(x.network.hub).toBe('xiyong-hub');
        expect(x.summary.corridors.length).toBeGreaterThan(1);
      });

      it('plans a hub’s parcels by its own network, and hides the plan from the other hub', async () => {
        const post = await app.inject({
          method: 'POST',
          url: '/v1/plans',
          headers: { authorization: `Bearer ${airOperator}` },
          payload: { from: '2026-12-01', days: 2 },
        });
        expect(post.statusCode).toBe(202);
        const id = post.json().id as string;
        await new PlanRunner(
          store,
          (hubId) => (hubId === AIR_HUB_ID ? air : network),
          fx,
          () => NOW,
        ).drain();
        const done = await get(`/v1/plans/${id}`, airOperator);
        expect(done.json().status).toBe('done');
        const plan = (await withHub(AIR_HUB_ID, () => store.plans.get(id)))!;
        expect(plan.hubId).toBe(AIR_HUB_ID);
        const doc = plan.result as PlanDocument;
        const planned = [...doc.parcels.map((p) => p.id), ...doc.held.map((h) => h.id)].sort();
        expect(planned).toEqual([...airParcelIds].sort());
        const airServices = new Set(air.services.map((s) => s.id));
        for (const p of doc.parcels)
          for (const r of p.rides) expect(airServices.has(r.departureId.split('@')[0]!)).toBe(true);
        expect(doc.parcels.length).toBeGreaterThan(0);
        // The other hub's operator neither reads nor lists it.
        expect((await get(`/v1/plans/${id}`, xiyongOperator)).statusCode).toBe(404);
        const listed = (await get('/v1/plans', xiyongOperator)).json().plans.map((p: { id: string }) => p.id);
        expect(listed).not.toContain(id);
      }, 120_000);

      it('tracks any hub’s parcel publicly by its number (no key), the other hub’s details never shown', async () => {
        await withHub(AIR_HUB_ID, () => store.journeys.ensure(AIR_HUB_ID, airParcelIds.slice(0, 1)));
        const j = await withHub(AIR_HUB_ID, () => store.journeys.get(AIR_HUB_ID, airParcelIds[0]!));
        const res = await app.inject({ method: 'GET', url: `/v1/track/${j!.tracking_number}` });
        expect(res.statusCode).toBe(200);
        expect(res.json().number).toBe(j!.tracking_number);
        expect(JSON.stringify(res.json())).not.toContain(airParcelIds[0]!);
      });
    },
  );
}
