import { z } from 'zod';
import { DateSchema, IdSchema } from '../domain/codes.ts';
import { type ParcelDraft, SERVICE_LEVELS } from '../domain/parcel.ts';
import type { Seller } from '../domain/seller.ts';
import {
  clockOfSecond,
  DAY_MS,
  dateFromEpochDay,
  epochDayFromDate,
  weekdayOfEpochDay,
  ZoneOffsets,
} from './calendar.ts';
import { type CompiledMix, compileMix } from './compiled-mix.ts';
import { drawCity, drawConsignee } from './consignees.ts';
import { ContentsDrawer } from './contents.ts';
import { defaultMix, type GeneratorMix } from './mix.ts';
import { canonicalSeed, Random } from './random.ts';
import {
  buildSellerBook,
  defaultSellerCount,
  defaultSellerIds,
  OrderIdIssuer,
  type SellerBook,
} from './sellers.ts';

/** Most parcels one run may generate. */
export const MAX_GENERATED_PARCELS = 100_000_000;

/**
 * Options of a generator run. Validate untrusted input with `GenerateOptionsSchema.safeParse` first;
 * the generator functions parse again and throw on invalid options.
 */
export const GenerateOptionsSchema = z
  .object({
    /** Number of parcels, 0 to 100 million. */
    count: z.number().int().min(0).max(MAX_GENERATED_PARCELS),
    /** Any safe integer or a string; `'42'` and `42` are the same seed. */
    seed: z.union([
      z.number().refine(Number.isSafeInteger, { message: 'must be a safe integer' }),
      z.string().min(1).max(200),
    ]),
    /** First local date on which parcels are ready at the hub, `YYYY-MM-DD`. */
    from: DateSchema,
    /** Number of days the ready times spread over, from `from` on. */
    days: z.number().int().min(1).max(3660).default(1),
    /** Seller ids to attribute parcels to, biggest first; default `seller-cq-0001`…. */
    sellers: z
      .array(IdSchema)
      .min(1)
      .max(100_000)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'seller ids must be unique' })
      .optional(),
    /** Number of default sellers when `sellers` is absent; default grows with √count, 5 to 2000. */
    sellerCount: z.number().int().min(1).max(100_000).optional(),
    /** Distribution tables; default: `data/generator/mix.json`. */
    mix: z
      .custom<GeneratorMix>((v) => typeof v === 'object' && v !== null, {
        message: 'must be a generator mix',
      })
      .optional(),
  })
  .refine((o) => o.sellers === undefined || o.sellerCount === undefined, {
    message: 'give either sellers or sellerCount, not both',
    path: ['sellerCount'],
  });

/** Options of `generateParcels`, `generateParcelStream` and `generateSellers`. */
export type GenerateOptions = z.input<typeof GenerateOptionsSchema>;

/**
 * A generated parcel: what a seller hands over (it passes `ParcelInputSchema`, which ignores
 * `sellerId`), with the seller it belongs to and the ready time at the hub, an ISO 8601 instant in
 * the hub's offset (`2026-12-03T10:15:42+08:00`). A plain object that the generator does not keep.
 */
export type GeneratedParcel = ParcelDraft & { sellerId: string; readyAt: string };

/** Output of `generateParcels`. */
export interface GeneratedParcels {
  readonly sellers: Seller[];
  readonly parcels: GeneratedParcel[];
}

interface Run {
  readonly count: number;
  readonly seed: string;
  readonly fromDay: number;
  readonly days: number;
  readonly mix: CompiledMix;
  readonly book: SellerBook;
}

function prepareRun(options: GenerateOptions): Run {
  const o = GenerateOptionsSchema.parse(options);
  const mix = o.mix ?? defaultMix();
  const seed = canonicalSeed(o.seed);
  const ids =
    o.sellers ?? defaultSellerIds(mix.sellers.idPrefix, o.sellerCount ?? defaultSellerCount(o.count));
  return {
    count: o.count,
    seed,
    fromDay: epochDayFromDate(o.from),
    days: o.days,
    mix: compileMix(mix),
    book: buildSellerBook(mix, seed, ids),
  };
}

/**
 * The sellers of a run: the same list `generateParcels` returns for these options (only `seed`,
 * `sellers`, `sellerCount`, `count` when `sellerCount` is absent, and `mix` matter).
 */
export function generateSellers(options: GenerateOptions): Seller[] {
  return prepareRun(options).book.sellers.map((s) => ({ ...s }));
}

/**
 * Generates `count` synthetic parcels into memory, with their sellers. Deterministic: the same options
 * give the same output, byte for byte once serialised. Parcels come in order of `readyAt`. For large
 * counts prefer `generateParcelStream`, which holds one parcel at a time.
 *
 * @example
 * const { sellers, parcels } = generateParcels({ count: 1000, seed: 42, from: '2026-12-01' });
 * ParcelInputSchema.parse(parcels[0]); // passes; parcels[0].sellerId is one of sellers[].id
 */
export function generateParcels(options: GenerateOptions): GeneratedParcels {
  const run = prepareRun(options);
  const parcels: GeneratedParcel[] = [];
  for (const p of streamParcels(run)) parcels.push(p);
  return { sellers: run.book.sellers.map((s) => ({ ...s })), parcels };
}

