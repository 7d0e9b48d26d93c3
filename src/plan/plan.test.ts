import { beforeAll, describe, expect, it } from 'vitest';
import { PLAN_FROM, sampleFx, sampleNetwork } from '../../test/fixtures/plan-data.ts';
import type { Network } from '../domain/index.ts';
import { generateParcels } from '../generate/index.ts';
import { createHighsSolver } from '../solver/index.ts';
import {
  aggregate,
  disaggregate,
  evaluatePlan,
  lagrangianBound,
  type MipSolver,
  mostParcelsIn,
  type PlanDocument,
  parcelLevelModel,
  planConsolidation,
  planDocument,
  planGreedy,
  planParcels,
  preparePlanContext,
  replanConsolidation,
  solveRelaxation,
  verifyPlan,
} from './index.ts';

const network = sampleNetwork;
const fx = sampleFx;
const FROM = PLAN_FROM;

/** One small container a departure and little loose space: far more parcels than room. */
const scarce: Network = {
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

function inputs(count: number, seed: number) {
  return generateParcels({ count, seed, from: '2026-12-01', days: 7 }).parcels.map((p, i) => ({
    ...p,
    id: `p${String(i).padStart(6, '0')}`,
    readyAtMs: Date.parse(p.readyAt),
  }));
}

function run(net: Network, list: ReturnType<typeof inputs>, solver: MipSolver, timetable = true) {
  const ctx = preparePlanContext(net, FROM, 7, fx);
  const parcels = planParcels(net, list, list.length);
  const outcome = planConsolidation(ctx, parcels, solver, { timetable });
  return { ctx, parcels, outcome, doc: planDocument(ctx, parcels, outcome) };
}

describe('consolidation planner', () => {
  let solver: MipSolver;
  const list = inputs(3000, 5);
  /** The plan of `list` on the sample network, made once for the tests that read it. */
  let made: ReturnType<typeof run>;
  beforeAll(async () => {
    solver = await createHighsSolver();
    made = run(network, list, solver);
  });

  it('makes a plan that the independent check accepts, at a cost the check recomputes', () => {
    const { doc } = made;
    const check = verifyPlan(network, new Map(list.map((p) => [p.id, p])), doc, fx);
    expect(check.violations).toEqual([]);
    expect(Math.abs(check.costMinor - check.claimedCostMinor)).toBeLessThan(doc.parcels.length * 2);
    expect(doc.summary.planned + doc.summary.held).toBe(3000);
  });

  it('costs no more than the greedy rule and no less than its lower bound', () => {
    const { ctx, parcels, outcome } = made;
    const greedy = planGreedy(ctx, parcels, outcome.aggregation);
    const greedyStats = evaluatePlan(ctx, parcels, outcome.aggregation, greedy.assignment);
    expect(outcome.stats.costs.totalMinor).toBeLessThanOrEqual(greedyStats.costs.totalMinor);
    expect(outcome.lowerBoundMinor).toBeLessThanOrEqual(outcome.stats.costs.totalMinor);
    expect(outcome.gapPercent).toBeGreaterThanOrEqual(0);
  });

  it('gives the same plan, byte for byte, for the same input', () => {
    const a = JSON.stringify(made.doc);
    const b = JSON.stringify(run(network, list, solver).doc);
    expect(a).toBe(b);
  });

  it('fails the check, naming the container, when one parcel is moved into a full container', () => {
    // Small boxes (30 kg payload) so containers fill up with a few dozen parcels.
    const small: Network = {
      ...network,
      equipment: network.equipment.map((e) => ({ ...e, payloadG: 30_000 })),
    };
    const light = list.filter((p) => p.grossWeightG < 5_000);
    const { doc } = run(small, light, solver);
    const weights = new Map(light.map((p) => [p.id, p.grossWeightG]));
    const load = new Map<string, number>();
    for (const p of doc.parcels)
      for (const r of p.rides)
        if (r.containerId) load.set(r.containerId, (load.get(r.containerId) ?? 0) + weights.get(p.id)!);
    // A container with less room left than some parcel of another container on the same departure weighs.
    let moved: { doc: PlanDocument; target: string } | undefined;
    for (const d of doc.departures) {
      for (const full of d.containers) {
        const room = 30_000 - (load.get(full.id) ?? 0);
        const mover = doc.parcels.find(
          (p) =>
            p.rides.some((r) => r.departureId === d.id && r.containerId && r.containerId !== full.id) &&
            weights.get(p.id)! > room,
        );
        if (!mover) continue;
        const parcels = doc.parcels.map((p) =>
          p === mover
            ? {
                ...p,
                rides: p.rides.map((r) => (r.departureId === d.id ? { ...r, containerId: full.id } : r)),
              }
            : p,
        );
        moved = { doc: { ...doc, parcels }, target: full.id };
        break;
      }
      if (moved) break;
    }
    expect(moved).toBeDefined();
    const check = verifyPlan(small, new Map(light.map((p) => [p.id, p])), moved!.doc, fx);
    expect(check.ok).toBe(false);
    expect(check.violations).toContainEqual(
      expect.objectContaining({ containerId: moved!.target, why: expect.stringContaining('payload') }),
    );
  });

  it('fails the check when a departure the plan uses is cancelled', () => {
    const { doc } = run(network, list, solver);
    const used = doc.departures.find((d) => d.containers.length > 0)!;
    const serviceId = used.serviceId;
    const at = Date.parse(used.departAt);
    const disrupted: Network = {
      ...network,
      disruptions: [
        {
          id: 'cancelled',
          serviceId,
          from: new Date(at - 60_000).toISOString(),
          to: new Date(at + 60_000).toISOString(),
          effect: 'closed',
          reason: 'test',
          sources: [],
        },
      ],
    };
    const check = verifyPlan(disrupted, new Map(list.map((p) => [p.id, p])), doc, fx);
    expect(check.violations).toContainEqual(
      expect.objectContaining({ departureId: used.id, why: expect.stringContaining('does not run') }),
    );
  });

  it('re-plans after a service is closed: affected parcels move, the plan holds on the disrupted network', () => {
    const { parcels, doc } = run(network, list, solver);
    // Close, for the month, the service of the busiest departure of the plan.
    const busiest = [...doc.departures].sort(
      (a, b) => b.containers.length - a.containers.length || (a.id < b.id ? -1 : 1),
    )[0]!;
    const closure = {
      id: 'closed',
      serviceId: busiest.serviceId,
      from: '2026-11-25T00:00:00Z',
      to: '2026-12-31T00:00:00Z',
      effect: 'closed' as const,
      reason: 'test',
      sources: [],
    };
    const disrupted: Network = { ...network, disruptions: [closure] };
    const ctx2 = preparePlanContext(disrupted, FROM, 7, fx);
    const r = replanConsolidation(ctx2, parcels, doc, solver);
    expect(r.affected.length).toBeGreaterThan(0);
    const moved = new Set(r.moved);
    for (const id of r.affected) expect(moved.has(id)).toBe(true);
    const check = verifyPlan(disrupted, new Map(list.map((p) => [p.id, p])), r.document, fx);
    expect(check.violations).toEqual([]);
    const inWindow = (id: string) =>
      id.startsWith(`${busiest.serviceId}@`) && id.slice(id.indexOf('@') + 1) < '2026-12-31';
    expect(r.document.parcels.some((p) => p.rides.some((x) => inWindow(x.departureId)))).toBe(false);
    // Unaffected parcels mostly stay where they were.
    expect(r.moved.length).toBeLessThan(r.affected.length + doc.parcels.length * 0.2);
  });

  it('reaches by column generation the LP of the parcel-level model with every candidate', () => {
    // 400 parcels on the sample network; all 3,000 where capacity is scarce and has prices: flights
    // full by weight, and (small containers, one a departure) containers and flights full by volume.
    const heavy: Network = {
      ...network,
      services: network.services.map((s) => ({
        ...s,
        capacity: { ...s.capacity, ...(s.capacity.weightKg !== undefined ? { weightKg: 200 } : {}) },
      })),
    };
    for (const [net, few] of [
      [network, list.slice(0, 400)],
      [heavy, list],
      [scarce, list],
    ] as const) {
      const ctx = preparePlanContext(net, FROM, 7, fx);
      const parcels = planParcels(net, few, few.length);
      const agg = aggregate(ctx, parcels);
      const settings = { latePenaltyMinorPerDay: 500, holdPenaltyMinor: 45_000 };
      const r = solveRelaxation(ctx, parcels, agg, solver, settings, {
        tolerance: 1e-9,
        timetable: false,
        wholeContainers: false,
      });
      const whole = solver.solve(
        parcelLevelModel(ctx, parcels, disaggregate(agg, parcels), settings, false).model,
        { timeLimitSeconds: 120, relativeGap: 1e-9, relaxed: true },
      );
      expect(r.rounds).toBeGreaterThan(1);
      expect(Math.abs(r.masterMinor - whole.objective)).toBeLessThan(1e-6 * whole.objective);
      // The Lagrangian bound at the master's final prices is the LP optimum too (strong duality).
      expect(Math.abs(r.boundMinor - whole.objective)).toBeLessThan(1e-6 * whole.objective);
      // Counting containers whole against what can reach each departure never lowers it.
      const w = solveRelaxation(ctx, parcels, agg, solver, settings, { tolerance: 1e-9, timetable: false });
      expect(w.boundMinor).toBeGreaterThanOrEqual(r.boundMinor - 1e-6 * whole.objective);
    }
  });

  it('with linking rows, bounds whole containers better and stays below the plan', () => {
    const ctx = preparePlanContext(network, FROM, 7, fx);
    const few = list.slice(0, 600);
    const parcels = planParcels(network, few, few.length);
    const plain = planConsolidation(ctx, parcels, solver, { linking: false });
    const linked = planConsolidation(ctx, parcels, solver, { linking: true });
    expect(linked.relaxation.links.length).toBeGreaterThan(0);
    expect(linked.lowerBoundMinor).toBeGreaterThan(plain.lowerBoundMinor);
    expect(linked.lowerBoundMinor).toBeLessThanOrEqual(plain.stats.costs.totalMinor);
    expect(linked.lowerBoundMinor).toBeLessThanOrEqual(linked.stats.costs.totalMinor);
    // At any prices on the linking rows too.
    const { table, boundPrices, links } = linked.relaxation;
    const settings = { latePenaltyMinorPerDay: 500, holdPenaltyMinor: 45_000 };
    for (const scale of [0.5, 2, 5]) {
      const prices = {
        ...boundPrices,
        perParcel: boundPrices.perParcel.map((x) => x?.map((v) => v * scale + 10)),
      };
      const bound = lagrangianBound(table, linked.aggregation, parcels, settings, prices, links);
      expect(bound).toBeLessThanOrEqual(
        Math.min(plain.stats.costs.totalMinor, linked.stats.costs.totalMinor),
      );
    }
  });

  it('raises the bound by linking prices where departures carry little, and it stays below the plans', () => {
    // No linking rows in the master (as above 25,000 parcels): the ascent prices parcel sets instead.
    const ctx = preparePlanContext(network, FROM, 7, fx);
    const parcels = planParcels(network, list, list.length);
    const plain = planConsolidation(ctx, parcels, solver, { linking: false, linkAscent: false });
    const ctx2 = preparePlanContext(network, FROM, 7, fx);
    const ascended = planConsolidation(ctx2, parcels, solver, { linking: false });
    expect(plain.relaxation.links).toEqual([]);
    const links = ascended.relaxation.links;
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((l) => l.members !== undefined)).toBe(true);
    expect(ascended.lowerBoundMinor).toBeGreaterThan(plain.lowerBoundMinor);
    expect(ascended.relaxation.covers).toBe('all-timetable-itineraries');
    const cheapest = Math.min(plain.stats.costs.totalMinor, ascended.stats.costs.totalMinor);
    expect(ascended.lowerBoundMinor).toBeLessThanOrEqual(cheapest);
    // At other linking prices too, and with every parcel of the commodities paying them (a row over
    // the whole commodity, counted by its most in a box) as with only the members.
    const { table, boundPrices } = ascended.relaxation;
    const settings = { latePenaltyMinorPerDay: 500, holdPenaltyMinor: 45_000 };
    for (const scale of [0.5, 2, 10]) {
      const prices = {
        ...boundPrices,
        perParcel: boundPrices.perParcel.map((x) => x?.map((v) => v * scale + 25)),
      };
      expect(
        lagrangianBound(table, ascended.aggregation, parcels, settings, prices, links),
      ).toBeLessThanOrEqual(cheapest);
      const whole = links.map((l) => {
        const c = ascended.aggregation.commodities[l.commodity]!;
        const d = table.departures[l.departure]!;
        const { members: _members, ...rest } = l;
        return { ...rest, perContainer: d.containers.map((k) => mostParcelsIn(c, k.payloadG, k.volumeMm3)) };
      });
      expect(
        lagrangianBound(table, ascended.aggregation, parcels, settings, prices, whole),
      ).toBeLessThanOrEqual(cheapest);
    }
  });

  it('plans no parcels, and parcels that can only be held, without failing', () => {
    const none = run(network, [], solver);
    expect(none.doc.summary.costMinor).toBe(0);
    expect(none.doc.summary.lowerBoundMinor).toBe(0);
    // A parcel for a country no last-mile zone serves is held before planning.
    const nowhere = [{ ...list[0]!, consignee: { ...list[0]!.consignee, country: 'AQ' } }];
    const held = run(network, nowhere, solver);
    expect(held.doc.held).toEqual([{ id: nowhere[0]!.id, reason: 'no-zone' }]);
    expect(held.doc.parcels).toEqual([]);
  });

  it('counts how many parcels of a commodity one box holds from its lightest and smallest', () => {
    const ctx = preparePlanContext(network, FROM, 7, fx);
    const parcels = planParcels(network, list, list.length);
    const c = aggregate(ctx, parcels).commodities.find((x) => x.count >= 5)!;
    const w = [...c.parcels].map((p) => parcels.weightG[p]!).sort((a, b) => a - b);
    const threeLightest = w[0]! + w[1]! + w[2]!;
    expect(mostParcelsIn(c, threeLightest, Number.POSITIVE_INFINITY)).toBe(3);
    expect(mostParcelsIn(c, threeLightest - 1, Number.POSITIVE_INFINITY)).toBe(2);
    expect(mostParcelsIn(c, Number.POSITIVE_INFINITY, 0)).toBe(0);
    expect(mostParcelsIn(c, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(c.count);
  });

  it('where departures are full, holds the parcels that value the room least, and the bound holds', () => {
    // One container a departure and little loose space: far more parcels than room on the first
    // candidates (over the whole timetable they would wait for later runs instead; see
    // timetable-pricing.test.ts).
    const { parcels, outcome, doc } = run(scarce, list, solver, false);
    const check = verifyPlan(scarce, new Map(list.map((p) => [p.id, p])), doc, fx);
    expect(check.violations).toEqual([]);
    const held = outcome.assignment.heldForCapacity;
    expect(held.length).toBeGreaterThan(0);
    const mean = (ps: readonly number[]) => ps.reduce((a, p) => a + parcels.volumeMm3[p]!, 0) / ps.length;
    const planned = [...Array(parcels.count).keys()].filter((p) => outcome.assignment.candidate[p]! >= 0);
    expect(mean(held)).toBeGreaterThan(mean(planned));
    expect(outcome.lowerBoundMinor).toBeLessThanOrEqual(outcome.stats.costs.totalMinor);
    // A re-plan on the same scarce network holds too.
    const busiest = [...doc.departures].sort(
      (a, b) => b.containers.length - a.containers.length || (a.id < b.id ? -1 : 1),
    )[0]!;
    const disrupted: Network = {
      ...scarce,
      disruptions: [
        {
          id: 'closed',
          serviceId: busiest.serviceId,
          from: '2026-11-25T00:00:00Z',
          to: '2026-12-31T00:00:00Z',
          effect: 'closed',
          reason: 'test',
          sources: [],
        },
      ],
    };
    const r = replanConsolidation(preparePlanContext(disrupted, FROM, 7, fx), parcels, doc, solver);
    expect(r.outcome.lowerBoundMinor).toBeLessThanOrEqual(r.outcome.stats.costs.totalMinor);
    expect(verifyPlan(disrupted, new Map(list.map((p) => [p.id, p])), r.document, fx).violations).toEqual([]);
  });

  it('keeps the Lagrangian bound below the plan at any prices, not only the relaxation’s', () => {
    const { parcels, outcome } = run(network, list, solver);
    const { table, boundPrices, links } = outcome.relaxation;
    const settings = { latePenaltyMinorPerDay: 500, holdPenaltyMinor: 45_000 };
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let trial = 0; trial < 5; trial++) {
      const prices = {
        perKg: boundPrices.perKg.map((v) => v * 3 * random() + 50 * random()),
        perM3: boundPrices.perM3.map((v) => v * 3 * random() + 20_000 * random()),
        perParcel: boundPrices.perParcel,
      };
      const bound = lagrangianBound(table, outcome.aggregation, parcels, settings, prices, links);
      expect(bound).toBeLessThanOrEqual(outcome.stats.costs.totalMinor);
    }
    expect(outcome.lowerBoundMinor).toBe(
      Math.min(outcome.stats.costs.totalMinor, Math.floor(outcome.relaxation.boundMinor)),
    );
  });
});
