import { z } from 'zod';
import {
  CountrySchema,
  DateSchema,
  IataSchema,
  IdSchema,
  InstantSchema,
  LocalTimeSchema,
  LocodeSchema,
  TimeZoneSchema,
  UnNumberSchema,
} from './codes.ts';
import { CurrencySchema } from './money.ts';

/** References to entries of the network's `sources` list, backing the figures of the object they sit on. */
const SourceRefs = z.array(z.string().min(1)).default([]);

export const MODES = ['rail', 'sea', 'river', 'air', 'road'] as const;
export type Mode = (typeof MODES)[number];

export const CORRIDORS = ['cr-express', 'ilstc', 'yangtze', 'air', 'feeder'] as const;
export type Corridor = (typeof CORRIDORS)[number];

export const NODE_KINDS = [
  'hub',
  'rail-terminal',
  'border-crossing',
  'sea-port',
  'river-port',
  'airport',
  'gateway',
] as const;

/** A source document behind figures in the network file. */
export const SourceSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  url: z.string().url().optional(),
  /** Publication or access date of the source. */
  date: DateSchema,
  note: z.string().optional(),
});
export type Source = z.infer<typeof SourceSchema>;

/** A place in the network: the hub, a terminal, a border crossing, a port, an airport. */
export const NodeSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  nameZh: z.string().optional(),
  kind: z.enum(NODE_KINDS),
  country: CountrySchema,
  zone: TimeZoneSchema,
  locode: LocodeSchema.optional(),
  iata: IataSchema.optional(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** Least time between arriving on one service and leaving on another here (handling, customs). */
  minTransferMinutes: z.number().int().min(0).default(0),
  sources: SourceRefs,
});
export type NetworkNode = z.infer<typeof NodeSchema>;

export const CONTAINER_TYPES = ['22G1', '42G1', '45G1'] as const;
export type ContainerType = (typeof CONTAINER_TYPES)[number];

/** A container type (ISO 6346 size-type code) with its inside dimensions and payload. */
export const EquipmentSchema = z.object({
  type: z.enum(CONTAINER_TYPES),
  name: z.string().min(1),
  innerLengthMm: z.number().int().positive(),
  innerWidthMm: z.number().int().positive(),
  innerHeightMm: z.number().int().positive(),
  /** Largest cargo mass in grams. */
  payloadG: z.number().int().positive(),
  tareG: z.number().int().positive(),
  teu: z.number().positive(),
  sources: SourceRefs,
});
export type Equipment = z.infer<typeof EquipmentSchema>;

/**
 * A tariff of a service. A full container pays `perContainerMinor` for its type. A share of capacity
 * (LCL, air, parcels) pays the greatest of: the minimum, kg × perKg, m³ × perM3, and chargeable kg ×
 * perChargeableKg, where chargeable kg = max(actual kg, cm³ / volumetricDivisorCm3PerKg) (IATA: 6000).
 * Rates per kg or m³ are minor units per unit and may carry fractions of a minor unit; the charge is
 * rounded half up to a whole minor unit once, at the end.
 */
export const TariffSchema = z
  .object({
    currency: CurrencySchema,
    perContainerMinor: z.partialRecord(z.enum(CONTAINER_TYPES), z.number().int().positive()).optional(),
    perKgMinor: z.number().positive().optional(),
    perM3Minor: z.number().positive().optional(),
    perChargeableKgMinor: z.number().positive().optional(),
    volumetricDivisorCm3PerKg: z.number().int().positive().optional(),
    minimumMinor: z.number().int().min(0).default(0),
    sources: SourceRefs,
  })
  .refine((t) => t.perChargeableKgMinor === undefined || t.volumetricDivisorCm3PerKg !== undefined, {
    message: 'a chargeable-weight rate needs volumetricDivisorCm3PerKg',
    path: ['volumetricDivisorCm3PerKg'],
  })
  .refine(
    (t) =>
      t.perContainerMinor !== undefined ||
      t.perKgMinor !== undefined ||
      t.perM3Minor !== undefined ||
      t.perChargeableKgMinor !== undefined,
    { message: 'a tariff needs at least one rate' },
  );
