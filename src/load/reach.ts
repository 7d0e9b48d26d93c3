import { AXIS_OF, type BoxTypes } from './box-types.ts';

/** How many box types are kept per length as ones that can end a sum of that length. */
export const REACH_TYPES = 8;

/**
 * Lengths that box dimensions can add up to along each axis (bounded knapsack over the box counts),
 * for the loss estimate of Araya, Guerrero & Nuñez (2017): `best[v]` is the largest reachable length
 * ≤ v; `last[v * REACH_TYPES + i]` are types whose box can be the last one of a sum of exactly v (−1: none).
 */
export interface AxisReach {
  readonly best: Int32Array;
  readonly last: Int32Array;
}

/** Reachable lengths along x, y and z for containers of the given inner dimensions. */
export function computeReach(types: BoxTypes, dims: readonly [number, number, number]): AxisReach[] {
  return [0, 1, 2].map((axis) => {
    const X = dims[axis]!;
    const flag = new Uint8Array(X + 1);
    const used = new Int32Array(X + 1);
    const last = new Int32Array((X + 1) * REACH_TYPES).fill(-1);
    flag[0] = 1;
    const lengths = new Set<number>();
    for (let t = 0; t < types.n; t++) {
      const n = types.count[t]!;
      if (n <= 0) continue;
      lengths.clear();
      for (let o = 0; o < 6; o++)
        if (types.orientationMask[t]! & (1 << o)) lengths.add(types.dims[3 * t + AXIS_OF[3 * o + axis]!]!);
      for (const x of lengths) {
        if (x > X) continue;
        for (let v = 0; v <= X; v++) {
          const can = v >= x && flag[v - x] !== 0 && used[v - x]! < n;
          if (can) {
            const slots = v * REACH_TYPES;
            for (let s = 0; s < REACH_TYPES; s++) {
              const have = last[slots + s]!;
              if (have === t) break;
              if (have < 0) {
                last[slots + s] = t;
                break;
              }
            }
          }
          if (flag[v] === 1) used[v] = 0;
          else if (can) {
            flag[v] = 3;
            used[v] = used[v - x]! + 1;
          }
        }
        for (let v = 0; v <= X; v++) if (flag[v] === 3) flag[v] = 1;
      }
    }
    const best = new Int32Array(X + 1);
    for (let v = 1; v <= X; v++) best[v] = flag[v] ? v : best[v - 1]!;
    return { best, last };
  });
}
