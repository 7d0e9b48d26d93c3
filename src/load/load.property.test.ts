import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupBoxTypes } from './box-types.ts';
import { checkLoadPlan } from './check.ts';
import { loadContainer } from './load-container.ts';
import { computeReach } from './reach.ts';
import { type LoadBox, ORIENTATIONS, type Placement, type SupportRule } from './types.ts';

const arbBox = (id: number): fc.Arbitrary<LoadBox> =>
  fc.record({
    id: fc.constant(`b${id}`),
    lengthMm: fc.integer({ min: 10, max: 60 }).map((v) => v * 10),
    widthMm: fc.integer({ min: 10, max: 50 }).map((v) => v * 10),
    heightMm: fc.integer({ min: 10, max: 40 }).map((v) => v * 10),
    weightG: fc.integer({ min: 0, max: 40_000 }),
    orientations: fc.option(fc.subarray([...ORIENTATIONS], { minLength: 1 }), { nil: undefined }),
    thisSideUp: fc.option(fc.boolean(), { nil: undefined }),
    stackable: fc.option(fc.boolean(), { nil: undefined }),
    maxLoadOnTopG: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
  });

/** A few box kinds, each repeated, as loads come: interchangeable cartons. */
const arbBoxes: fc.Arbitrary<LoadBox[]> = fc
  .array(fc.tuple(arbBox(0), fc.integer({ min: 1, max: 8 })), { minLength: 1, maxLength: 5 })
  .map((kinds) => {
    let n = 0;
    return kinds.flatMap(([box, count]) => Array.from({ length: count }, () => ({ ...box, id: `b${n++}` })));
  });

const arbSupport: fc.Arbitrary<SupportRule> = fc.oneof(
  fc.constant('full' as const),
  fc.constant('none' as const),
  fc.double({ min: 0.5, max: 0.95, noNaN: true }).map((ratio) => ({ ratio })),
);

describe('loadContainer on random loads', () => {
  it('always returns a plan the checker accepts, with every box placed or unplaced once', () => {
    fc.assert(
      fc.property(
        arbBoxes,
        arbSupport,
        fc.integer({ min: 100_000, max: 400_000 }),
        (boxes, support, payloadG) => {
          const request = { container: { lengthMm: 1500, widthMm: 1000, heightMm: 900, payloadG }, boxes };
          const plan = loadContainer(request, { support, maxRounds: 1, timeLimitMs: 5000 });
          const check = checkLoadPlan(request, plan, support);
          expect(check.problems).toEqual([]);
          expect(plan.placements.length + plan.unplaced.length).toBe(boxes.length);
        },
      ),
      { numRuns: 80, seed: 20261124 },
    );
  });
});

describe('computeReach', () => {
  it('finds the largest length each axis can fill, as a brute-force subset sum does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 3, max: 40 }), fc.integer({ min: 1, max: 4 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (kinds) => {
          const boxes: LoadBox[] = kinds.flatMap(([len, count], k) =>
            Array.from({ length: count }, (_, i) => ({
              id: `${k}-${i}`,
              lengthMm: len,
              widthMm: len,
              heightMm: len,
              weightG: 0,
              orientations: ['lwh'],
            })),
          );
          const X = 97;
          const [reach] = computeReach(groupBoxTypes(boxes), [X, X, X]);
          // oracle: every sum of at most `count` copies of each kind
          let sums = new Set([0]);
          for (const [len, count] of kinds) {
            const next = new Set(sums);
            for (const s of sums) for (let c = 1; c <= count && s + c * len <= X; c++) next.add(s + c * len);
            sums = next;
          }
          for (let v = 0; v <= X; v++) {
            let expected = 0;
            for (const s of sums) if (s <= v && s > expected) expected = s;
            expect(reach!.best[v]).toBe(expected);
          }
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });
});

describe('checkLoadPlan overlaps', () => {
  it('reports exactly the overlapping pairs that a pairwise test finds', () => {
    const arbPlacement = fc.record({
      x: fc.integer({ min: 0, max: 20 }),
      y: fc.integer({ min: 0, max: 20 }),
      z: fc.integer({ min: 0, max: 20 }),
      d: fc.integer({ min: 1, max: 8 }),
    });
    fc.assert(
      fc.property(fc.array(arbPlacement, { minLength: 1, maxLength: 25 }), (cubes) => {
        const boxes: LoadBox[] = cubes.map((c, i) => ({
          id: `c${i}`,
          lengthMm: c.d,
          widthMm: c.d,
          heightMm: c.d,
          weightG: 0,
        }));
        const placements: Placement[] = cubes.map((c, i) => ({
          boxId: `c${i}`,
          x: c.x,
          y: c.y,
          z: c.z,
          dx: c.d,
          dy: c.d,
          dz: c.d,
          orientation: 'lwh',
        }));
        const container = { lengthMm: 30, widthMm: 30, heightMm: 30, payloadG: 1 };
        const check = checkLoadPlan({ container, boxes }, { placements, unplaced: [] }, 'none');
        let pairs = 0;
        const meet = (a1: number, a2: number, b1: number, b2: number) => a1 < b2 && b1 < a2;
        for (let i = 0; i < cubes.length; i++)
          for (let j = i + 1; j < cubes.length; j++) {
            const a = cubes[i]!;
            const b = cubes[j]!;
            if (
              meet(a.x, a.x + a.d, b.x, b.x + b.d) &&
              meet(a.y, a.y + a.d, b.y, b.y + b.d) &&
              meet(a.z, a.z + a.d, b.z, b.z + b.d)
            )
              pairs++;
          }
        expect(check.problems.filter((p) => p.reason === 'overlap')).toHaveLength(pairs);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
