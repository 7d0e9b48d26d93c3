import type { Random } from './random.ts';

/**
 * Draws an index with probability proportional to its weight in O(1), by Walker's alias method in
 * Vose's numerically stable construction (M. D. Vose, "A linear algorithm for generating random
 * numbers with a given distribution", IEEE TSE 17(9), 1991). One random number per draw.
 *
 * @example
 * const coin = new WeightedChoice([3, 1]);
 * coin.pick(rng); // 0 three times in four
 */
export class WeightedChoice {
  /** Number of outcomes. */
  readonly size: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  /** @param weights non-negative, finite, not all zero */
  constructor(weights: readonly number[]) {
    const n = weights.length;
    let sum = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weights must be finite and >= 0, got ${w}`);
      sum += w;
    }
    if (n === 0 || sum <= 0) throw new RangeError('weights must not be empty or all zero');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / sum);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => {
      (p < 1 ? small : large).push(i);
    });
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    for (const i of large) {
      this.prob[i] = 1;
      this.alias[i] = i;
    }
    for (const i of small) {
      this.prob[i] = 1;
      this.alias[i] = i;
    }
  }

  /** An index in [0, size). */
  pick(rng: Random): number {
    const u = rng.float() * this.size;
    const i = Math.floor(u);
    return u - i < this.prob[i]! ? i : this.alias[i]!;
  }
}

/** Normalised shares of a weight list: each weight over the sum. */
export function shares(weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / sum);
}
