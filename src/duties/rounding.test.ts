import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  applyRate,
  floorToStep,
  fraction,
  type RoundingMode,
  roundFraction,
  scaleHalfUp,
} from './rounding.ts';

describe('roundFraction', () => {
  const cases: [string, bigint, bigint, RoundingMode, number, bigint][] = [
    ['half-up rounds a half away from zero', 5n, 2n, 'half-up', 1, 3n],
    ['half-up rounds below a half down', 249n, 100n, 'half-up', 1, 2n],
    ['half-up on a negative half', -5n, 2n, 'half-up', 1, -3n],
    ['half-even rounds 2.5 to 2', 5n, 2n, 'half-even', 1, 2n],
    ['half-even rounds 3.5 to 4', 7n, 2n, 'half-even', 1, 4n],
    ['down truncates', 1999n, 1000n, 'down', 1, 1n],
    ['up raises any remainder', 1001n, 1000n, 'up', 1, 2n],
    ['Japan: down to whole 100 yen', 2560n, 1n, 'down', 100, 2500n],
    ['whole units: half-up to a step of 100', 15_050n, 1n, 'half-up', 100, 15_100n],
    ['an exact value is unchanged', 1200n, 1n, 'half-up', 1, 1200n],
  ];
  it.each(cases)('%s', (_name, num, den, mode, step, expected) => {
    expect(roundFraction(fraction(num, den), mode, step)).toBe(expected);
  });

  it('applies a rate in basis points exactly: 12 % of EUR 0.05 is 0.6 cent, rounded to 1 cent', () => {
    expect(applyRate(5, 1200)).toEqual({ num: 6_000n, den: 10_000n });
    expect(roundFraction(applyRate(5, 1200), 'half-up')).toBe(1n);
  });

  it('floors a base to a step (Japan: taxable value down to JPY 1,000)', () => {
    expect(floorToStep(34_500n, 1000)).toBe(34_000n);
    expect(floorToStep(34_500n, 1)).toBe(34_500n);
  });
});

describe('allocate', () => {
  it('splits in proportion and gives the remainder to the largest fractions, ties to the first', () => {
    expect(allocate(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocate(10n, [1n, 2n])).toEqual([3n, 7n]);
    expect(allocate(5n, [0n, 0n])).toEqual([3n, 2n]);
    expect(allocate(0n, [5n, 5n])).toEqual([0n, 0n]);
  });

  it('always adds up to the total, each part within one unit of its exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 12 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
          const sum = weights.reduce((a, b) => a + b, 0n);
          if (sum > 0n) {
            parts.forEach((p, i) => {
              const exactFloor = (total * (weights[i] as bigint)) / sum;
              expect(p >= exactFloor && p <= exactFloor + 1n).toBe(true);
            });
          }
        },
      ),
      { seed: 20261124 },
    );
  });
});

describe('scaleHalfUp', () => {
  const exact = (a: number, n: number, d: number) =>
    Number(roundFraction({ num: BigInt(a) * BigInt(n), den: BigInt(d) }, 'half-up'));

  it('equals the BigInt rounding wherever it answers, and answers wherever every step is safe', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 2 ** 26 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (a, n, d) => {
          const fast = scaleHalfUp(a, n, d);
          if (Number.isSafeInteger(a * n + d)) expect(fast).toBe(exact(a, n, d));
          else expect(fast).toBeUndefined();
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('rounds exact halves up, and near the safe limit still agrees or declines', () => {
    expect(scaleHalfUp(5, 1, 2)).toBe(3);
    expect(scaleHalfUp(249, 1, 100)).toBe(2);
    expect(scaleHalfUp(250, 1, 100)).toBe(3);
    // a quotient whose float division rounds up across an integer: the remainder corrects it
    const a = 2 ** 52 - 1;
    expect(scaleHalfUp(a, 1, 3)).toBe(exact(a, 1, 3));
    expect(scaleHalfUp(2 ** 53 - 4, 1, 3)).toBe(exact(2 ** 53 - 4, 1, 3));
    expect(scaleHalfUp(a, 2, 3)).toBeUndefined(); // 2^53 − 2 + 3 is past the safe range
    expect(scaleHalfUp(2 ** 53, 1, 1)).toBeUndefined();
    expect(scaleHalfUp(-1, 1, 1)).toBeUndefined();
  });
});
