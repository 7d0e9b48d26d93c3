/**
 * Exact arithmetic for duties and taxes: amounts are kept as fractions of minor units (BigInt numerator
 * and denominator) until a rule set says how to round them, so no float ever touches money.
 */

/** How an exact amount becomes whole minor units. `half-up` rounds halves away from zero. */
export const ROUNDING_MODES = ['half-up', 'half-even', 'down', 'up'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

/** A non-normalised fraction of minor units; `den` is always positive. */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

export const ZERO: Fraction = { num: 0n, den: 1n };

export function fraction(num: bigint | number, den: bigint | number = 1n): Fraction {
  const n = BigInt(num);
  const d = BigInt(den);
  if (d === 0n) throw new RangeError('fraction with a zero denominator');
  return d < 0n ? { num: -n, den: -d } : { num: n, den: d };
}

export function add(a: Fraction, b: Fraction): Fraction {
  if (a.den === b.den) return { num: a.num + b.num, den: a.den };
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

export function sum(values: readonly Fraction[]): Fraction {
  return values.reduce(add, ZERO);
}

export function mul(a: Fraction, b: Fraction): Fraction {
  return { num: a.num * b.num, den: a.den * b.den };
}

export function compare(a: Fraction, b: Fraction): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function max(a: Fraction, b: Fraction): Fraction {
  return compare(a, b) >= 0 ? a : b;
}

/** `amountMinor × rateBp / 10 000`, exactly. */
export function applyRate(amountMinor: bigint | number, rateBp: number): Fraction {
  return { num: BigInt(amountMinor) * BigInt(rateBp), den: 10_000n };
}

/**
 * Rounds an exact amount to a whole number of minor units, to a multiple of `step` minor units
 * (1 for cents, 100 for Japan's whole hundreds of yen) with the given mode.
 */
export function roundFraction(value: Fraction, mode: RoundingMode, step = 1): bigint {
  const den = value.den * BigInt(step);
  const num = value.num;
  const negative = num < 0n;
  const abs = negative ? -num : num;
  let q = abs / den;
  const r = abs % den;
  if (r !== 0n) {
    const twice = 2n * r;
    switch (mode) {
      case 'down':
        break;
      case 'up':
        q += 1n;
        break;
      case 'half-up':
        if (twice >= den) q += 1n;
        break;
      case 'half-even':
        if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
        break;
    }
  }
  // 'down' and 'up' are towards and away from zero; duties and taxes are never negative here.
  const rounded = q * BigInt(step);
  return negative ? -rounded : rounded;
}

/**
 * `amount × num / den` rounded half up, in plain numbers: the same as
 * `roundFraction(mul(fraction(amount), fraction(num, den)), 'half-up')` wherever every intermediate
 * stays a safe integer (amount, num ≥ 0, den ≥ 1, amount × num + den ≤ 2^53 − 1), else undefined (then
 * the BigInt way decides). Converting a parcel's value at a rate is called hundreds of thousands of
 * times in a plan's import charges; BigInt fractions were a quarter of each call.
 */
export function scaleHalfUp(amount: number, num: number, den: number): number | undefined {
  if (!(amount >= 0 && num >= 0 && den >= 1)) return undefined;
  const product = amount * num;
  if (!Number.isSafeInteger(product) || !Number.isSafeInteger(product + den) || !Number.isSafeInteger(den))
    return undefined;
  // The float quotient may be off by one either way; the remainder, exact here, corrects it.
  let q = Math.floor(product / den);
  let r = product - q * den;
  if (r < 0) {
    q -= 1;
    r += den;
  } else if (r >= den) {
    q += 1;
    r -= den;
  }
  return 2 * r >= den ? q + 1 : q;
}

/** Rounds down to a multiple of `step` (Japan rounds the taxable value down to whole 1 000 yen). */
export function floorToStep(amountMinor: bigint, step: number): bigint {
  if (step <= 1) return amountMinor;
  const s = BigInt(step);
  return (amountMinor / s) * s;
}

/**
 * Splits `total` minor units over `weights` in proportion, by the largest-remainder method: the parts
 * are whole, never negative when the weights are not, and add up to `total` exactly. Ties go to the
 * earlier weight, so the split is deterministic. All-zero weights split evenly from the front.
 */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) return [];
  const weightSum = weights.reduce((a, b) => a + b, 0n);
  if (weightSum === 0n) {
    const n = BigInt(weights.length);
    const base = total / n;
    let rest = total - base * n;
    return weights.map(() => {
      const extra = rest > 0n ? 1n : 0n;
      rest -= extra;
      return base + extra;
    });
  }
  const parts = weights.map((w) => (total * w) / weightSum);
  const remainders = weights.map((w, i) => ({ i, r: (total * w) % weightSum }));
  let left = total - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts;
}

/** A BigInt that must fit a safe integer, as a number; a larger one is a broken invariant. */
export function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} exceeds the safe integer range`);
  return n;
}
