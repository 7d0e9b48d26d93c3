import { describe, expect, it } from 'vitest';
import { PLAN_FROM, sampleFx, sampleNetwork } from '../../test/fixtures/plan-data.ts';
import type { Network } from '../domain/index.ts';
import { generateParcels } from '../generate/index.ts';
import { expandDepartures } from '../network/index.ts';
import { createHighsSolver } from '../solver/index.ts';
import {
  freightCostMinor,
  planConsolidation,
  planDocument,
  planParcels,
  preparePlanContext,
  replanConsolidation,
  verifyPlan,
} from './index.ts';

const network = sampleNetwork;
const fx = sampleFx;
const FROM = PLAN_FROM;
const DAY = 86_400_000;

describe('re-planning around a closure with a start and an end', () => {
  it('affects the trains that reach the node in the window, next week, and not those before', async () => {
    const list = generateParcels({ count: 1500, seed: 21, from: '2026-12-01', days: 7 }).parcels.map(
      (p, i) => ({
        ...p,
        id: `r${String(i).padStart(5, '0')}`,
        readyAtMs: Date.parse(p.readyAt),
      }),
    );
    const solver = await createHighsSolver();
    const ctx = preparePlanContext(network, FROM, 7, fx);
    const parcels = planParcels(network, list, list.length);
    const doc = planDocument(ctx, parcels, planConsolidation(ctx, parcels, solver));
    // The node the plan's trains pass most often at distinct times; the closure starts after the
    // first half of those times: trains at the node before it are not affected, trains there in it are.
    const runs = new Map(expandDepartures(network, FROM, FROM + 60 * DAY).map((d) => [d.id, d]));
    const timesAt = (departureId: string, node: string) =>
      runs
        .get(departureId)!
        .legs.flatMap((l) => [
          ...(l.to === node ? [l.arriveAtMs] : []),
          ...(l.from === node ? [l.departAtMs] : []),
        ]);
    const seen = new Map<string, Set<number>>();
    for (const p of doc.parcels)
      for (const r of p.rides)
        for (const l of runs.get(r.departureId)!.legs)
          if (l.to !== network.hub) seen.set(l.to, (seen.get(l.to) ?? new Set()).add(l.arriveAtMs));
    const [node, times] = [...seen].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))[0]!;
    const sorted = [...times].sort((a, b) => a - b);
    const fromMs = sorted[Math.floor(sorted.length / 2)]!;
    const from = new Date(fromMs).toISOString();
    const to = new Date(sorted.at(-1)! + DAY).toISOString();
    expect(fromMs).toBeGreaterThan(FROM + DAY);
    const atNode = (departureId: string, inWindow: boolean) =>
      timesAt(departureId, node).some((t) => (t >= Date.parse(from) && t < Date.parse(to)) === inWindow);
    const hit = doc.parcels.filter((p) => p.rides.some((r) => atNode(r.departureId, true))).map((p) => p.id);
    const before = doc.parcels
      .filter((p) => p.rides.some((r) => atNode(r.departureId, false)) && !hit.includes(p.id))
      .map((p) => p.id);
    expect(hit.length).toBeGreaterThan(0);
    expect(before.length).toBeGreaterThan(0);
    const closed: Network = {
      ...network,
      disruptions: [
        { id: 'closed', nodeId: node, from, to, effect: 'closed', reason: 'closed', sources: [] },
      ],
    };
    const r = replanConsolidation(preparePlanContext(closed, FROM, 7, fx), parcels, doc, solver);
    const affected = new Set(r.affected);
    for (const id of hit) expect(affected.has(id), id).toBe(true);
    for (const id of before) expect(affected.has(id), id).toBe(false);
    // No planned parcel rides a train at the node while it is closed, and the re-plan holds.
    expect(r.document.parcels.some((p) => p.rides.some((x) => atNode(x.departureId, true)))).toBe(false);
    expect(verifyPlan(closed, new Map(list.map((p) => [p.id, p])), r.document, fx).violations).toEqual([]);
    // Both sides on the freight basis.
    expect(r.document.summary.costBasis).toBe('freight');
    expect(r.costBeforeMinor).toBe(freightCostMinor(doc));
  });
});
