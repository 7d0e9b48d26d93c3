import { describe, expect, it } from 'vitest';
import { CUBE_CONTAINER } from '../../test/fixtures/cube-container.ts';
import type { ContainerType } from '../domain/index.ts';
import type { Assignment } from './assign.ts';
import type { PlanCandidate } from './candidates.ts';
import { Loading } from './containers.ts';
import { DEFAULT_PLAN_SETTINGS, type PlanContext, type PlanDeparture } from './context.ts';
import { evaluatePlan } from './evaluate.ts';
import { moveUnloadedParcels } from './load-moves.ts';
import type { PlanParcels } from './parcels.ts';
import { type ContainerProof, proveContainer } from './prove.ts';

// A container 2 m × 1 m × 1 m inside: sixteen 0.5 m cubes fill it. The planner's measure (payload and
// 1.1 × the inside volume) lets seventeen in: the loader leaves one out.
const SIDE = 500;
const CUBE = SIDE ** 3;
const equipment = CUBE_CONTAINER;
const HOLD = DEFAULT_PLAN_SETTINGS.holdPenaltyMinor;

function departure(key: number, slots: number, costMinor = 100_000): PlanDeparture {
  return {
    key,
    service: key,
    run: 0,
    id: `rail-${key}@2026-12-0${key}T09:00`,
    containers: [
      {
        type: '22G1' as ContainerType,
        slots,
        costMinor,
        payloadG: 1_000_000,
        volumeMm3: 1.1 * 2_000 * 1_000 * 1_000,
      },
    ],
    weightCapG: Number.POSITIVE_INFINITY,
    volumeCapMm3: Number.POSITIVE_INFINITY,
  };
}

function candidate(dep: number, deliveryDay: number, perParcel = 1_000): PlanCandidate {
  return {
    pattern: 0,
    rides: [{ service: dep, run: 0, alight: 0, departure: dep, containerised: true }],
    gateway: 'gw',
    arriveMs: deliveryDay * 86_400_000,
    deliveryDay,
    perParcel,
    perKg: 0,
    perM3: 0,
    perChargeableKg: 0,
    co2eGPerT: 0,
  };
}

/**
 * A plan of `n` cubes: parcels [0, a) in container 0 on departure 1 (candidate 0), parcels [a, n) in
 * container 1 on departure `secondOn` (candidate 0 when it is 1, else candidate 1 = `later`).
 */
function plan(
  n: number,
  a: number,
  options: { slots?: number; later?: PlanCandidate; secondOn?: number; rate?: number } = {},
) {
  const deps = new Map<number, PlanDeparture>([[1, departure(1, options.slots ?? 2, options.rate)]]);
  const secondOn = options.secondOn ?? 1;
  if (secondOn !== 1) deps.set(secondOn, departure(secondOn, 1));
  const ctx = { departures: deps, settings: DEFAULT_PLAN_SETTINGS } as unknown as PlanContext;
  const parcels = {
    count: n,
    ids: Array.from({ length: n }, (_, i) => `c${String(i).padStart(2, '0')}`),
    weightG: new Float64Array(n).fill(5_000),
    volumeMm3: new Float64Array(n).fill(CUBE),
    promiseDay: new Int32Array(n).fill(20_000),
  } as unknown as PlanParcels;
  const loading = new Loading(deps);
  const rideContainer = new Int32Array(n * 4).fill(-1);
  const chosen = new Int32Array(n);
  const first = loading.open(1, 0)!;
  let second: ReturnType<typeof loading.open>;
  for (let p = 0; p < n; p++) {
    // (an open container stays free to be taken again until a parcel is in it)
    if (p === a) second = loading.open(secondOn, 0)!;
    const c = p < a ? first : second!;
    loading.placeIn(c, p, 5_000, CUBE);
    rideContainer[p * 4] = c.id;
    chosen[p] = c.departure === 1 ? 0 : 1;
  }
  const assignment: Assignment = {
    commodity: new Int32Array(n).fill(0),
    candidate: chosen,
    rideContainer,
    loading,
    heldForCapacity: [],
    candidates: [[candidate(1, 19_990), ...(options.later ? [options.later] : [])]],
  };
  return { ctx, parcels, assignment };
}

const boxOf = (ids: readonly string[]) => (p: number) => ({
  id: ids[p]!,
  lengthMm: SIDE,
  widthMm: SIDE,
  heightMm: SIDE,
  weightG: 5_000,
});
const prove = (c: { id: string; type: string; boxes: readonly ReturnType<ReturnType<typeof boxOf>>[] }) =>
  proveContainer(c, equipment, { timeLimitMs: 2_000, maxRounds: 1 });

