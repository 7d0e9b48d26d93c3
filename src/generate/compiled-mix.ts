import { CURRENCY_EXPONENTS, type Currency } from '../domain/money.ts';
import { SERVICE_LEVELS } from '../domain/parcel.ts';
import { parseUtcOffset } from './calendar.ts';
import { type CompiledDestination, compileDestinations } from './consignees.ts';
import { type CompiledCategories, compileCategories, type Declaration } from './contents.ts';
import { checkMixReferences, type GeneratorMix } from './mix.ts';
import { WeightedChoice } from './weighted-choice.ts';

/** A destination with its declarations (one per currency) and promise ranges. */
export interface DestinationPlan {
  readonly destination: CompiledDestination;
  /** Indexed like `destination.currencies`. */
  readonly declarations: readonly Declaration[];
  /** `[lo, hi]` days for each of `SERVICE_LEVELS`, flattened: lo of level i at 2i, hi at 2i + 1. */
  readonly promiseDays: Int32Array;
}

/** A mix turned into the samplers the generator draws from. */
export interface CompiledMix {
  readonly destinations: readonly DestinationPlan[];
  readonly destinationChoice: WeightedChoice;
  /** Distinct IANA zones of the destination cities. */
  readonly zones: readonly string[];
  readonly contents: CompiledCategories;
  /** Largest number of lines a category can draw. */
  readonly maxLines: number;
  /** Largest number of promised days. */
  readonly maxPromiseDays: number;
  readonly hourWeights: readonly number[];
  readonly weekdayWeights: readonly number[];
  /** The hub's UTC offset, minutes east, and as written (`+08:00`). */
  readonly utcOffsetMinutes: number;
  readonly utcOffsetText: string;
}

const compiled = new WeakMap<GeneratorMix, CompiledMix>();
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Object.keys(CURRENCY_EXPONENTS));

/**
 * Compiles a mix once (cached per mix object). Throws a RangeError listing every inconsistency when
 * the mix names a language, packaging or profile it does not define.
 */
export function compileMix(mix: GeneratorMix): CompiledMix {
  const cached = compiled.get(mix);
  if (cached) return cached;
  const problems = checkMixReferences(mix, KNOWN_CURRENCIES);
  if (problems.length > 0) throw new RangeError(`inconsistent generator mix:\n${problems.join('\n')}`);

  const originCodes = Object.keys(mix.originCountries.weights);
  const originChoice = new WeightedChoice(originCodes.map((c) => mix.originCountries.weights[c]!));
  const zones: string[] = [];
  let maxPromiseDays = 0;
  const destinations = compileDestinations(mix, zones).map((destination): DestinationPlan => {
    const profile = mix.promiseDays.profiles[destination.promise]!;
    const promiseDays = new Int32Array(SERVICE_LEVELS.length * 2);
    SERVICE_LEVELS.forEach((level, i) => {
      promiseDays[2 * i] = profile[level][0];
      promiseDays[2 * i + 1] = profile[level][1];
      maxPromiseDays = Math.max(maxPromiseDays, profile[level][1]);
    });
    return {
      destination,
      declarations: destination.currencies.map((code) => ({
        currency: code as Currency,
        perUsd: mix.fx.perUsd[code]!,
        minorPerMajor: 10 ** CURRENCY_EXPONENTS[code as Currency],
        charmShare: mix.charmPricingShare.share,
        originCodes,
        originChoice,
      })),
      promiseDays,
    };
  });
  const result: CompiledMix = {
    destinations,
    destinationChoice: new WeightedChoice(mix.destinations.map((d) => d.share)),
    zones,
    contents: compileCategories(mix),
    maxLines: Math.max(mix.linesPerParcel.default.length, ...mix.categories.map((c) => c.lines?.length ?? 0)),
    maxPromiseDays,
    hourWeights: mix.readyTime.hourWeights,
    weekdayWeights: mix.readyTime.weekdayWeights,
    utcOffsetMinutes: parseUtcOffset(mix.readyTime.utcOffset),
    utcOffsetText: mix.readyTime.utcOffset,
  };
  compiled.set(mix, result);
  return result;
}
