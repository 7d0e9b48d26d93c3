import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parcelsFromJson } from '../src/domain/index.ts';
import { readTrackingData } from '../src/files/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { adoptPlan, applyDisruption, recomputeEta } from '../src/journey/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { sampleParcel } from './fixtures/journey.ts';
import { tinyNetwork } from './fixtures/networks.ts';

const NOW = Date.parse('2026-12-02T00:00:00Z');
const DEPARTURE = 'train@2026-12-03T10:00';
const network = tinyNetwork();
const defaults = readTrackingData().durations;
const DAY = 86_400_000;

describe('the disruption loop on a node: a border closed over a window', () => {
  let dir: string;
  let store: Store;
  let ids: string[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-disrupt-'));
    store = await openStore(`sqlite:${join(dir, 'd.db')}`, { nowMs: () => NOW });
    await store.sellers.upsert({ id: 'seller-a', name: 'A', country: 'CN' });
    ids = [
      ...(
        await importParcels(
          store,
          parcelsFromJson(
            [0, 1, 2].map((i) => ({
              ...sampleParcel(`D${i}`),
              sellerId: 'seller-a',
              readyAt: '2026-12-01T02:00:00Z',
            })),
            'd',
          ),
          { actor: { role: 'operator' }, receivedAtMs: NOW, sellerField: 'sellerId' },
        )
      ).parcelIds,
    ];
    const job = await store.plans.create({ days: 7 });
    await store.plans.update(job.id, {
      status: 'done',
      result: {
        parcels: ids.map((id) => ({
          id,
          rides: [{ departureId: DEPARTURE, to: 'waw', containerId: 'C-1' }],
          gateway: 'waw',
        })),
        departures: [
          {
            id: DEPARTURE,
            serviceId: 'train',
            departAt: '2026-12-03T02:00:00.000Z',
            containers: [{ id: 'C-1', type: '45G1' }],
          },
        ],
        held: [],
      },
    });
    await adoptPlan(store, { hubId: 'hub', network, planId: job.id, nowMs: NOW });
    await recomputeEta(store, { hubId: 'hub', network, defaults, nowMs: NOW });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds up every run reaching the node inside the window and moves its parcels’ ETA by the wait', async () => {
    const before = (await store.journeys.get('hub', ids[0]!))!.eta_p50_ms!;
    // The train reaches the border 3 days after leaving (4,320 min): 2026-12-06 02:00 UTC.
    const out = await applyDisruption(
      store,
      {
        nodeId: 'border',
        effect: 'closed',
        from: '2026-12-05T00:00:00Z',
        to: '2026-12-09T02:00:00Z',
        reason: 'crossing closed',
        replan: false,
      },
      { hubId: 'hub', network, defaults, nowMs: NOW },
    );
    expect(out).toMatchObject({ departures: [DEPARTURE], parcelsAffected: 3, replanId: null });
    const dep = (await store.journeys.departures('hub', [DEPARTURE])).get(DEPARTURE)!;
    expect(dep).toMatchObject({ delay_node: 'border', delay_minutes: 3 * 1440, reason: 'crossing closed' });
    const after = (await store.journeys.get('hub', ids[0]!))!.eta_p50_ms!;
    expect(after - before).toBeGreaterThan(2.5 * DAY);
    expect(after - before).toBeLessThan(3.5 * DAY);
  });

  it('refuses a disruption that names neither or both of a departure and a node, naming the field', async () => {
    await expect(
      applyDisruption(
        store,
        { effect: 'closed', reason: 'x' },
        { hubId: 'hub', network, defaults, nowMs: NOW },
      ),
    ).rejects.toMatchObject({ code: 'invalid-input', problems: [{ where: { field: 'departureId' } }] });
    await expect(
      applyDisruption(
        store,
        { departureId: 'train@2026-12-04T10:00', effect: 'closed', reason: 'x' },
        { hubId: 'hub', network, defaults, nowMs: NOW },
      ),
    ).rejects.toMatchObject({ code: 'invalid-input', problems: [{ where: { field: 'departureId' } }] });
  });
});
