import { z } from 'zod';
import mixJson from '../../data/generator/mix.json' with { type: 'json' };
import { CountrySchema, HsCodeSchema, IdSchema, UnNumberSchema } from '../domain/codes.ts';

/**
 * An IANA zone this Node build can convert to. Checked with `Intl.DateTimeFormat` rather than the
 * domain's `TimeZoneSchema`, whose list (`Intl.supportedValuesOf`) holds CLDR's older aliases only
 * and refuses current IANA names such as Asia/Ho_Chi_Minh.
 */
const ZoneSchema = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Asia/Shanghai' },
);

/** `[lo, hi]` with 0 < lo ≤ hi: for values and weights, the 5th and 95th percentile of a log-normal. */
const PositiveRange = z
  .tuple([z.number().positive(), z.number().positive()])
  .refine(([lo, hi]) => lo <= hi, { message: 'lo must not exceed hi' });

/** `[lo, hi]` of whole numbers, inclusive, uniform. */
const IntRange = z
  .tuple([z.number().int().min(0), z.number().int().min(0)])
  .refine(([lo, hi]) => lo <= hi, { message: 'lo must not exceed hi' });

/** Relative weights, index i for outcome i (the sum need not be 1; it must be positive). */
const Weights = z
  .array(z.number().min(0))
  .min(1)
  .refine((w) => w.reduce((a, b) => a + b, 0) > 0, { message: 'weights must not all be zero' });

/** Relative weights by key. */
const WeightMap = z
  .record(z.string(), z.number().min(0))
  .refine((w) => Object.values(w).reduce((a, b) => a + b, 0) > 0, {
    message: 'weights must not all be zero',
  });

const Share = z.number().min(0).max(1);
/** An id of the mix's `sources`, or a sentence starting with "assumption". */
const SourceRef = z.string().min(1);

const ServiceLevelWeights = z.strictObject({
  economy: z.number().min(0),
  standard: z.number().min(0),
  express: z.number().min(0),
});

const PromiseProfile = z.strictObject({ economy: IntRange, standard: IntRange, express: IntRange });

const CitySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  zone: ZoneSchema,
  /** Relative weight, roughly the metropolitan population in millions. */
  weight: z.number().positive(),
  /** Real postcodes of the city, in the country's format ("" where the country has none). */
  postcodes: z.array(z.string().trim().max(20)).min(1),
  /** Phone patterns, `#` a random digit; default: the country's. */
  phones: z.array(z.string().min(5)).min(1).optional(),
  /** Language of names and streets, default: the country's. */
  language: z.string().min(1).optional(),
});

const DestinationSchema = z.strictObject({
  country: CountrySchema,
  /** Relative share of parcels. */
  share: z.number().positive(),
  source: SourceRef,
  /** Share of parcels shipped DDP (duties paid by the seller or marketplace). */
  ddpShare: Share,
  /** Name of a `promiseDays.profiles` entry. */
  promise: z.string().min(1),
  /** Key of `languages`. */
  language: z.string().min(1),
  /** Declaration currencies, relative weights. */
  currencies: WeightMap,
  phones: z.array(z.string().min(5)).min(1),
  phoneSource: SourceRef.optional(),
  note: z.string().optional(),
  cities: z.array(CitySchema).min(1),
});

const LanguageSchema = z.strictObject({
  /** Family name first, as in Hungarian, Japanese, Korean, Vietnamese. */
  familyFirst: z.boolean().optional(),
  /** Groups of first names with the family names that agree with them (gendered surnames). */
  names: z
    .array(
      z.strictObject({ first: z.array(z.string().min(1)).min(1), last: z.array(z.string().min(1)).min(1) }),
    )
    .min(1),
  streets: z.array(z.string().min(1)).min(1),
  /** Address lines with `{street}`, `{n}` (house number), `{apt}` (flat) and `{block}` (1–9). */
  addressFormats: z.array(z.string().min(1)).min(1),
});

const DensityPackagingSchema = z.strictObject({
  kind: z.literal('density'),
  source: SourceRef,
  /** Gross weight per volume of the packed parcel, kg/m³ (log-uniform). */
  densityKgM3: PositiveRange,
  /** Width / length (uniform). */
  widthRatio: PositiveRange,
  /** Height / length (uniform). */
  heightRatio: PositiveRange,
  /** Packaging weight, grams (log-uniform). */
  tareG: PositiveRange,
  /** Smallest length, width, height in millimetres. */
  minMm: z.tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)]),
});

