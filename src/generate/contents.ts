import type { Currency } from '../domain/money.ts';
import { type Dimensions, type ParcelItem, SERVICE_LEVELS } from '../domain/parcel.ts';
import type { GeneratorMix, PackagingSpec } from './mix.ts';
import type { Random } from './random.ts';
import { WeightedChoice } from './weighted-choice.ts';

/** z of the 95th percentile of the standard normal. */
const Z95 = 1.6448536269514722;

/** Schema limits of a parcel (`ParcelInputSchema`). */
const MAX_GROSS_G = 40_000_000;
const MAX_LENGTH_MM = 20_000;
const MAX_SIDE_MM = 3_000;
const MAX_QUANTITY = 100_000;

/** A log-normal given by its 5th and 95th percentile, clamped to [p5 / 2, 2 · p95]. */
interface LogNormal {
  readonly mu: number;
  readonly sigma: number;
  readonly min: number;
  readonly max: number;
}

function logNormal([p5, p95]: readonly [number, number]): LogNormal {
  const lo = Math.log(p5);
  const hi = Math.log(p95);
  return { mu: (lo + hi) / 2, sigma: (hi - lo) / (2 * Z95), min: p5 / 2, max: 2 * p95 };
}

function drawLogNormal(rng: Random, d: LogNormal): number {
  const x = Math.exp(d.mu + d.sigma * rng.normal());
  return Math.min(d.max, Math.max(d.min, x));
}

interface CompiledProduct {
  readonly description: string;
  readonly hsCode: string;
  readonly valueUsd: LogNormal;
  readonly weightG: LogNormal;
  /** Bit i set: contains `unNumbers[i]`. */
  readonly dgMask: number;
  readonly packaging: PackagingSpec | undefined;
}

/** A category of goods ready for drawing parcel contents. */
export interface CompiledCategory {
  readonly id: string;
  readonly products: readonly CompiledProduct[];
  readonly productChoice: WeightedChoice;
  /** Outcome i: i + 1 distinct lines. */
  readonly lineChoice: WeightedChoice;
  /** Outcome i: quantity i + 1. */
  readonly quantityChoice: WeightedChoice;
  readonly packaging: PackagingSpec;
  /** Outcome i: `SERVICE_LEVELS[i]`. */
  readonly serviceChoice: WeightedChoice;
  readonly ddpShare: number | undefined;
  readonly isB2b: boolean;
  /** Target gross weight in grams, or undefined to draw quantities. */
  readonly fillG: readonly [number, number] | undefined;
}

/** The categories of a mix, and the UN numbers its products carry (sorted; bit i of a mask is entry i). */
export interface CompiledCategories {
  readonly categories: readonly CompiledCategory[];
  readonly categoryChoice: WeightedChoice;
  readonly unNumbers: readonly string[];
  /** The sorted UN numbers of each mask. */
  readonly dangerousGoodsByMask: readonly (readonly string[])[];
}

/** Compiles the categories of a mix. Assumes `checkMixReferences` found no problem. */
export function compileCategories(mix: GeneratorMix): CompiledCategories {
  const unNumbers = [
    ...new Set(mix.categories.flatMap((c) => c.products.flatMap((p) => p.dangerousGoods ?? []))),
  ].sort();
  if (unNumbers.length > 16) throw new RangeError('at most 16 distinct UN numbers in a mix');
  const categories = mix.categories.map((c): CompiledCategory => {
    const levels =
      c.serviceLevels === undefined
        ? mix.serviceLevels.default
        : mix.serviceLevels.profiles[c.serviceLevels]!;
    return {
      id: c.id,
      products: c.products.map((p) => ({
        description: p.description,
        hsCode: p.hsCode,
        valueUsd: logNormal(p.unitValueUsd),
        weightG: logNormal(p.unitWeightG),
        dgMask: (p.dangerousGoods ?? []).reduce((mask, un) => mask | (1 << unNumbers.indexOf(un)), 0),
        packaging: p.packaging === undefined ? undefined : mix.packaging[p.packaging]!,
      })),
      productChoice: new WeightedChoice(c.products.map((p) => p.weight)),
      lineChoice: new WeightedChoice(c.lines ?? mix.linesPerParcel.default),
      quantityChoice: new WeightedChoice(c.quantity ?? mix.quantityPerLine.default),
      packaging: mix.packaging[c.packaging]!,
      serviceChoice: new WeightedChoice(SERVICE_LEVELS.map((l) => levels[l])),
      ddpShare: c.ddpShare,
      isB2b: c.b2b ?? false,
      fillG: c.fillGrossKg === undefined ? undefined : [c.fillGrossKg[0] * 1000, c.fillGrossKg[1] * 1000],
    };
  });
  const dangerousGoodsByMask: string[][] = [];
  for (let mask = 0; mask < 1 << unNumbers.length; mask++)
    dangerousGoodsByMask.push(unNumbers.filter((_, i) => (mask & (1 << i)) !== 0));
  return {
    categories,
    categoryChoice: new WeightedChoice(mix.categories.map((c) => c.share)),
    unNumbers,
    dangerousGoodsByMask,
  };
}

/** How the items of one parcel are declared. */
export interface Declaration {
  readonly currency: Currency;
  /** Units of `currency` per US dollar. */
  readonly perUsd: number;
  /** 10 ** the currency's minor-unit exponent. */
  readonly minorPerMajor: number;
  readonly charmShare: number;
  readonly originCodes: readonly string[];
  readonly originChoice: WeightedChoice;
}

/** What `drawContents` returns; reused between calls, so copy what you keep. */
export interface ContentsDraw {
  items: ParcelItem[];
  grossWeightG: number;
  dimensions: Dimensions;
  dgMask: number;
}

