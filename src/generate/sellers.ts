import type { Seller } from '../domain/seller.ts';
import type { GeneratorMix } from './mix.ts';
import { Random, type Seed } from './random.ts';
import { WeightedChoice } from './weighted-choice.ts';

/** Digits of an order id that count orders; the others are fixed per seller. */
const COUNTER_DIGITS = 10;
/** Order numbers of a seller step by 1 to `ORDER_STRIDE`, so they look issued among other orders. */
const ORDER_STRIDE = 7;

/**
 * Issues a seller's order ids from a pattern such as `AE################`: the leading digits fixed
 * per seller, the last ten a strictly increasing number, so ids never repeat within a seller.
 */
export class OrderIdIssuer {
  private readonly head: string;
  /** The rest of the pattern split at its `#` digits. */
  private readonly tail: readonly string[];
  /** The counter digits end the pattern with nothing between them. */
  private readonly isPlainTail: boolean;
  private readonly counterDigits: number;
  private readonly base: number;
  private readonly capacity: number;
  private issued = 0;

  constructor(pattern: string, rng: Random) {
    const slots = [...pattern].flatMap((ch, i) => (ch === '#' ? [i] : []));
    this.counterDigits = Math.min(COUNTER_DIGITS, slots.length);
    const split = slots[slots.length - this.counterDigits]!;
    let head = '';
    for (let i = 0; i < split; i++)
      head += pattern[i] === '#' ? String.fromCharCode(48 + rng.int(10)) : pattern[i];
    this.head = head;
    this.tail = pattern.slice(split).split('#');
    this.isPlainTail = this.tail.every((piece) => piece === '');
    const room = 10 ** this.counterDigits;
    this.base = rng.int(room / 10);
    this.capacity = Math.floor((room - this.base) / ORDER_STRIDE);
  }

  /** The next order id of this seller; throws past about 10⁹ ids per seller. */
  next(rng: Random): string {
    if (this.issued >= this.capacity) throw new RangeError('order id space of a seller exhausted');
    const number = this.base + this.issued * ORDER_STRIDE + rng.int(ORDER_STRIDE);
    this.issued++;
    const digits = String(number).padStart(this.counterDigits, '0');
    if (this.isPlainTail) return this.head + digits;
    const tail = this.tail;
    let out = this.head + tail[0];
    for (let i = 1; i < tail.length; i++) out += digits[i - 1]! + tail[i];
    return out;
  }
}

/** The sellers of a run, with what the parcel stream needs to attribute parcels to them. */
export interface SellerBook {
  readonly sellers: Seller[];
  /** Zipf-weighted choice of a seller index. */
  readonly choice: WeightedChoice;
  /** Marketplace order-id pattern of each seller. */
  readonly orderIdPatterns: readonly string[];
  /** Per-seller seeds of the order-id issuers, so each stream starts the same. */
  readonly issuerSeeds: readonly number[];
}

/** Number of sellers when the caller names none: grows with the square root of the parcel count. */
export function defaultSellerCount(parcelCount: number): number {
  return Math.min(2000, Math.max(5, Math.ceil(2 * Math.sqrt(parcelCount))));
}

/**
 * Fictional sellers, deterministic for a seed: ids `seller-cq-0001`…, or the ids given, in order;
 * names like "Chongqing Hongyu Trading Co., Ltd.", unique within the run; a synthetic 10-digit
 * customs code (a regional prefix and six random digits); a marketplace, which fixes the format of
 * the seller's order ids. The k-th seller (from 1) gets a share of parcels ∝ 1 / k^s.
 */
export function buildSellerBook(mix: GeneratorMix, seed: Seed, ids: readonly string[]): SellerBook {
  const spec = mix.sellers;
  const rng = Random.fromSeed(seed, 'sellers');
  const cityChoice = new WeightedChoice(spec.cities.map((c) => c.weight));
  const marketChoice = new WeightedChoice(spec.marketplaces.map((m) => m.weight));
  const [firstSyllables, secondSyllables] = spec.syllables;
  const usedNames = new Set<string>();
  const sellers: Seller[] = [];
  const orderIdPatterns: string[] = [];
  const issuerSeeds: number[] = [];
  for (const [i, id] of ids.entries()) {
    const city = spec.cities[cityChoice.pick(rng)]!;
    let name = '';
    for (let attempt = 0; name === '' || usedNames.has(name); attempt++) {
      const a = firstSyllables[rng.int(firstSyllables.length)]!;
      const b = secondSyllables[rng.int(secondSyllables.length)]!;
      if (a.toLowerCase() === b.toLowerCase() && attempt < 50) continue;
      const industry = spec.industries[rng.int(spec.industries.length)]!;
      name = spec.nameFormat
        .replace('{city}', city.name)
        .replace('{trade}', a + b)
        .replace('{industry}', industry);
      if (attempt >= 50 && usedNames.has(name)) name = `${name} (${i + 1})`;
    }
    usedNames.add(name);
    let customsCode = city.customsPrefix;
    for (let d = 0; d < 6; d++) customsCode += String(rng.int(10));
    sellers.push({ id, name, country: 'CN', customsCode });
    orderIdPatterns.push(spec.marketplaces[marketChoice.pick(rng)]!.orderIdFormat);
    issuerSeeds.push(rng.uint32());
  }
  const weights = ids.map((_, k) => 1 / (k + 1) ** spec.zipfExponent);
  return { sellers, choice: new WeightedChoice(weights), orderIdPatterns, issuerSeeds };
}

/** Seller ids `prefix0001` … for a count (four digits, more past 9999). */
export function defaultSellerIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => prefix + String(i + 1).padStart(4, '0'));
}
