import { z } from 'zod';
import { checkDeclaredValues, MAX_AMOUNT_MINOR } from './bounds.ts';
import { CountrySchema, DateSchema, HsCodeSchema, IdSchema, InstantSchema, UnNumberSchema } from './codes.ts';
import { CurrencySchema } from './money.ts';

/** One line of a parcel's contents, as declared to customs. */
export const ParcelItemSchema = z.object({
  description: z.string().trim().min(1).max(200),
  hsCode: HsCodeSchema,
  quantity: z.number().int().min(1).max(100_000),
  /** Value of one unit in minor units of `currency` (bounded per currency: see `checkDeclaredValues`). */
  unitValueMinor: z.number().int().min(0).max(MAX_AMOUNT_MINOR),
  currency: CurrencySchema,
  originCountry: CountrySchema,
});
export type ParcelItem = z.infer<typeof ParcelItemSchema>;

/**
 * The item lines of a parcel (1–100), each unit, line and per-currency total bounded to a value a parcel
 * can have (`MAX_DECLARED_VALUE_MAJOR`); a value beyond is refused naming `items.N.unitValueMinor`.
 */
export const ParcelItemsSchema = z.array(ParcelItemSchema).min(1).max(100).superRefine(checkDeclaredValues);

/** The buyer: personal data, shown only to the parcel's seller and the hub operator. */
export const ConsigneeSchema = z.object({
  name: z.string().trim().min(1).max(120),
  address: z.string().trim().min(1).max(300),
  city: z.string().trim().min(1).max(100),
  postcode: z.string().trim().max(20),
  country: CountrySchema,
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{5,25}$/, 'must be a phone number such as +48 22 123 45 67'),
});
export type Consignee = z.infer<typeof ConsigneeSchema>;

export const INCOTERMS = ['DDP', 'DAP'] as const;
export const SERVICE_LEVELS = ['economy', 'standard', 'express'] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];

/** Parcel dimensions of the packed parcel in millimetres. */
export const DimensionsSchema = z.object({
  lengthMm: z.number().int().min(1).max(20_000),
  widthMm: z.number().int().min(1).max(3_000),
  heightMm: z.number().int().min(1).max(3_000),
});
export type Dimensions = z.infer<typeof DimensionsSchema>;

/**
 * A parcel as a seller hands it over (API body, CSV row, JSON file). The hub assigns the id and,
 * when `readyAt` is missing, the time it was received.
 */
export const ParcelInputSchema = z.object({
  externalOrderId: z.string().trim().min(1).max(64),
  items: ParcelItemsSchema,
  /** Gross weight of the packed parcel in grams (40 t at most: a vehicle on a skid). */
  grossWeightG: z.number().int().min(1).max(40_000_000),
  dimensions: DimensionsSchema,
  /** UN numbers of dangerous goods inside, e.g. ["UN3481"] for lithium-ion batteries in equipment. */
  dangerousGoods: z.array(UnNumberSchema).max(10).default([]),
  consignee: ConsigneeSchema,
  /** The date the seller promised delivery, in the buyer's calendar. */
  promisedDeliveryDate: DateSchema,
  incoterm: z.enum(INCOTERMS),
  serviceLevel: z.enum(SERVICE_LEVELS),
  /** When the parcel is ready at the hub; the receipt time when absent. */
  readyAt: InstantSchema.optional(),
});
export type ParcelInput = z.input<typeof ParcelInputSchema>;
export type ParcelDraft = z.output<typeof ParcelInputSchema>;

/**
 * Where a parcel is in its journey, as its tracking events put it (`src/tracking` owns the state
 * machine): `announced` (data only), `received` (scanned at the hub), `held` (export customs hold),
 * `loaded` (in a container), `departed` (in transit), `arrived` (at a terminal or the destination
 * gateway), `import_held` (import customs hold), `handed_over` (to the last-mile carrier),
 * `out_for_delivery`, `delivery_failed`, `delivered`, `returned`, `cancelled`.
 */
export const PARCEL_STATUSES = [
  'announced',
  'received',
  'held',
  'loaded',
  'departed',
  'arrived',
  'import_held',
  'handed_over',
  'out_for_delivery',
  'delivery_failed',
  'delivered',
  'returned',
  'cancelled',
] as const;
export type ParcelStatus = (typeof PARCEL_STATUSES)[number];

/** A parcel held by the hub. `readyAtMs` is UTC epoch milliseconds. */
export const ParcelSchema = ParcelInputSchema.omit({ readyAt: true }).extend({
  id: z.string().min(1),
  sellerId: IdSchema,
  status: z.enum(PARCEL_STATUSES),
  readyAtMs: z.number().int(),
  createdAtMs: z.number().int(),
});
export type Parcel = z.infer<typeof ParcelSchema>;

/** Volume of a parcel's bounding box in cubic millimetres. */
export function parcelVolumeMm3(d: Dimensions): number {
  return d.lengthMm * d.widthMm * d.heightMm;
}

/** Declared value of a parcel per currency, in minor units (items may be declared in several currencies). */
export function declaredValueMinor(items: readonly ParcelItem[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items)
    out.set(item.currency, (out.get(item.currency) ?? 0) + item.unitValueMinor * item.quantity);
  return out;
}

/** Whether a parcel contains lithium batteries of any kind (UN3090, UN3091, UN3480, UN3481). */
export function hasLithiumBatteries(dangerousGoods: readonly string[]): boolean {
  return dangerousGoods.some(
    (un) => un === 'UN3480' || un === 'UN3481' || un === 'UN3090' || un === 'UN3091',
  );
}
