import type { Currency } from '../domain/money.ts';
import type { ParcelDraft } from '../domain/parcel.ts';
import type { LandedCostRequest } from './request.ts';
import type { Channel, SaleType } from './schema.ts';

/** What a parcel does not say about its landed cost: the date, the shipping charged, the channel. */
export interface ParcelCostOptions {
  /** Expected import date, YYYY-MM-DD. */
  readonly date: string;
  readonly shippingMinor?: number;
  readonly insuranceMinor?: number;
  readonly costsCurrency?: Currency;
  readonly channel?: Channel;
  readonly sellerRegisteredForScheme?: boolean;
  readonly saleType?: SaleType;
  readonly subdivision?: string;
  /** Currency of the answer's second amounts (a quote's currency). */
  readonly currency?: Currency;
}

/**
 * The landed-cost request for a parcel: destination from the consignee's country, items, gross weight
 * and incoterm from the parcel, the rest from `options`. Quotes and DDP plan costs use it.
 */
export function landedCostRequestForParcel(
  parcel: Pick<ParcelDraft, 'items' | 'grossWeightG' | 'incoterm' | 'consignee'>,
  options: ParcelCostOptions,
): LandedCostRequest {
  return {
    destination: parcel.consignee.country,
    date: options.date,
    items: parcel.items,
    grossWeightG: parcel.grossWeightG,
    incoterm: parcel.incoterm,
    ...(options.subdivision ? { subdivision: options.subdivision } : {}),
    ...(options.shippingMinor !== undefined ? { shippingMinor: options.shippingMinor } : {}),
    ...(options.insuranceMinor !== undefined ? { insuranceMinor: options.insuranceMinor } : {}),
    ...(options.costsCurrency ? { costsCurrency: options.costsCurrency } : {}),
    ...(options.channel ? { channel: options.channel } : {}),
    ...(options.sellerRegisteredForScheme !== undefined
      ? { sellerRegisteredForScheme: options.sellerRegisteredForScheme }
      : {}),
    ...(options.saleType ? { saleType: options.saleType } : {}),
    ...(options.currency ? { currency: options.currency } : {}),
  };
}