/** The first proofs of every container of an assignment, by the real loader. */
function firstProofs(x: ReturnType<typeof plan>): Map<number, ContainerProof> {
  const out = new Map<number, ContainerProof>();
  for (const c of x.assignment.loading.all)
    if (c.parcels.length > 0)
      out.set(c.id, prove({ id: String(c.id), type: '22G1', boxes: c.parcels.map(boxOf(x.parcels.ids)) }));
  return out;
}

describe('parcels the 3D loader cannot place move', () => {
  it('into a sibling container with room, which is loaded again and stays proven', () => {
    const x = plan(21, 17);
    const first = firstProofs(x);
    expect(first.get(0)!.proven).toBe(false);
    expect(first.get(0)!.unplaced).toHaveLength(1);
    expect(first.get(1)!.proven).toBe(true);
    const left = first.get(0)!.unplaced[0]!;
    const moved = moveUnloadedParcels(x.ctx, x.parcels, x.assignment, first, {
      prove,
      boxOf: boxOf(x.parcels.ids),
    });
    expect(moved.parcelsMoved).toBe(1);
    expect(moved.parcelsHeld).toBe(0);
    const p = x.parcels.ids.indexOf(left);
    expect(moved.assignment.rideContainer[p * 4]).toBe(1);
    expect(moved.assignment.loading.all[0]!.parcels).toHaveLength(16);
    expect(moved.assignment.loading.all[1]!.parcels).toHaveLength(5);
    // Every container carries exactly what its proof loaded, and every proof is proven.
    for (const c of moved.assignment.loading.all) {
      const lp = moved.proofs.get(c.id)!;
      expect(lp.proof.proven).toBe(true);
      expect(lp.parcels).toEqual([...c.parcels].sort((a, b) => a - b));
    }
    expect(moved.moves).toEqual([
      {
        from: 0,
        unplaced: 1,
        why: '1 parcel could not be placed',
        to: [{ how: 'sibling', departures: [1], containers: [1], parcels: 1 }],
        held: 0,
      },
    ]);
    // The input plan is not changed.
    expect(x.assignment.rideContainer[p * 4]).toBe(0);
    expect(x.assignment.loading.all[0]!.parcels).toHaveLength(17);
  });

  it('is held (container-load) when no container of its departure has room and no slot is free', () => {
    const x = plan(33, 17, { slots: 2 });
    // the sibling holds 16 cubes: full to the loader, with no room by the planner's measure for two
    const first = firstProofs(x);
    expect(first.get(1)!.proven).toBe(true);
    const moved = moveUnloadedParcels(x.ctx, x.parcels, x.assignment, first, {
      prove,
      boxOf: boxOf(x.parcels.ids),
    });
    expect(moved.parcelsHeld).toBe(1);
    expect(moved.assignment.heldForLoad).toHaveLength(1);
    const held = moved.assignment.heldForLoad![0]!;
    expect(moved.assignment.candidate[held]).toBe(-1);
    expect(moved.moves[0]).toMatchObject({ from: 0, unplaced: 1, held: 1, to: [] });
    // Held at the hold penalty; the sibling still carries what its (first) proof loaded.
    const before = evaluatePlan(x.ctx, x.parcels, {} as never, x.assignment);
    const after = evaluatePlan(x.ctx, x.parcels, {} as never, moved.assignment);
    expect(after.costs.heldMinor - before.costs.heldMinor).toBe(HOLD);
    expect(after.held).toBe(1);
    expect(moved.proofs.get(1)!.parcels).toEqual(Array.from({ length: 16 }, (_, i) => 17 + i));
    expect([...moved.proofs.values()].every((lp) => lp.proof.proven)).toBe(true);
  });

  it('into a container opened on its departure when a slot is free and it costs less than holding', () => {
    const x = plan(33, 17, { slots: 3 });
    const moved = moveUnloadedParcels(x.ctx, x.parcels, x.assignment, firstProofs(x), {
      prove,
      boxOf: boxOf(x.parcels.ids),
    });
    // one parcel's hold penalty (45,000) is below the container's rate (100,000): held
    expect(moved.parcelsHeld).toBe(1);
    const cheap = plan(33, 17, { slots: 3, rate: 20_000 });
    const opened = moveUnloadedParcels(cheap.ctx, cheap.parcels, cheap.assignment, firstProofs(cheap), {
      prove,
      boxOf: boxOf(cheap.parcels.ids),
    });
    expect(opened.parcelsHeld).toBe(0);
    expect(opened.moves[0]!.to).toEqual([
      { how: 'new-container', departures: [1], containers: [2], parcels: 1 },
    ]);
    expect(opened.proofs.get(2)!.proof.proven).toBe(true);
    expect(opened.proofs.get(2)!.parcels).toHaveLength(1);
  });

  it('onto a later departure with room when it still arrives by its promise; held when it would be late', () => {
    const onTime = candidate(2, 19_995, 2_000);
    const x = plan(21, 17, { slots: 1, secondOn: 2, later: onTime });
    const moved = moveUnloadedParcels(x.ctx, x.parcels, x.assignment, firstProofs(x), {
      prove,
      boxOf: boxOf(x.parcels.ids),
    });
    expect(moved.parcelsHeld).toBe(0);
    expect(moved.moves[0]!.to).toEqual([{ how: 'itinerary', departures: [2], containers: [1], parcels: 1 }]);
    const p = x.parcels.ids.indexOf(firstProofs(x).get(0)!.unplaced[0]!);
    expect(moved.assignment.candidate[p]).toBe(1);
    expect(moved.proofs.get(1)!.parcels).toHaveLength(5);
    expect(moved.proofs.get(1)!.proof.proven).toBe(true);
    // its own charges on the later itinerary: 2,000 instead of 1,000
    const before = evaluatePlan(x.ctx, x.parcels, {} as never, x.assignment);
    const after = evaluatePlan(x.ctx, x.parcels, {} as never, moved.assignment);
    expect(after.costs.perParcelMinor - before.costs.perParcelMinor).toBe(1_000);
    expect(after.costs.containersMinor).toBe(before.costs.containersMinor);

    const late = plan(21, 17, { slots: 1, secondOn: 2, later: candidate(2, 20_005, 2_000) });
    const held = moveUnloadedParcels(late.ctx, late.parcels, late.assignment, firstProofs(late), {
      prove,
      boxOf: boxOf(late.parcels.ids),
    });
    expect(held.parcelsHeld).toBe(1);
    expect(held.moves[0]!.to).toEqual([]);
  });

  it('comes back from a later departure whose container would leave one of its own parcels out', () => {
    // The later container holds 16 cubes: room for one more by the planner's measure, none in 3D.
    const x = plan(33, 17, { slots: 1, secondOn: 2, later: candidate(2, 19_995, 2_000) });
    const first = firstProofs(x);
    expect(first.get(1)!.proven).toBe(true);
    const moved = moveUnloadedParcels(x.ctx, x.parcels, x.assignment, first, {
      prove,
      boxOf: boxOf(x.parcels.ids),
    });
    expect(moved.reproofs).toBeGreaterThan(0);
    expect(moved.parcelsMoved).toBe(0);
    expect(moved.parcelsHeld).toBe(1);
    expect(moved.proofs.get(1)!.proof.proven).toBe(true);
    expect(moved.proofs.get(1)!.parcels).toEqual(Array.from({ length: 16 }, (_, i) => 17 + i));
    expect(moved.assignment.loading.all[1]!.parcels).toHaveLength(16);
  });

  it('moves nothing once the loader time for moves is spent: the container stays not proven', () => {
    const x = plan(21, 17);
    const moved = moveUnloadedParcels(x.ctx, x.parcels, x.assignment, firstProofs(x), {
      prove,
      boxOf: boxOf(x.parcels.ids),
      budgetMs: 0,
    });
    expect(moved.parcelsMoved + moved.parcelsHeld).toBe(0);
    expect(moved.moves).toEqual([]);
    expect(moved.proofs.get(0)!.proof.proven).toBe(false);
    expect(moved.assignment.loading.all[0]!.parcels).toHaveLength(17);
  });

  it('moves nothing out of a container the loader ran out of time on', () => {
    const x = plan(21, 17);
    const first = firstProofs(x);
    first.set(0, { ...first.get(0)!, ranOutOfTime: true });
    const moved = moveUnloadedParcels(x.ctx, x.parcels, x.assignment, first, {
      prove,
      boxOf: boxOf(x.parcels.ids),
    });
    expect(moved.parcelsMoved + moved.parcelsHeld).toBe(0);
    expect(moved.proofs.get(0)!.proof.proven).toBe(false);
  });
});