const FixedPackagingSchema = z.strictObject({
  kind: z.literal('fixed'),
  source: SourceRef,
  /** Carton or skid dimensions in millimetres (uniform, rounded to 10 mm). */
  lengthMm: PositiveRange,
  widthMm: PositiveRange,
  heightMm: PositiveRange,
  tareG: PositiveRange,
});

const PackagingSchema = z.discriminatedUnion('kind', [DensityPackagingSchema, FixedPackagingSchema]);

const ProductSchema = z.strictObject({
  description: z.string().trim().min(1).max(200),
  hsCode: HsCodeSchema,
  /** Relative weight within the category. */
  weight: z.number().positive(),
  /** Unit value in US dollars, 5th–95th percentile. */
  unitValueUsd: PositiveRange,
  /** Unit weight in grams including retail packaging, 5th–95th percentile. */
  unitWeightG: PositiveRange,
  dangerousGoods: z.array(UnNumberSchema).max(5).optional(),
  /** Key of `packaging`, overriding the category's when this line is the parcel's heaviest. */
  packaging: z.string().min(1).optional(),
});

const CategorySchema = z.strictObject({
  id: IdSchema,
  share: z.number().positive(),
  source: SourceRef,
  packaging: z.string().min(1),
  /** Name of a `serviceLevels.profiles` entry; default: `serviceLevels.default`. */
  serviceLevels: z.string().min(1).optional(),
  /** Weights of 1, 2, 3… distinct lines; default `linesPerParcel.default`. */
  lines: Weights.optional(),
  /** Weights of quantity 1, 2, 3… per line; default `quantityPerLine.default`. */
  quantity: Weights.optional(),
  /** Business-to-business goods: whole-unit prices, and quantities that fill `fillGrossKg`. */
  b2b: z.boolean().optional(),
  /** DDP share for this category, overriding the destination's. */
  ddpShare: Share.optional(),
  /** Target gross weight of the parcel in kg (log-uniform); quantities are derived from it. */
  fillGrossKg: PositiveRange.optional(),
  products: z.array(ProductSchema).min(1),
});

const SellersSchema = z.strictObject({
  source: SourceRef,
  /** Seller ids are this prefix and a four-digit (or longer) number: `seller-cq-0001`. */
  idPrefix: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /** Parcel share of the k-th seller ∝ 1 / k^s. */
  zipfExponent: z.number().min(0).max(4),
  cities: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        weight: z.number().positive(),
        /** First four digits of the synthetic 10-digit customs registration code. */
        customsPrefix: z.string().regex(/^\d{4}$/),
      }),
    )
    .min(1),
  /** Two syllable lists; a trade name is one of each ("Hong" + "yu"). */
  syllables: z.tuple([z.array(z.string().min(1)).min(1), z.array(z.string().min(1)).min(1)]),
  industries: z.array(z.string().min(1)).min(1),
  /** With `{city}`, `{trade}` and `{industry}`. */
  nameFormat: z.string().min(1),
  marketplaces: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        weight: z.number().positive(),
        /** Order id pattern, `#` a digit; at least 6 of them (the last ten make it unique per seller). */
        orderIdFormat: z
          .string()
          .max(64)
          .refine((f) => (f.match(/#/g) ?? []).length >= 6, { message: 'needs at least six # digits' }),
      }),
    )
    .min(1),
});

/**
 * The distribution tables of the parcel generator, as kept in `data/generator/mix.json`. Every table
 * carries its source; see `data/generator/README.md`.
 */
