import { describe, expect, it } from 'vitest';
import { CUBE_CONTAINER, cube } from '../../test/fixtures/cube-container.ts';
import { proofHardLimitMs, proveAll, proveContainer, summariseProofs } from './index.ts';

const box = cube;
const equipment = CUBE_CONTAINER;

describe('3D proof of planned containers', () => {
  it('proves a container whose parcels all fit, with a load plan the checker accepts', () => {
    const c = { id: 'd#1', type: '22G1', boxes: Array.from({ length: 16 }, (_, i) => box(i)) };
    const proof = proveContainer(c, equipment, { timeLimitMs: 2_000, maxRounds: 1 });
    expect(proof).toMatchObject({ id: 'd#1', proven: true, unplaced: [], problems: [] });
    expect(proof.volumeUtilisation).toBeCloseTo(1, 5);
  });

  it('names a container it cannot load whole, and the parcels left out', () => {
    const over = { id: 'd#2', type: '22G1', boxes: Array.from({ length: 17 }, (_, i) => box(i)) };
    const heavy = {
      id: 'd#3',
      type: '22G1',
      boxes: [{ ...box(0), weightG: 2_000_000 }],
    };
    const ok = { id: 'd#4', type: '22G1', boxes: [box(0)] };
    const proofs = proveAll([over, heavy, ok], [equipment], 2_000);
    expect(proofs.map((p) => p.proven)).toEqual([false, false, true]);
    expect(proofs[0]!.unplaced).toHaveLength(1);
    const s = summariseProofs(proofs, 2_000);
    expect(s).toMatchObject({ containers: 3, proven: 1, timeLimitMs: 2_000 });
    expect(s.notProven.map((n) => [n.id, n.unplaced])).toEqual([
      ['d#2', 1],
      ['d#3', 1],
    ]);
  });

  it('lets a big container’s first load run to its end: 10 times the limit, and at least 1 ms a box', () => {
    expect(proofHardLimitMs(200, 100)).toBe(2_000);
    expect(proofHardLimitMs(200, 4_367)).toBe(4_367);
    // 600 cartons of 455 sizes on a clock that moves 10 ms at each reading: the first load takes
    // about 300 ms of it, past 10 × 10 ms (where it used to stop, 524 left out) but within 600 ms
    const boxes = Array.from({ length: 600 }, (_, i) => ({
      id: `b${i}`,
      lengthMm: 100 + (i % 13) * 7,
      widthMm: 90 + (i % 7) * 9,
      heightMm: 80 + (i % 5) * 11,
      weightG: 500,
    }));
    let t = 0;
    const proof = proveContainer({ id: 'd#5', type: '22G1', boxes }, equipment, {
      timeLimitMs: 10,
      maxRounds: 1,
      clock: () => (t += 10),
    });
    expect(proof).toMatchObject({ proven: true, unplaced: [] });
    expect(t).toBeGreaterThan(100);
    // and a load that cannot end within the box allowance is stopped there, its boxes left out
    t = 0;
    const slow = proveContainer({ id: 'd#6', type: '22G1', boxes }, equipment, {
      timeLimitMs: 10,
      maxRounds: 1,
      clock: () => (t += 100),
    });
    expect(slow.proven).toBe(false);
    expect(slow.ranOutOfTime).toBe(true);
  });
});
