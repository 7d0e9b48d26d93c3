import { describe, expect, it } from 'vitest';
import { canonicalSeed, hashString32, Random } from './random.ts';
import { WeightedChoice } from './weighted-choice.ts';

describe('Random', () => {
  it('repeats its sequence for the same seed and stream', () => {
    const a = Random.fromSeed(42, 'parcels');
    const b = Random.fromSeed(42, 'parcels');
    const xs = Array.from({ length: 1000 }, () => a.uint32());
    expect(Array.from({ length: 1000 }, () => b.uint32())).toEqual(xs);
  });

  it('gives other sequences for another seed or another stream', () => {
    const first = (seed: number, stream: string): number[] => {
      const r = Random.fromSeed(seed, stream);
      return Array.from({ length: 8 }, () => r.uint32());
    };
    expect(first(42, 'parcels')).not.toEqual(first(43, 'parcels'));
    expect(first(42, 'parcels')).not.toEqual(first(42, 'sellers'));
  });

  it('pins the sequence of seed 42 so a change of the generator shows up', () => {
    const r = Random.fromSeed(42, 'parcels');
    expect(Array.from({ length: 4 }, () => r.uint32())).toMatchInlineSnapshot(`
      [
        782484930,
        2548863833,
        2977011666,
        3199382204,
      ]
    `);
  });

  it('draws floats in [0, 1) with mean 1/2 and open floats in (0, 1]', () => {
    const r = new Random(7);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.float();
      const y = r.floatOpen();
      if (!(x >= 0 && x < 1 && y > 0 && y <= 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('draws standard normals', () => {
    const r = new Random(11);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.02);
  });

  it('draws integers in [lo, hi] with both ends reached', () => {
    const r = new Random(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.intBetween(5, 8));
    expect([...seen].sort()).toEqual([5, 6, 7, 8]);
  });
});

describe('canonicalSeed', () => {
  it('treats a decimal string as the number', () => {
    expect(canonicalSeed('42')).toBe(canonicalSeed(42));
    expect(canonicalSeed('007')).toBe('7');
    expect(canonicalSeed('demo')).toBe('demo');
  });

  it('refuses a number that is not a safe integer', () => {
    expect(() => canonicalSeed(1.5)).toThrow(RangeError);
    expect(() => canonicalSeed(Number.NaN)).toThrow(RangeError);
  });

  it('hashes strings to 32-bit unsigned integers', () => {
    const h = hashString32('landbridge');
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    expect(hashString32('landbridge')).toBe(h);
    expect(hashString32('landbridgE')).not.toBe(h);
  });
});

describe('WeightedChoice', () => {
  it('draws each outcome in proportion to its weight', () => {
    const weights = [5, 0, 1, 3, 1];
    const choice = new WeightedChoice(weights);
    const r = new Random(5);
    const counts = [0, 0, 0, 0, 0];
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[choice.pick(r)]!++;
    weights.forEach((w, i) => {
      const p = w / 10;
      expect(Math.abs(counts[i]! / n - p)).toBeLessThanOrEqual(4.5 * Math.sqrt((p * (1 - p)) / n) + 1e-9);
    });
    expect(counts[1]).toBe(0);
  });

  it('refuses empty, negative and all-zero weights', () => {
    expect(() => new WeightedChoice([])).toThrow(RangeError);
    expect(() => new WeightedChoice([1, -1])).toThrow(RangeError);
    expect(() => new WeightedChoice([0, 0])).toThrow(RangeError);
    expect(() => new WeightedChoice([1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});
