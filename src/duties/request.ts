import { z } from 'zod';
import { BoundedMinorSchema, checkDeclaredValues } from '../domain/bounds.ts';
import { CountrySchema, DateSchema } from '../domain/codes.ts';
import { type Currency, CurrencySchema } from '../domain/money.ts';
import { INCOTERMS, type ParcelItem, ParcelItemSchema } from '../domain/parcel.ts';
import { CHANNELS, type Channel, SALE_TYPES, type SaleType } from './schema.ts';

/**
 * What a landed-cost question carries: where, when, what is inside, what the shipping cost, and how the
 * goods are sold and carried. The shell validates an API body or CLI input with
 * {@link LandedCostRequestSchema}; the core takes the typed {@link LandedCostRequest}.
 */
export interface LandedCostRequest {
  /** ISO 3166-1 alpha-2 destination, e.g. `DE`. */
  readonly destination: string;
  /** ISO 3166-2 subdivision where taxes differ by it (CA-ON, BR-MG); the country's rate otherwise. */
  readonly subdivision?: string;
  /** Import date, YYYY-MM-DD: picks the rule set, the rates and the FX table. */
  readonly date: string;
  readonly items: readonly ParcelItem[];
  /** Shipping charged to the destination, in minor units of `costsCurrency`. Default 0. */
  readonly shippingMinor?: number;
  /** Insurance, in minor units of `costsCurrency`. Default 0. */
  readonly insuranceMinor?: number;
  /** Currency of shipping and insurance; the first item's currency when absent. */
  readonly costsCurrency?: Currency;
  /** DDP: the seller pays import charges; DAP (default): the buyer pays them at the door. */
  readonly incoterm?: (typeof INCOTERMS)[number];
  /** How the parcel is carried, where rules differ. Default `express`. */
  readonly channel?: Channel;
  /** Whether the seller or its marketplace is registered for the destination's scheme (IOSS, UK VAT,
   * VOEC, Australian GST, Swiss VAT, Singapore OVR, Malaysia LVG, Remessa Conforme, Chile's SII
   * simplified regime). Default true: marketplace sellers are. */
  readonly sellerRegisteredForScheme?: boolean;
  /** Default `b2c`; some regimes (IOSS, EAEU personal imports, Remessa Conforme) are for consumers only. */
  readonly saleType?: SaleType;
  /** Gross weight of the parcel in grams, needed where duty depends on weight (EAEU). */
  readonly grossWeightG?: number;
  /** Currency of the answer's second set of amounts; the rule set's currency when absent. */
  readonly currency?: Currency;
}

/** Zod schema for a {@link LandedCostRequest} arriving from outside (API body, CLI file). */
export const LandedCostRequestSchema = z.object({
  destination: CountrySchema,
  subdivision: z
    .string()
    .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'must be an ISO 3166-2 code such as CA-ON')
    .optional(),
  date: DateSchema,
  items: z.array(ParcelItemSchema).min(1).max(100).superRefine(checkDeclaredValues),
  shippingMinor: BoundedMinorSchema.optional(),
  insuranceMinor: BoundedMinorSchema.optional(),
  costsCurrency: CurrencySchema.optional(),
  incoterm: z.enum(INCOTERMS).optional(),
  channel: z.enum(CHANNELS).optional(),
  sellerRegisteredForScheme: z.boolean().optional(),
  saleType: z.enum(SALE_TYPES).optional(),
  grossWeightG: z.number().int().min(1).max(40_000_000).optional(),
  currency: CurrencySchema.optional(),
});
