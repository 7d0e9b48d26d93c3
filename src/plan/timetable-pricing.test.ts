import { beforeAll, describe, expect, it } from 'vitest';
import { PLAN_FROM, sampleFx, sampleNetwork } from '../../test/fixtures/plan-data.ts';
import type { Network } from '../domain/index.ts';
import { generateParcels } from '../generate/index.ts';
import { createHighsSolver } from '../solver/index.ts';
import { sampleAggregation } from './aggregate.ts';
import {
  aggregate,
  type MipSolver,
  type PlanCandidate,
  planConsolidation,
  planDocument,
  planParcels,
  preparePlanContext,
  priceCommodity,
  solveRelaxation,
  verifyPlan,
} from './index.ts';
import { withRiddenItineraries } from './plan.ts';
import { addCandidates } from './pricing.ts';
import { parcelsFromMixes } from './settle.ts';
import { capDayOf, searchCapMs, TimetablePrices, TimetableSearch } from './timetable-pricing.ts';

const network = sampleNetwork;
const fx = sampleFx;
const FROM = PLAN_FROM;
const SETTINGS = { latePenaltyMinorPerDay: 500, holdPenaltyMinor: 45_000 };

/**
 * One small container (300 kg) a run and little loose space (200 kg, 800 L a flight): parcels for a
 * lane fill its first runs (the candidates: the earliest and one later first departure per pattern),
 * and the rest must wait for later runs or be held.
 */
const tight: Network = {
  ...network,
  equipment: network.equipment.map((e) => ({ ...e, payloadG: 300_000 })),
  services: network.services.map((s) => ({
    ...s,
    capacity: {
      ...s.capacity,
      containers: s.capacity.containers.map((c) => ({ ...c, count: 1 })),
      ...(s.capacity.weightKg !== undefined ? { weightKg: 200 } : {}),
      ...(s.capacity.volumeL !== undefined ? { volumeL: 800 } : {}),
    },
  })),
};

function inputs(count: number) {
  return generateParcels({ count, seed: 11, from: '2026-12-01', days: 2 }).parcels.map((p, i) => ({
    ...p,
    id: `t${String(i).padStart(5, '0')}`,
    readyAtMs: Date.parse(p.readyAt),
  }));
}

