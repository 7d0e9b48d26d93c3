import { describe, expect, it } from 'vitest';
import { generateParcels } from '../generate/index.ts';
import { checkLoadPlan } from './check.ts';
import { loadBoxOf } from './inputs.ts';
import { fitsContainer, loadContainers } from './load-containers.ts';
import type { Container, LoadBox } from './types.ts';

/** 45G1 (40' high cube) inside dimensions and payload, as in data/network/chongqing.yaml. */
const highCube: Container = { lengthMm: 12032, widthMm: 2350, heightMm: 2697, payloadG: 26_540_000 };

const parcels: LoadBox[] = generateParcels({ count: 500, seed: 7, from: '2026-12-01' }).parcels.map((p, i) =>
  loadBoxOf({ id: `p${i + 1}`, ...p }),
);

function expectValidPlans(
  boxes: readonly LoadBox[],
  container: Container,
  r: ReturnType<typeof loadContainers>,
) {
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const loaded = r.plans.flatMap((p) => p.placements.map((q) => q.boxId));
  expect(new Set(loaded).size).toBe(loaded.length);
  expect(loaded.length + r.unplaced.length).toBe(boxes.length);
  for (const plan of r.plans) {
    const request = { container, boxes: plan.placements.map((q) => byId.get(q.boxId)!) };
    expect(checkLoadPlan(request, { placements: plan.placements, unplaced: [] }, 'full').problems).toEqual(
      [],
    );
  }
}

describe('loadContainers', () => {
  it('loads 500 parcels of the sample mix into at most the volume bound + 1 high cubes', () => {
    const r = loadContainers(parcels, highCube, { timeLimitMs: 10_000 });
    const volume = parcels.reduce((s, b) => s + b.lengthMm * b.widthMm * b.heightMm, 0);
    const bound = Math.ceil(volume / (highCube.lengthMm * highCube.widthMm * highCube.heightMm));
    expect(r.lowerBound).toBe(bound);
    expect(r.unplaced).toEqual([]);
    expect(r.plans.length).toBeLessThanOrEqual(bound + 1);
    expectValidPlans(parcels, highCube, r);
  });

  it('spreads the same parcels over small load spaces, near the bound, leaving out what fits none', () => {
    const crate: Container = { lengthMm: 1500, widthMm: 1200, heightMm: 1400, payloadG: 1_000_000 };
    const r = loadContainers(parcels, crate, { timeLimitMs: 4000 });
    expect(r.unplaced).toEqual(parcels.filter((b) => !fitsContainer(b, crate)).map((b) => b.id));
    expect(r.plans.length).toBeLessThanOrEqual(r.lowerBound + 1);
    expectValidPlans(parcels, crate, r);
  });
});
