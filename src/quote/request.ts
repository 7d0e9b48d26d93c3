import { z } from 'zod';
import {
  CONTAINER_TYPES,
  type ContainerType,
  CountrySchema,
  CurrencySchema,
  checkDeclaredValues,
  DateSchema,
  DimensionsSchema,
  IdSchema,
  InstantSchema,
  ParcelItemSchema,
  UnNumberSchema,
} from '../domain/index.ts';

const Items = z.array(ParcelItemSchema).max(100).superRefine(checkDeclaredValues).default([]);
const Dg = z.array(UnNumberSchema).max(10).default([]);

/** A parcel: one piece delivered to the buyer's door by the last-mile partner. */
export const ParcelShipmentSchema = z.object({
  kind: z.literal('parcel'),
  grossWeightG: z.number().int().min(1).max(70_000),
  dimensions: DimensionsSchema,
  dangerousGoods: Dg,
  items: Items,
});

/** Loose cargo (LCL): pallets, crates, cages; priced per weight or measure, delivered to the gateway. */
export const LclShipmentSchema = z.object({
  kind: z.literal('lcl'),
  pieces: z
    .array(
      z.object({
        lengthMm: z.number().int().min(1).max(12_000),
        widthMm: z.number().int().min(1).max(2_400),
        heightMm: z.number().int().min(1).max(2_600),
        weightG: z.number().int().min(1).max(26_000_000),
        count: z.number().int().min(1).max(1_000),
      }),
    )
    .min(1)
    .max(100),
  dangerousGoods: Dg,
  items: Items,
});

/** Full containers (FCL) for B2B goods: machinery, e-bikes, a vehicle; delivered to the gateway. */
export const FclShipmentSchema = z.object({
  kind: z.literal('fcl'),
  containers: z
    .array(z.object({ type: z.enum(CONTAINER_TYPES), count: z.number().int().min(1).max(100) }))
    .min(1)
    .max(3),
  cargoWeightG: z.number().int().min(1).max(2_000_000_000),
  dangerousGoods: Dg,
  items: Items,
});

export const ShipmentSchema = z.discriminatedUnion('kind', [
  ParcelShipmentSchema,
  LclShipmentSchema,
  FclShipmentSchema,
]);
export type ShipmentInput = z.input<typeof ShipmentSchema>;
export type Shipment = z.output<typeof ShipmentSchema>;

/** A request for quotes: what, ready where and when, to where, in which currency. */
export const QuoteRequestSchema = z.object({
  /** Node where the shipment is ready; the hub when absent. */
  origin: IdSchema.optional(),
  readyAt: InstantSchema,
  destination: z.object({
    country: CountrySchema,
    postcode: z.string().trim().max(20).optional(),
    city: z.string().trim().max(100).optional(),
  }),
  currency: CurrencySchema.default('USD'),
  /** The delivery date promised to the buyer, if any: options are marked as meeting it or not. */
  promisedDeliveryDate: DateSchema.optional(),
  /** DDP: the seller pays import charges, so they are part of the price; DAP (default): the buyer pays at the door. */
  incoterm: z.enum(['DDP', 'DAP']).default('DAP'),
  shipment: ShipmentSchema,
});
export type QuoteRequestInput = z.input<typeof QuoteRequestSchema>;
export type QuoteRequest = z.output<typeof QuoteRequestSchema>;

/** The physical facts of a shipment the search needs, in grams and millimetres. */
export interface Load {
  readonly kind: Shipment['kind'];
  readonly weightG: number;
  readonly volumeMm3: number;
  readonly pieces: number;
  readonly heaviestPieceG: number;
  readonly longestSideMm: number;
  /** The smallest side of the largest piece: the height it can be laid down to. */
  readonly shortestSideMm: number;
  /** Length + 2 × (width + height) of a parcel; 0 for freight. */
  readonly girthMm: number;
  readonly containers: readonly { readonly type: ContainerType; readonly count: number }[];
  readonly dangerousGoods: readonly string[];
  readonly hsCodes: readonly string[];
}

/** Reduces a shipment to the figures that restrictions and tariffs read. */
export function loadOf(shipment: Shipment): Load {
  const hsCodes = shipment.items.map((i) => i.hsCode);
  if (shipment.kind === 'parcel') {
    const d = shipment.dimensions;
    const sides = [d.lengthMm, d.widthMm, d.heightMm].sort((a, b) => b - a) as [number, number, number];
    return {
      kind: 'parcel',
      weightG: shipment.grossWeightG,
      volumeMm3: d.lengthMm * d.widthMm * d.heightMm,
      pieces: 1,
      heaviestPieceG: shipment.grossWeightG,
      longestSideMm: sides[0],
      shortestSideMm: sides[2],
      girthMm: sides[0] + 2 * (sides[1] + sides[2]),
      containers: [],
      dangerousGoods: shipment.dangerousGoods,
      hsCodes,
    };
  }
  if (shipment.kind === 'lcl') {
    let weightG = 0;
    let volumeMm3 = 0;
    let pieces = 0;
    let heaviestPieceG = 0;
    let longestSideMm = 0;
    let shortestSideMm = 0;
    for (const p of shipment.pieces) {
      weightG += p.weightG * p.count;
      volumeMm3 += p.lengthMm * p.widthMm * p.heightMm * p.count;
      pieces += p.count;
      heaviestPieceG = Math.max(heaviestPieceG, p.weightG);
      const sides = [p.lengthMm, p.widthMm, p.heightMm].sort((a, b) => b - a);
      longestSideMm = Math.max(longestSideMm, sides[0]!);
      shortestSideMm = Math.max(shortestSideMm, sides[2]!);
    }
    return {
      kind: 'lcl',
      weightG,
      volumeMm3,
      pieces,
      heaviestPieceG,
      longestSideMm,
      shortestSideMm,
      girthMm: 0,
      containers: [],
      dangerousGoods: shipment.dangerousGoods,
      hsCodes,
    };
  }
  return {
    kind: 'fcl',
    weightG: shipment.cargoWeightG,
    volumeMm3: 0,
    pieces: shipment.containers.reduce((n, c) => n + c.count, 0),
    heaviestPieceG: 0,
    longestSideMm: 0,
    shortestSideMm: 0,
    girthMm: 0,
    containers: shipment.containers,
    dangerousGoods: shipment.dangerousGoods,
    hsCodes,
  };
}
