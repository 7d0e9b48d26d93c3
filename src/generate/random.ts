/**
 * A seed for the generator: a safe integer, or any string. A string of decimal digits means the same
 * as the number (`'42'` and `42` give the same output), so a seed typed on a command line matches one
 * written in code.
 */
export type Seed = number | string;

/** The seed as one canonical string; throws a RangeError for a number that is not a safe integer. */
export function canonicalSeed(seed: Seed): string {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed))
      throw new RangeError(`seed must be a safe integer or a string, got ${seed}`);
    return String(seed);
  }
  if (/^-?\d+$/.test(seed) && Number.isSafeInteger(Number(seed))) return String(Number(seed));
  return seed;
}

/** 32-bit hash of a string: FNV-1a over UTF-16 code units, then the MurmurHash3 finaliser. */
export function hashString32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;

/**
 * A small seeded pseudo-random generator: SFC32 (Chris Doty-Humphrey's Small Fast Counting generator,
 * from PractRand, which it passes), state seeded by SplitMix32. 32-bit integer arithmetic only, so
 * every JavaScript engine gives the same sequence. Not for cryptography.
 *
 * @example
 * const rng = Random.fromSeed(42, 'parcels');
 * rng.float(); // in [0, 1)
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = 0;
  private hasSpareNormal = false;

  /** A generator for one named stream of a seed: streams of one seed are independent. */
  static fromSeed(seed: Seed, stream: string): Random {
    return new Random(hashString32(`${stream}\u0000${canonicalSeed(seed)}`));
  }

  /** @param seed32 any 32-bit integer */
  constructor(seed32: number) {
    let s = seed32 | 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let t = s ^ (s >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) | 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    const c = (this.c << 21) | (this.c >>> 11);
    this.c = (c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  float(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** Uniform in (0, 1]: safe to take the logarithm of. */
  floatOpen(): number {
    return (this.uint32() + 1) / TWO_POW_32;
  }

  /** Uniform integer in [0, n) for 0 < n ≤ 2³². */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi], both ends included. */
  intBetween(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Log-uniform in [lo, hi) for 0 < lo ≤ hi. */
  logUniform(lo: number, hi: number): number {
    return lo * (hi / lo) ** this.float();
  }

  /** Standard normal, by the Box–Muller transform (the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    const r = Math.sqrt(-2 * Math.log(this.floatOpen()));
    const theta = 2 * Math.PI * this.float();
    this.spareNormal = r * Math.sin(theta);
    this.hasSpareNormal = true;
    return r * Math.cos(theta);
  }
}
