import { z } from 'zod';
import { CountrySchema, IdSchema } from './codes.ts';

/** A marketplace seller that hands parcels to the hub. */
export const SellerSchema = z.object({
  id: IdSchema,
  name: z.string().trim().min(1).max(200),
  country: CountrySchema,
  /** China customs registration code of the e-commerce enterprise, when known. */
  customsCode: z.string().trim().max(20).optional(),
});
export type Seller = z.infer<typeof SellerSchema>;