export type Tariff = z.infer<typeof TariffSchema>;

/** What a service refuses to carry. */
export const RestrictionsSchema = z.object({
  /** Dangerous goods refused, by UN number (e.g. UN3480 on passenger aircraft). */
  forbiddenUnNumbers: z.array(UnNumberSchema).default([]),
  /** HS code prefixes refused, e.g. goods under sanctions for transit through a country. */
  forbiddenHsPrefixes: z.array(z.string().regex(/^\d{2,10}$/)).default([]),
  maxPieceWeightG: z.number().int().positive().optional(),
  maxPieceLengthMm: z.number().int().positive().optional(),
  maxPieceHeightMm: z.number().int().positive().optional(),
  note: z.string().optional(),
});
export type Restrictions = z.infer<typeof RestrictionsSchema>;

/** One leg of a service: from a node to the next, with its transit time, distance and CO2e intensity. */
export const LegSchema = z.object({
  from: IdSchema,
  to: IdSchema,
  transitMinutes: z.number().int().positive(),
  /** Time the vehicle stays at `to` before the next leg (gauge change, border formalities, port calls). */
  dwellMinutes: z.number().int().min(0).default(0),
  distanceKm: z.number().positive(),
  /** Well-to-wheel emission intensity, g CO2e per tonne-km (GLEC / ISO 14083). */
  co2eGPerTkm: z.number().positive(),
  sources: SourceRefs,
});
export type Leg = z.infer<typeof LegSchema>;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A weekly timetable in the origin node's time zone (or `zone` when given). */
export const ScheduleSchema = z.object({
  days: z.array(z.enum(WEEKDAYS)).min(1),
  times: z.array(LocalTimeSchema).min(1),
  zone: TimeZoneSchema.optional(),
  validFrom: DateSchema.optional(),
  validTo: DateSchema.optional(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

/** Capacity of one departure: containers by type, and/or weight and volume for loose cargo (air). */
export const CapacitySchema = z
  .object({
    containers: z
      .array(z.object({ type: z.enum(CONTAINER_TYPES), count: z.number().int().positive() }))
      .default([]),
    weightKg: z.number().int().positive().optional(),
    volumeL: z.number().int().positive().optional(),
    sources: SourceRefs,
  })
  .refine((c) => c.containers.length > 0 || c.weightKg !== undefined, {
    message: 'capacity needs containers or a weight',
  });
export type Capacity = z.infer<typeof CapacitySchema>;

/** A scheduled service: a train, barge, vessel or flight that runs a fixed sequence of legs weekly. */
export const ServiceSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  nameZh: z.string().optional(),
  corridor: z.enum(CORRIDORS),
  mode: z.enum(MODES),
  operator: z.string().min(1),
  legs: z.array(LegSchema).min(1),
  schedule: ScheduleSchema,
  /** Cargo must be at the origin this long before departure. */
  cutoffMinutes: z.number().int().min(0),
  capacity: CapacitySchema,
  tariff: TariffSchema,
  restrictions: RestrictionsSchema.default({ forbiddenUnNumbers: [], forbiddenHsPrefixes: [] }),
  sources: SourceRefs,
});
export type Service = z.infer<typeof ServiceSchema>;

/** A road or in-terminal link that runs whenever needed (first mile from the hub, port drayage). */
export const TransferSchema = z.object({
  from: IdSchema,
  to: IdSchema,
  minutes: z.number().int().min(0),
  distanceKm: z.number().min(0),
  co2eGPerTkm: z.number().min(0),
  tariff: TariffSchema.optional(),
  sources: SourceRefs,
});
export type Transfer = z.infer<typeof TransferSchema>;

/** Delivery from a destination gateway to the buyer by a postal or courier partner. */
export const LastMileZoneSchema = z.object({
  id: IdSchema,
  country: CountrySchema,
  name: z.string().min(1),
  /** Postcode prefixes this zone covers; empty: the whole country (the fallback zone). */
  postcodePrefixes: z.array(z.string().min(1)).default([]),
  /** Nodes where parcels for this zone enter the destination (import clearance then hand-over). */
  gateways: z.array(IdSchema).min(1),
  /**
   * Extra days of road injection from a gateway outside the zone's own country (e.g. a parcel cleared
   * at Rotterdam under IOSS for Poland); 0 for gateways not listed.
   */
  gatewayDays: z.record(IdSchema, z.number().int().min(0).max(10)).default({}),
  carrier: z.string().min(1),
  /** Import clearance at the gateway before hand-over, in hours. */
  clearanceHours: z.number().int().min(0),
  /** Working days from hand-over to delivery (counted as calendar days × 7/5 is not assumed: plain days). */
  transitDays: z.number().int().min(0),
  rate: z.object({
    currency: CurrencySchema,
    baseMinor: z.number().int().min(0),
    perKgMinor: z.number().min(0),
  }),
  maxWeightG: z.number().int().positive(),
  maxLengthMm: z.number().int().positive(),
  /** Length + 2 × (width + height) limit, in mm. */
  maxGirthMm: z.number().int().positive().optional(),
  sources: SourceRefs,
});
export type LastMileZone = z.infer<typeof LastMileZoneSchema>;

/** A node or a service closed or slowed over a window of time. */
export const DisruptionSchema = z
  .object({
    id: IdSchema,
    nodeId: IdSchema.optional(),
    serviceId: IdSchema.optional(),
    from: InstantSchema,
    to: InstantSchema,
    effect: z.enum(['closed', 'delayed']),
    delayMinutes: z.number().int().positive().optional(),
    reason: z.string().min(1),
    sources: SourceRefs,
  })
  .refine((d) => (d.nodeId === undefined) !== (d.serviceId === undefined), {
    message: 'a disruption names exactly one of nodeId and serviceId',
  })
  .refine((d) => d.effect !== 'delayed' || d.delayMinutes !== undefined, {
    message: 'a delay needs delayMinutes',
    path: ['delayMinutes'],
  })
  .refine((d) => Date.parse(d.from) < Date.parse(d.to), { message: 'from must be before to', path: ['to'] });
export type Disruption = z.infer<typeof DisruptionSchema>;

/** What the hub charges to receive, sort, screen and consolidate cargo before it leaves. */
export const HubHandlingSchema = z.object({
  currency: CurrencySchema,
  perParcelMinor: z.number().int().min(0),
  perKgMinor: z.number().min(0),
  /** Stuffing and sealing a full container a shipper brings (FCL). */
  perContainerMinor: z.number().int().min(0),
  sources: SourceRefs,
});
export type HubHandling = z.infer<typeof HubHandlingSchema>;

/** The whole network of a hub, as kept in `data/network/*.yaml` and in the store's network versions. */
export const NetworkSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  /** Version label, usually the date the figures were checked. */
  version: z.string().min(1),
  hub: IdSchema,
  /** The hub's own handling charges; none when absent. */
  hubHandling: HubHandlingSchema.optional(),
  sources: z.array(SourceSchema).default([]),
  equipment: z.array(EquipmentSchema).min(1),
  nodes: z.array(NodeSchema).min(1),
  transfers: z.array(TransferSchema).default([]),
  services: z.array(ServiceSchema).default([]),
  lastMile: z.array(LastMileZoneSchema).default([]),
  disruptions: z.array(DisruptionSchema).default([]),
});
export type Network = z.infer<typeof NetworkSchema>;
export type NetworkInput = z.input<typeof NetworkSchema>;