/**
 * The parcels of `generateParcels`, one at a time, in the same order; about a microsecond or two
 * each. Options are checked now, not at the first `next()`. Each parcel is a fresh object that the
 * caller may keep or change.
 *
 * @example
 * for (const parcel of generateParcelStream({ count: 1_000_000, seed: 7, from: '2026-12-01', days: 7 }))
 *   writer.write(parcel);
 */
export function generateParcelStream(options: GenerateOptions): Generator<GeneratedParcel, void, undefined> {
  return streamParcels(prepareRun(options));
}

/** `make(i)` for i in [0, size), each made once, on first use. */
function memoByIndex<T>(size: number, make: (i: number) => T): (i: number) => T {
  const made: (T | undefined)[] = new Array(size);
  return (i) => {
    let value = made[i];
    if (value === undefined) {
      value = make(i);
      made[i] = value;
    }
    return value;
  };
}

/** Cumulative weights of the hours of the window: entry h is the share of ready times before hour h. */
function readyHourCdf(mix: CompiledMix, fromDay: number, days: number): Float64Array {
  const cdf = new Float64Array(days * 24 + 1);
  for (let d = 0; d < days; d++) {
    const dayWeight = mix.weekdayWeights[weekdayOfEpochDay(fromDay + d)]!;
    for (let h = 0; h < 24; h++) cdf[d * 24 + h + 1] = cdf[d * 24 + h]! + dayWeight * mix.hourWeights[h]!;
  }
  const total = cdf[days * 24]!;
  for (let i = 0; i <= days * 24; i++) cdf[i] = cdf[i]! / total;
  return cdf;
}

function* streamParcels(run: Run): Generator<GeneratedParcel, void, undefined> {
  const { count, fromDay, days, mix, book } = run;
  const rng = Random.fromSeed(run.seed, 'parcels');
  const timeRng = Random.fromSeed(run.seed, 'ready-times');
  const drawer = new ContentsDrawer(mix.maxLines);
  const offsetMs = mix.utcOffsetMinutes * 60_000;
  const windowStartMs = fromDay * DAY_MS - offsetMs;
  const windowEndMs = windowStartMs + days * DAY_MS;
  const issuerOf = memoByIndex(
    book.sellers.length,
    (i) => new OrderIdIssuer(book.orderIdPatterns[i]!, new Random(book.issuerSeeds[i]!)),
  );
  const zoneOffsetsOf = memoByIndex(
    mix.zones.length,
    (i) => new ZoneOffsets(mix.zones[i]!, windowStartMs, windowEndMs),
  );
  // Date strings of the days a ready time or a promise can fall on, from two days before `from`.
  const firstDateDay = fromDay - 2;
  const dateAt = memoByIndex(days + mix.maxPromiseDays + 5, (i) => dateFromEpochDay(firstDateDay + i));
  const dateOf = (epochDay: number): string => dateAt(epochDay - firstDateDay);

  // Ready times come sorted without holding them: each is the minimum of the uniforms still to come
  // (order statistics drawn one after another), mapped through the hour weights of the window.
  const cdf = readyHourCdf(mix, fromDay, days);
  const bins = days * 24;
  let u = 0;
  let bin = 0;

  for (let k = 0; k < count; k++) {
    u += (1 - u) * -Math.expm1(Math.log(timeRng.floatOpen()) / (count - k));
    while (bin < bins - 1 && u >= cdf[bin + 1]!) bin++;
    const lo = cdf[bin]!;
    const width = cdf[bin + 1]! - lo;
    const second = Math.min(3599, Math.max(0, Math.floor(width > 0 ? ((u - lo) / width) * 3600 : 0)));
    const localSecond = bin * 3600 + second;
    const readyMs = windowStartMs + localSecond * 1000;
    const readyAt = `${dateOf(fromDay + Math.floor(bin / 24))}T${clockOfSecond(localSecond % 86_400)}${mix.utcOffsetText}`;

    const sellerIndex = book.choice.pick(rng);
    const plan = mix.destinations[mix.destinationChoice.pick(rng)]!;
    const city = drawCity(rng, plan.destination);
    const consignee = drawConsignee(rng, plan.destination, city);
    const category = mix.contents.categories[mix.contents.categoryChoice.pick(rng)]!;
    const declaration = plan.declarations[plan.destination.currencyChoice.pick(rng)]!;
    const contents = drawer.draw(rng, category, declaration);
    const level = category.serviceChoice.pick(rng);
    const promiseDays = rng.intBetween(plan.promiseDays[2 * level]!, plan.promiseDays[2 * level + 1]!);
    const ddpShare = category.ddpShare ?? plan.destination.ddpShare;
    const incoterm = rng.float() < ddpShare ? 'DDP' : 'DAP';

    const buyerDay = Math.floor((readyMs + zoneOffsetsOf(city.zoneIndex).offsetMs(readyMs)) / DAY_MS);

    yield {
      sellerId: book.sellers[sellerIndex]!.id,
      externalOrderId: issuerOf(sellerIndex).next(rng),
      items: contents.items,
      grossWeightG: contents.grossWeightG,
      dimensions: contents.dimensions,
      dangerousGoods: mix.contents.dangerousGoodsByMask[contents.dgMask]!.slice(),
      consignee,
      promisedDeliveryDate: dateOf(buyerDay + promiseDays),
      incoterm,
      serviceLevel: SERVICE_LEVELS[level]!,
      readyAt,
    };
  }
}
