import { describe, expect, it } from 'vitest';
import { CUBE_CONTAINER, cube } from '../../test/fixtures/cube-container.ts';
import { proveAll, proveContainer, summariseProofs } from './index.ts';

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
});
