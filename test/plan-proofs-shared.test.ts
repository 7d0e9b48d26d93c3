import { describe, expect, it } from 'vitest';
import type { Equipment } from '../src/domain/index.ts';
import { PlanHelpers, startProofs } from '../src/jobs/plan-helpers.ts';

const box = (i: number, side = 500) => ({
  id: `b${i}`,
  lengthMm: side,
  widthMm: side,
  heightMm: side,
  weightG: 5_000,
});
const equipment = {
  type: '22G1',
  innerLengthMm: 2_000,
  innerWidthMm: 1_000,
  innerHeightMm: 1_000,
  payloadG: 1_000_000,
} as unknown as Equipment;

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