describe('pricing itineraries over the whole timetable', () => {
  let solver: MipSolver;
  beforeAll(async () => {
    solver = await createHighsSolver();
  });

  it('finds a later run no candidate takes, and plans on it below what the candidates allow', () => {
    const list = inputs(3000);
    const byId = new Map(list.map((p) => [p.id, p]));
    const plan = (timetable: boolean) => {
      const ctx = preparePlanContext(tight, FROM, 2, fx);
      const parcels = planParcels(tight, list, list.length);
      const first = aggregate(ctx, parcels);
      const outcome = planConsolidation(ctx, parcels, solver, { timetable, linking: false });
      return { ctx, parcels, first, outcome, doc: planDocument(ctx, parcels, outcome) };
    };
    const over = plan(true);
    const only = plan(false);
    const r = over.outcome.relaxation;
    expect(r.itinerariesPriced).toBeGreaterThan(0);
    expect(r.covers).toBe('all-timetable-itineraries');
    expect(over.doc.summary.boundCovers.itineraries).toBe('all-timetable-itineraries');
    expect(over.doc.summary.boundCovers.itinerariesPriced).toBe(r.itinerariesPriced);
    expect(only.doc.summary.boundCovers.itineraries).toBe('candidate-itineraries');
    // Some parcels ride an itinerary that is not among their route class's first candidates.
    const a = over.outcome.assignment;
    let beyond = 0;
    over.first.commodities.forEach((c) => {
      const firstCount = over.first.candidates[c.routeClass]!.length;
      for (const p of c.parcels) if (a.candidate[p]! >= firstCount) beyond++;
    });
    expect(beyond).toBeGreaterThan(0);
    // Waiting for the third run beats holding: fewer held, lower cost; and the candidates' bound is
    // no bound over all plans: this plan costs less than it.
    expect(over.doc.summary.held).toBeLessThan(only.doc.summary.held);
    expect(over.outcome.stats.costs.totalMinor).toBeLessThan(only.outcome.stats.costs.totalMinor);
    expect(over.outcome.stats.costs.totalMinor).toBeLessThan(only.outcome.relaxation.boundMinor);
    expect(over.outcome.lowerBoundMinor).toBeLessThanOrEqual(over.outcome.stats.costs.totalMinor);
    expect(verifyPlan(tight, byId, over.doc, fx).violations).toEqual([]);
  });

  it('at scale (samples, the search after the rounds), bounds plans over itineraries outside the candidates', () => {
    // The path plans of 250,000 parcels or more take, forced on 3,000 (`sampleFrom: 0`): a sample
    // searched over the timetable first, the rounds from its prices over the candidates with the
    // itineraries its solution rides, one search after.
    const list = inputs(3000);
    const byId = new Map(list.map((p) => [p.id, p]));
    const plan = (options: Parameters<typeof planConsolidation>[3]) => {
      const ctx = preparePlanContext(tight, FROM, 2, fx);
      const parcels = planParcels(tight, list, list.length);
      const first = aggregate(ctx, parcels);
      const outcome = planConsolidation(ctx, parcels, solver, { linking: false, ...options });
      return { first, outcome, doc: planDocument(ctx, parcels, outcome) };
    };
    const steps: string[] = [];
    const scale = plan({ sampleFrom: 0, onProgress: (stage) => steps.push(stage) });
    expect(steps).toContain('timetable sample');
    expect(steps).not.toContain('sample');
    const r = scale.outcome.relaxation;
    expect(r.covers).toBe('all-timetable-itineraries');
    expect(scale.doc.summary.boundCovers.itineraries).toBe('all-timetable-itineraries');
    expect(r.itinerariesPriced).toBeGreaterThan(0);
    // Plans over itineraries outside the first candidates: this path's own, and the one searched each
    // round (below 250,000 parcels). Both ride runs no candidate takes; both cost at least the bound.
    const each = plan({});
    for (const { first, outcome } of [scale, each]) {
      let beyond = 0;
      first.commodities.forEach((c) => {
        const firstCount = first.candidates[c.routeClass]!.length;
        for (const p of c.parcels) if (outcome.assignment.candidate[p]! >= firstCount) beyond++;
      });
      expect(beyond).toBeGreaterThan(0);
      expect(scale.outcome.lowerBoundMinor).toBeLessThanOrEqual(outcome.stats.costs.totalMinor);
      expect(r.boundMinor).toBeLessThanOrEqual(outcome.stats.costs.totalMinor);
    }
    // A bound over the candidates alone is none over those plans: the timetable's plan costs less.
    const only = plan({ sampleFrom: 0, timetable: false });
    expect(only.outcome.relaxation.covers).toBe('candidate-itineraries');
    expect(each.outcome.stats.costs.totalMinor).toBeLessThan(only.outcome.relaxation.boundMinor);
    expect(verifyPlan(tight, byId, scale.doc, fx).violations).toEqual([]);
  });

  it('after the rounds, searches again and goes on until the search finds nothing cheaper', () => {
    const list = inputs(1500);
    const ctx = preparePlanContext(tight, FROM, 2, fx);
    const parcels = planParcels(tight, list, list.length);
    const agg = aggregate(ctx, parcels);
    const options = { tolerance: 1e-4, maxRounds: 100, wholeContainers: false };
    const after = solveRelaxation(ctx, parcels, agg, solver, SETTINGS, {
      ...options,
      timetableSearch: 'after-rounds',
      finalSearches: 10,
    });
    const each = solveRelaxation(ctx, parcels, aggregate(ctx, parcels), solver, SETTINGS, options);
    const candidates = solveRelaxation(ctx, parcels, aggregate(ctx, parcels), solver, SETTINGS, {
      ...options,
      timetable: false,
    });
    expect(after.covers).toBe('all-timetable-itineraries');
    expect(after.itinerariesPriced).toBeGreaterThan(0);
    // The candidates' LP is well above the timetable's: their bound is none over all plans. Searched
    // after the rounds, the bound comes down below the timetable's LP (any master over some of its
    // itineraries is above it), and the rounds after the searches bring it to within the tolerance.
    expect(candidates.masterMinor).toBeGreaterThan(each.masterMinor * 1.1);
    expect(after.boundMinor).toBeLessThanOrEqual(each.masterMinor);
    expect(after.boundMinor).toBeLessThanOrEqual(after.masterMinor);
    expect(each.masterMinor - after.boundMinor).toBeLessThan(1e-4 * each.masterMinor);
  });

  it('finds nothing that would lower the master once column generation has converged', () => {
    const list = inputs(1500);
    const ctx = preparePlanContext(tight, FROM, 2, fx);
    const parcels = planParcels(tight, list, list.length);
    const agg = aggregate(ctx, parcels);
    const r = solveRelaxation(ctx, parcels, agg, solver, SETTINGS, {
      tolerance: 1e-9,
      maxRounds: 100,
      wholeContainers: false,
    });
    expect(r.itinerariesPriced).toBeGreaterThan(0);
    // Strong duality over every itinerary: the bound at the master's prices is the master's optimum
    // (to the LP's tolerances: within a few minor units in millions).
    expect(r.boundAllMinor).toBeLessThanOrEqual(r.masterMinor + 1e-6);
    expect(r.masterMinor - r.boundAllMinor).toBeLessThan(2e-5 * r.masterMinor);
    // Search the timetable once more at the master's final prices: whatever itineraries it returns,
    // no parcel is cheaper on them than on the candidates the master already has.
    const table = r.table;
    let maxPromise = 0;
    for (const c of r.aggregation.commodities)
      maxPromise = Math.max(maxPromise, parcels.promiseDay[c.parcels[c.count - 1]!]!);
    const search = new TimetableSearch(
      ctx,
      new TimetablePrices(ctx, table, r.masterPrices),
      searchCapMs(maxPromise, SETTINGS.latePenaltyMinorPerDay, SETTINGS.holdPenaltyMinor),
    );
    r.aggregation.commodities.forEach((c, ci) => {
      const before = priceCommodity(table, r.aggregation, ci, parcels, SETTINGS, r.masterPrices).pricedMinor;
      const found = search.newItineraries(
        r.aggregation.routeClasses[c.routeClass]!,
        table.commodities[ci]!.candidates,
        capDayOf(parcels.promiseDay[c.parcels[c.count - 1]!]!, 500, 45_000),
      );
      if (found.length === 0) return;
      addCandidates(ctx, table, ci, found);
      const prices = search.prices.extended();
      const after = priceCommodity(table, r.aggregation, ci, parcels, SETTINGS, prices).pricedMinor;
      expect(after).toBeGreaterThanOrEqual(before - 1e-6 * Math.abs(before) - 1e-6);
    });
  });

  /** 3,000 parcels on the tight network and a one-in-`every` sample solved over the whole timetable. */
  const sampledOverTimetable = (every: number) => {
    const list = inputs(3000);
    const ctx = preparePlanContext(tight, FROM, 2, fx);
    const parcels = planParcels(tight, list, list.length);
    const agg = aggregate(ctx, parcels);
    const few = sampleAggregation(agg, parcels, every);
    const sample = solveRelaxation(ctx, parcels, few.aggregation, solver, SETTINGS, {
      timetable: true,
      capacityScale: few.share,
    });
    return { ctx, agg, sample };
  };

  it('at scale, starts the rounds with the itineraries the timetable sample rides, after the first ones', () => {
    const { agg, sample } = sampledOverTimetable(3);
    const routed = withRiddenItineraries(agg, sample);
    let gained = 0;
    agg.candidates.forEach((first, rc) => {
      const now = routed.candidates[rc]!;
      // The first candidates keep their places (a re-plan's kept itineraries index them).
      expect(now.slice(0, first.length)).toEqual(first);
      const added = now.slice(first.length);
      expect(new Set(added).size).toBe(added.length);
      gained += added.length;
    });
    expect(gained).toBeGreaterThan(0);
    // Exactly the found itineraries the sample's solution puts parcels on.
    sample.aggregation.commodities.forEach((c, ci) => {
      const found = sample.table.commodities[ci]!.candidates;
      const first = agg.candidates[c.routeClass]!.length;
      const ridden = new Set<number>();
      for (const m of sample.mixes[ci]!) for (const k of m.choice) if (k >= first) ridden.add(k);
      expect(routed.candidates[c.routeClass]!.slice(first)).toEqual(
        [...ridden].sort((a, b) => a - b).map((k) => found[k]),
      );
    });
  });

  it('gives route classes the sample missed the chains it rides from their ready bucket', () => {
    const { ctx, agg, sample } = sampledOverTimetable(40);
    const alone = withRiddenItineraries(agg, sample);
    const shared = withRiddenItineraries(agg, sample, { ctx, most: 2 });
    const sampled = new Set(sample.aggregation.commodities.map((c) => c.routeClass));
    const chain = (k: PlanCandidate) => `${k.pattern}|${k.rides.map((r) => r.run).join(',')}`;
    // The chains the sample rides, by ready bucket.
    const ridden = new Map<number, Set<string>>();
    agg.routeClasses.forEach((rc, i) => {
      if (!sampled.has(i)) return;
      const set = ridden.get(rc.bucket) ?? new Set<string>();
      for (const k of alone.candidates[i]!.slice(agg.candidates[i]!.length)) set.add(chain(k));
      ridden.set(rc.bucket, set);
    });
    let gained = 0;
    for (const c of agg.commodities) {
      const rc = agg.routeClasses[c.routeClass]!;
      const first = agg.candidates[c.routeClass]!;
      const now = shared.candidates[c.routeClass]!;
      expect(now.slice(0, first.length)).toEqual(first);
      if (sampled.has(c.routeClass)) {
        expect(now).toEqual(alone.candidates[c.routeClass]);
        continue;
      }
      const added = now.slice(first.length);
      expect(added.length).toBeLessThanOrEqual(2);
      const keys = now.map(chain);
      expect(new Set(keys).size).toBe(keys.length);
      for (const k of added) {
        // A chain the sample rides from the class's own bucket, costed and delivered for its zone.
        expect(ridden.get(rc.bucket)?.has(chain(k))).toBe(true);
        expect(ctx.network.lastMile[rc.zone]!.gateways).toContain(k.gateway);
      }
      gained += added.length;
    }
    expect(gained).toBeGreaterThan(0);
  });

  it('leaves contested parcels to the assignment above the settling limit', () => {
    const list = inputs(1500);
    const ctx = preparePlanContext(tight, FROM, 2, fx);
    const parcels = planParcels(tight, list, list.length);
    const options = { timetable: false, maxRounds: 3 };
    const settled = solveRelaxation(ctx, parcels, aggregate(ctx, parcels), solver, SETTINGS, options);
    const left = solveRelaxation(ctx, parcels, aggregate(ctx, parcels), solver, SETTINGS, {
      ...options,
      settleUpTo: 0,
    });
    // Without the parcel-level LP the mixes' own split stands, parcel for parcel.
    const mixes = parcelsFromMixes(left.aggregation, left.mixes, parcels.count);
    expect(left.settled.split.size).toBe(mixes.split.size);
    expect([...left.settled.choice]).toEqual([...mixes.choice]);
    expect(left.settled.split.size).toBeGreaterThan(0);
    // The LP settles nearly all of them.
    expect(settled.settled.split.size).toBeLessThan(left.settled.split.size);
  });
});