/**
 * Scratch space for drawing contents without allocating per parcel. One per generator: not
 * shareable between generators running interleaved.
 */
export class ContentsDrawer {
  private readonly productIndex: Int32Array;
  private readonly quantity: Float64Array;
  private readonly unitWeightG: Float64Array;
  private readonly out: ContentsDraw = {
    items: [],
    grossWeightG: 0,
    dimensions: { lengthMm: 1, widthMm: 1, heightMm: 1 },
    dgMask: 0,
  };

  constructor(maxLines: number) {
    this.productIndex = new Int32Array(maxLines);
    this.quantity = new Float64Array(maxLines);
    this.unitWeightG = new Float64Array(maxLines);
  }

  /**
   * Draws the lines of a parcel of a category (distinct products; a product drawn twice adds to its
   * quantity), their unit values in the declaration currency, the gross weight (units plus
   * packaging, in grams) and the packed dimensions (from the packaging's density and proportions, or
   * its fixed sizes).
   */
  draw(rng: Random, cat: CompiledCategory, decl: Declaration): ContentsDraw {
    const lines = cat.lineChoice.pick(rng) + 1;
    const idx = this.productIndex;
    const qty = this.quantity;
    const unitW = this.unitWeightG;
    const fill = cat.fillG;
    let n = 0;
    for (let k = 0; k < lines; k++) {
      const p = cat.productChoice.pick(rng);
      const q = fill === undefined ? cat.quantityChoice.pick(rng) + 1 : 0;
      let j = 0;
      while (j < n && idx[j] !== p) j++;
      if (j < n) {
        qty[j] = qty[j]! + q;
        continue;
      }
      idx[n] = p;
      qty[n] = q;
      unitW[n] = drawLogNormal(rng, cat.products[p]!.weightG);
      n++;
    }

    // The heaviest line decides the packaging (an air fryer with a spoon travels in the fryer's box).
    let heaviest = 0;
    for (let j = 1; j < n; j++)
      if (unitW[j]! * Math.max(1, qty[j]!) > unitW[heaviest]! * Math.max(1, qty[heaviest]!)) heaviest = j;
    const packaging = cat.products[idx[heaviest]!]!.packaging ?? cat.packaging;
    const tareG = rng.logUniform(packaging.tareG[0], packaging.tareG[1]);

    if (fill !== undefined) {
      // B2B: split a target net weight between the lines, whole units of at least one.
      const netG = Math.max(0, rng.logUniform(fill[0], fill[1]) - tareG);
      let sum = 0;
      for (let j = 0; j < n; j++) {
        qty[j] = rng.floatOpen();
        sum += qty[j]!;
      }
      for (let j = 0; j < n; j++)
        qty[j] = Math.min(MAX_QUANTITY, Math.max(1, Math.round(((qty[j]! / sum) * netG) / unitW[j]!)));
    }

    const items = new Array<ParcelItem>(n);
    let grossG = tareG;
    let dgMask = 0;
    for (let j = 0; j < n; j++) {
      const product = cat.products[idx[j]!]!;
      const quantity = Math.min(MAX_QUANTITY, qty[j]!);
      grossG += unitW[j]! * quantity;
      dgMask |= product.dgMask;
      const major = drawLogNormal(rng, product.valueUsd) * decl.perUsd;
      let unitValueMinor: number;
      if (cat.isB2b) unitValueMinor = Math.max(1, Math.round(major)) * decl.minorPerMajor;
      else if (decl.minorPerMajor > 1 && major >= 1 && rng.float() < decl.charmShare)
        unitValueMinor = Math.floor(major) * decl.minorPerMajor + decl.minorPerMajor - 1;
      else unitValueMinor = Math.max(1, Math.round(major * decl.minorPerMajor));
      items[j] = {
        description: product.description,
        hsCode: product.hsCode,
        quantity,
        unitValueMinor,
        currency: decl.currency,
        originCountry: decl.originCodes[decl.originChoice.pick(rng)]!,
      };
    }

    const out = this.out;
    out.items = items;
    out.grossWeightG = Math.min(MAX_GROSS_G, Math.max(1, Math.round(grossG)));
    out.dimensions = drawDimensions(rng, packaging, out.grossWeightG);
    out.dgMask = dgMask;
    return out;
  }
}

/** Packed dimensions in millimetres of a parcel of a gross weight in a packaging. */
function drawDimensions(rng: Random, packaging: PackagingSpec, grossG: number): Dimensions {
  if (packaging.kind === 'fixed') {
    const side = (r: readonly [number, number]): number =>
      Math.max(10, Math.round(rng.uniform(r[0], r[1]) / 10) * 10);
    return {
      lengthMm: Math.min(MAX_LENGTH_MM, side(packaging.lengthMm)),
      widthMm: Math.min(MAX_SIDE_MM, side(packaging.widthMm)),
      heightMm: Math.min(MAX_SIDE_MM, side(packaging.heightMm)),
    };
  }
  // g / (kg/m³) = litres; 1 L = 10⁶ mm³.
  const volumeMm3 = (grossG / rng.logUniform(packaging.densityKgM3[0], packaging.densityKgM3[1])) * 1e6;
  const wr = rng.uniform(packaging.widthRatio[0], packaging.widthRatio[1]);
  const hr = rng.uniform(packaging.heightRatio[0], packaging.heightRatio[1]);
  const length = Math.cbrt(volumeMm3 / (wr * hr));
  const [minL, minW, minH] = packaging.minMm;
  return {
    lengthMm: Math.min(MAX_LENGTH_MM, Math.max(minL, Math.ceil(length))),
    widthMm: Math.min(MAX_SIDE_MM, Math.max(minW, Math.ceil(length * wr))),
    heightMm: Math.min(MAX_SIDE_MM, Math.max(minH, Math.ceil(length * hr))),
  };
}