export const GeneratorMixSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.string().min(1),
  sources: z.array(
    z.strictObject({ id: z.string().min(1), title: z.string().min(1), note: z.string().optional() }),
  ),
  fx: z.strictObject({ source: SourceRef, perUsd: z.record(z.string(), z.number().positive()) }),
  readyTime: z.strictObject({
    source: SourceRef,
    /** The hub's zone, for the reader; its offset must be fixed (no daylight saving), given in `utcOffset`. */
    timeZone: ZoneSchema,
    utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/),
    /** 24 weights, local hour 0 to 23. */
    hourWeights: Weights.refine((w) => w.length === 24, { message: 'needs 24 hourly weights' }),
    /** 7 weights, Monday to Sunday. */
    weekdayWeights: Weights.refine((w) => w.length === 7, { message: 'needs 7 weights, Monday first' }),
  }),
  originCountries: z.strictObject({ source: SourceRef, weights: WeightMap }),
  serviceLevels: z.strictObject({
    source: SourceRef,
    default: ServiceLevelWeights,
    profiles: z.record(z.string(), ServiceLevelWeights),
  }),
  promiseDays: z.strictObject({ source: SourceRef, profiles: z.record(z.string(), PromiseProfile) }),
  linesPerParcel: z.strictObject({ source: SourceRef, default: Weights }),
  quantityPerLine: z.strictObject({ source: SourceRef, default: Weights }),
  charmPricingShare: z.strictObject({ source: SourceRef, share: Share }),
  destinations: z.array(DestinationSchema).min(1),
  languages: z.record(z.string(), LanguageSchema),
  packaging: z.record(z.string(), PackagingSchema),
  categories: z.array(CategorySchema).min(1),
  sellers: SellersSchema,
});

/** The generator's distribution tables, validated. */
export type GeneratorMix = z.output<typeof GeneratorMixSchema>;
export type GeneratorMixInput = z.input<typeof GeneratorMixSchema>;
export type PackagingSpec = z.output<typeof PackagingSchema>;
export type CategorySpec = z.output<typeof CategorySchema>;
export type DestinationSpec = z.output<typeof DestinationSchema>;

let defaultMixCache: GeneratorMix | undefined;

/**
 * The mix shipped in `data/generator/mix.json`, validated on first use (a broken file is a bug: it
 * throws). Returns the same object on every call; treat it as read-only.
 */
export function defaultMix(): GeneratorMix {
  defaultMixCache ??= GeneratorMixSchema.parse(mixJson);
  return defaultMixCache;
}

/**
 * Cross-references a schema cannot see: languages, packaging, promise and service profiles named by
 * destinations and categories, currencies with a rate and a minor-unit exponent. Returns one line per
 * problem; empty when the mix is consistent.
 */
export function checkMixReferences(mix: GeneratorMix, knownCurrencies: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seenCountries = new Set<string>();
  for (const [i, d] of mix.destinations.entries()) {
    const at = `destinations[${i}] (${d.country})`;
    if (seenCountries.has(d.country)) problems.push(`${at}: country listed twice`);
    seenCountries.add(d.country);
    if (!mix.promiseDays.profiles[d.promise]) problems.push(`${at}: unknown promise profile ${d.promise}`);
    if (!mix.languages[d.language]) problems.push(`${at}: unknown language ${d.language}`);
    for (const c of d.cities)
      if (c.language !== undefined && !mix.languages[c.language])
        problems.push(`${at}: city ${c.name}: unknown language ${c.language}`);
    for (const cur of Object.keys(d.currencies)) {
      if (!knownCurrencies.has(cur)) problems.push(`${at}: currency ${cur} has no ISO 4217 exponent`);
      if (mix.fx.perUsd[cur] === undefined) problems.push(`${at}: currency ${cur} has no rate in fx.perUsd`);
    }
  }
  for (const [key, lang] of Object.entries(mix.languages))
    for (const f of lang.addressFormats)
      for (const token of f.match(/\{[^}]*\}/g) ?? [])
        if (!['{street}', '{n}', '{apt}', '{block}'].includes(token))
          problems.push(`languages.${key}: unknown token ${token} in "${f}"`);
  const seenCategories = new Set<string>();
  for (const [i, c] of mix.categories.entries()) {
    const at = `categories[${i}] (${c.id})`;
    if (seenCategories.has(c.id)) problems.push(`${at}: id listed twice`);
    seenCategories.add(c.id);
    if (!mix.packaging[c.packaging]) problems.push(`${at}: unknown packaging ${c.packaging}`);
    if (c.serviceLevels !== undefined && !mix.serviceLevels.profiles[c.serviceLevels])
      problems.push(`${at}: unknown service-level profile ${c.serviceLevels}`);
    for (const p of c.products)
      if (p.packaging !== undefined && !mix.packaging[p.packaging])
        problems.push(`${at}: product ${p.description}: unknown packaging ${p.packaging}`);
  }
  for (const code of Object.keys(mix.originCountries.weights))
    if (!CountrySchema.safeParse(code).success)
      problems.push(`originCountries: ${code} is not a country code`);
  if (!IdSchema.safeParse(`${mix.sellers.idPrefix}0001`).success)
    problems.push('sellers.idPrefix: does not make valid ids');
  return problems;
}
