import { describe, expect, it } from 'vitest';
import { PlanHelpers, startProofs } from '../src/jobs/plan-helpers.ts';
import { CUBE_CONTAINER, cube } from './fixtures/cube-container.ts';

const box = cube;
const equipment = CUBE_CONTAINER;

describe('container proofs shared by the plan job’s threads', () => {
  it('take the biggest containers first and answer each proof at its container’s place', async () => {
    // sizes out of order, one that cannot be loaded whole (17 boxes where 16 fit)
    const sizes = [1, 17, 3, 16, 2, 9, 5];
    const containers = sizes.map((n, c) => ({
      id: `d#${c}`,
      type: '22G1',
      boxes: Array.from({ length: n }, (_, i) => box(100 * c + i)),
    }));
    const helpers = new PlanHelpers(1, undefined);
    try {
      const proofs = await startProofs(helpers, containers, [equipment], 2_000).finish();
      expect(proofs.map((p) => p.id)).toEqual(containers.map((c) => c.id));
      expect(proofs.map((p) => p.proven)).toEqual(sizes.map((n) => n <= 16));
      expect(proofs[1]!.unplaced).toHaveLength(1);
      expect(proofs[1]!.unplaced[0]).toMatch(/^b1\d\d$/);
    } finally {
      await helpers.close();
    }
  }, 60_000);
});
