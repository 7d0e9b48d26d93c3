import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrackingData } from '../src/files/index.ts';
import { recordEvents } from '../src/journey/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { DurationModel, type SimParcel, simulateJourneys } from '../src/tracking/index.ts';
import { sampleParcel } from './fixtures/journey.ts';
import { tinyNetwork } from './fixtures/networks.ts';

const network = tinyNetwork();
const model = new DurationModel(network, readTrackingData().durations);
const DEPARTURE = 'train@2026-12-03T10:00';
const scheduledMs = Date.parse('2026-12-03T02:00:00Z');

const parcels = (ids: readonly string[]): SimParcel[] =>
  ids.map((parcelId, i) => ({
    parcelId,
    readyAtMs: Date.parse('2026-12-01T02:00:00Z') + i * 60_000,
    weightG: 400,
    ride: { departureId: DEPARTURE, serviceId: 'train', scheduledMs, to: 'waw', containerId: `C-${i % 2}` },
    gateway: 'waw',
    zoneId: 'pl',
  }));

describe('landbridge simulate: a month of events from a plan', () => {
  let dir: string | undefined;
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the same events for the same seed, marked simulated, one departure per container', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `P${i}`);
    const now = Date.parse('2027-01-30T00:00:00Z');
    const a = simulateJourneys({ network, model, parcels: parcels(ids), nowMs: now, seed: 's1' });
    const b = simulateJourneys({ network, model, parcels: parcels(ids), nowMs: now, seed: 's1' });
    expect(a).toEqual(b);
    expect(a.every((e) => e.input.simulated === true)).toBe(true);
    const departed = a.filter((e) => e.input.code === 'DEPARTED' && e.input.place === 'hub');
    expect(departed.map((e) => e.input.containerId).sort()).toEqual(['C-0', 'C-1']);
    // The stop at the border lies within the defaults' range for the leg (P0–P100 of the default).
    const crossed = a.find((e) => e.input.code === 'BORDER_CROSSED' && e.input.containerId === 'C-0')!;
    const left = a.find(
      (e) => e.input.code === 'DEPARTED' && e.input.containerId === 'C-0' && e.input.place === 'border',
    )!;
    const dwellMin = (left.atMs - crossed.atMs) / 60_000;
    expect(dwellMin).toBeGreaterThanOrEqual(
      model.get({ kind: 'dwell', serviceId: 'train', leg: 0 }).fn.at(0) - 1,
    );
    expect(dwellMin).toBeLessThanOrEqual(
      model.get({ kind: 'dwell', serviceId: 'train', leg: 0 }).fn.at(1) + 1,
    );
    const before = simulateJourneys({
      network,
      model,
      parcels: parcels(ids),
      nowMs: scheduledMs,
      seed: 's1',
    });
    expect(before.every((e) => e.atMs <= scheduledMs)).toBe(true);
    expect(before.some((e) => e.input.code === 'DELIVERED')).toBe(false);
  });

  it('writes events the state machines accept: parcels delivered, held or failed on the way', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-sim-'));
    const now = Date.parse('2027-01-30T00:00:00Z');
    store = await openStore(`sqlite:${join(dir, 's.db')}`, { nowMs: () => now });
    await store.sellers.upsert({ id: 'seller-a', name: 'A', country: 'CN' });
    const { importParcels } = await import('../src/intake/index.ts');
    const { parcelsFromJson } = await import('../src/domain/index.ts');
    const imported = await importParcels(
      store,
      parcelsFromJson(
        Array.from({ length: 30 }, (_, i) => ({
          ...sampleParcel(`S${i}`),
          sellerId: 'seller-a',
          readyAt: '2026-12-01T02:00:00Z',
        })),
        'sim',
      ),
      { actor: { role: 'operator' }, receivedAtMs: now, sellerField: 'sellerId' },
    );
    const events = simulateJourneys({
      network,
      model,
      parcels: parcels(imported.parcelIds),
      nowMs: now,
      seed: 's2',
    });
    const r = await recordEvents(
      store,
      events.map((e) => e.input),
      {
        hubId: 'hub',
        network,
        actor: { role: 'system', name: 'simulation' },
        nowMs: now,
      },
    );
    expect(r.recorded).toBe(events.length);
    const statuses = await store.db.selectFrom('parcels').select('status').execute();
    expect(statuses.filter((s) => s.status === 'delivered').length).toBeGreaterThan(20);
    const simulated = await store.db
      .selectFrom('tracking_events')
      .select('simulated')
      .where('simulated', '=', 0)
      .execute();
    expect(simulated).toHaveLength(0);
  });
  it('runs the whole itinerary: gauge change, transshipment into the next ride, import release, delivery', () => {
    const gauge = {
      ...network,
      nodes: network.nodes.map((n) => (n.id === 'border' ? { ...n, name: 'Border (gauge change)' } : n)),
    };
    const m = new DurationModel(gauge, readTrackingData().durations);
    const second = Date.parse('2026-12-07T02:00:00Z');
    const ride = (departureId: string, at: number, to: string, containerId: string) => ({
      departureId,
      serviceId: 'train',
      scheduledMs: at,
      to,
      containerId,
    });
    const events = simulateJourneys({
      network: gauge,
      model: m,
      nowMs: Date.parse('2027-01-30T00:00:00Z'),
      seed: 'itinerary',
      rates: { exportHold: 0, importHold: 0, deliveryFailed: 0, reweigh: 0, lateDeparture: 0 },
      parcels: [
        {
          parcelId: 'T1',
          readyAtMs: Date.parse('2026-12-01T02:00:00Z'),
          weightG: 400,
          ride: ride(DEPARTURE, scheduledMs, 'border', 'C-A'),
          onward: [ride('train@2026-12-07T10:00', second, 'waw', 'C-B')],
          gateway: 'waw',
          zoneId: 'pl',
        },
        {
          parcelId: 'D1',
          readyAtMs: Date.parse('2026-12-01T02:00:00Z'),
          weightG: 400,
          ride: ride(DEPARTURE, scheduledMs, 'waw', 'C-D'),
          gateway: 'waw',
          zoneId: 'pl',
        },
      ],
    });
    const of = (key: string, value: string) => events.filter((e) => e.input[key] === value);
    const t1 = of('parcelId', 'T1').map((e) => `${e.input.code}@${e.input.place}`);
    expect(t1).toEqual([
      'HUB_RECEIVED@hub',
      'CONSOLIDATED@hub',
      'CONSOLIDATED@border',
      'IMPORT_CUSTOMS_RELEASED@waw',
      'HANDED_TO_LAST_MILE@waw',
      'OUT_FOR_DELIVERY@waw',
      'DELIVERED@waw',
    ]);
    // The first container ends its ride at the border and is stripped there; the parcel then goes
    // into the second ride's container before that one is gated in, boarded on the run's way (leg 1).
    const a = of('containerId', 'C-A').map((e) => `${e.input.code}@${e.input.place}`);
    expect(a.slice(-2)).toEqual(['ARRIVED@border', 'DECONSOLIDATED@border']);
    const b = of('containerId', 'C-B').filter((e) => e.input.parcelId === undefined);
    const into = of('eventId', 'sim:cons:T1:C-B')[0]!;
    const stripA = of('eventId', 'sim:strip:C-A')[0]!;
    const gateB = b.find((e) => e.input.code === 'GATED_IN')!;
    expect(into.atMs).toBeGreaterThan(stripA.atMs);
    expect(into.atMs).toBeLessThan(gateB.atMs);
    expect(b.map((e) => `${e.input.code}@${e.input.place}`)).toEqual([
      'GATED_IN@border',
      'LOADED@border',
      'DEPARTED@border',
      'ARRIVED@waw',
      'DECONSOLIDATED@waw',
    ]);
    // The timetable to the border: the run left the hub at 02:00Z and reaches it 3 days + 12 h later.
    expect(b.find((e) => e.input.code === 'DEPARTED')!.atMs).toBe(second + (4320 + 720) * 60_000);
    // A run through the gauge change: crossed, containers lifted during the stop, departed.
    const d = of('containerId', 'C-D').map((e) => `${e.input.code}@${e.input.place}`);
    expect(d).toContain('DISCHARGED@border');
    expect(d.indexOf('BORDER_CROSSED@border')).toBeLessThan(d.indexOf('DISCHARGED@border'));
    expect(d.indexOf('DISCHARGED@border')).toBeLessThan(d.indexOf('DEPARTED@border'));
    // Import release comes after the stripping at the gateway and before the hand-over.
    const times = (id: string) => events.find((e) => e.input.eventId === id)!.atMs;
    expect(times('sim:irel:D1')).toBeGreaterThan(times('sim:strip:C-D'));
    expect(times('sim:irel:D1')).toBeLessThan(times('sim:hand:D1'));
  });
});
