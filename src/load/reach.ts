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
  /**
   * True when the knapsack was stopped for time: every length counts as reachable (`best[v] = v`) and no
   * loss is estimated along this axis (a weaker evaluation, never a wrong plan).
   */
  readonly dense?: boolean;
}

const gcd = (a: number, b: number): number => {
  while (b) [a, b] = [b, a % b];
  return a;
};

/**
 * Reachable lengths along x, y and z for containers of the given inner dimensions. The knapsack runs
 * in units of the greatest common divisor of the box lengths (10 mm for BR, which is in cm).
 */
export function computeReach(
  types: BoxTypes,
  dims: readonly [number, number, number],
  /** Asked between box lengths; true stops the knapsack and leaves the axis dense (see {@link AxisReach}). */
  stop?: () => boolean,
): AxisReach[] {
  return [0, 1, 2].map((axis): AxisReach => {
    const X = dims[axis]!;
    // items: distinct (type, length) pairs along this axis
    const itemType: number[] = [];
    const itemLength: number[] = [];
    let g = 0;
    const lengths = new Set<number>();
    for (let t = 0; t < types.n; t++) {
      if (types.count[t]! <= 0) continue;
      lengths.clear();
      for (let o = 0; o < 6; o++)
        if (types.orientationMask[t]! & (1 << o)) lengths.add(types.dims[3 * t + AXIS_OF[3 * o + axis]!]!);
      for (const x of lengths) {
        if (x > X) continue;
        itemType.push(t);
        itemLength.push(x);
        g = gcd(g, x);
      }
    }
    if (g === 0) g = 1;
    const U = Math.floor(X / g);
    const flag = new Uint8Array(U + 1);
    const used = new Int32Array(U + 1);
    const nLast = new Uint8Array(U + 1);
    const lastU = new Int32Array((U + 1) * REACH_TYPES).fill(-1);
    flag[0] = 1;
    for (let i = 0; i < itemType.length; i++) {
      if (stop?.()) return denseReach(X);
      const t = itemType[i]!;
      const x = itemLength[i]! / g;
      const n = types.count[t]!;
      for (let v = 0; v <= U; v++) {
        const can = v >= x && flag[v - x] !== 0 && used[v - x]! < n;
        if (can) {
          const k = nLast[v]!;
          if (k < REACH_TYPES && (k === 0 || lastU[v * REACH_TYPES + k - 1] !== t)) {
            lastU[v * REACH_TYPES + k] = t;
            nLast[v] = k + 1;
          }
        }
        if (flag[v] === 1) used[v] = 0;
        else if (can) {
          flag[v] = 3;
          used[v] = used[v - x]! + 1;
        }
      }
      for (let v = 0; v <= U; v++) if (flag[v] === 3) flag[v] = 1;
    }
    // back to millimetres: reachable lengths are the multiples of g marked above
    const best = new Int32Array(X + 1);
    const last = new Int32Array((X + 1) * REACH_TYPES).fill(-1);
    for (let v = 1; v <= X; v++) {
      const u = Math.floor(v / g);
      best[v] = flag[u] ? u * g : best[v - 1]!;
    }
    for (let u = 1; u <= U; u++)
      if (nLast[u]) last.set(lastU.subarray(u * REACH_TYPES, (u + 1) * REACH_TYPES), u * g * REACH_TYPES);
    return { best, last };
  });
}

/** Every length reachable, no type known to end one: the loss estimate is off along this axis. */
function denseReach(X: number): AxisReach {
  return { best: Int32Array.from({ length: X + 1 }, (_, v) => v), last: new Int32Array(0), dense: true };
}
