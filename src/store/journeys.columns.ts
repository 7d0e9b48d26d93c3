import type SqliteDatabase from 'better-sqlite3';
import type { Insertable, Selectable } from 'kysely';
import type { ParcelStatus } from '../domain/parcel.ts';
import type {
  ParcelJourneysTable,
  TrackingContainersTable,
  TrackingDeparturesTable,
  TrackingEventsTable,
  WebhookDeliveriesTable,
} from './journey.tables.ts';

/*
 * The journey's rows as the repository reads and writes them: their types, their columns in a fixed
 * order, rows built from raw values, and the statements prepared once per SQLite handle.
 */

/** A parcel's journey row, as stored. */
export type JourneyRow = Selectable<ParcelJourneysTable>;
/** A tracking event row, as stored. */
export type EventRow = Selectable<TrackingEventsTable>;
/** A container row, as stored. */
export type ContainerRow = Selectable<TrackingContainersTable>;
/** A departure as operated, as stored. */
export type DepartureRow = Selectable<TrackingDeparturesTable>;
/** A webhook delivery to queue. */
export type NewDelivery = Insertable<WebhookDeliveriesTable>;

/** What the journey needs of a parcel row. */
export interface ParcelFacts {
  readonly id: string;
  readonly seller_id: string;
  readonly status: ParcelStatus;
  readonly gross_weight_g: number;
  readonly length_mm: number;
  readonly width_mm: number;
  readonly height_mm: number;
  readonly consignee_country: string;
  readonly external_order_id: string;
}

export const EVENT_COLUMNS = [
  'hub_id',
  'event_id',
  'subject_kind',
  'subject_id',
  'code',
  'classifier',
  'event_time_ms',
  'offset_minutes',
  'place_node',
  'place_locode',
  'place_city',
  'place_country',
  'actor',
  'container_id',
  'departure_id',
  'reason_code',
  'reason_text',
  'details',
  'exception',
  'updated_at_ms',
  'record_time_ms',
  'record_index',
  'retracted',
  'simulated',
] as const satisfies readonly (keyof TrackingEventsTable)[];

export const JOURNEY_COLUMNS = [
  'parcel_id',
  'hub_id',
  'seller_id',
  'tracking_number',
  'last_mile_number',
  'carrier',
  'stage',
  'hold',
  'hold_reason',
  'container_id',
  'route',
  'plan_id',
  'gateway',
  'zone_id',
  'destination_country',
  'position_node',
  'position_kind',
  'position_ms',
  'eta_key',
  'last_event_ms',
  'seq',
  'measured_weight_g',
  'measured_length_mm',
  'measured_width_mm',
  'measured_height_mm',
  'reweigh_delta_g',
  'reweigh_flag',
  'received_at_ms',
  'departed_at_ms',
  'arrived_at_ms',
  'handed_at_ms',
  'delivered_at_ms',
  'eta_p10_ms',
  'eta_p50_ms',
  'eta_p90_ms',
  'eta_basis',
  'eta_updated_ms',
  'eta_dep_p10_ms',
  'eta_dep_p50_ms',
  'eta_dep_p90_ms',
  'eta_notified_p50_ms',
  'exception',
  'exception_at_ms',
  'created_at_ms',
  'updated_at_ms',
] as const satisfies readonly (keyof ParcelJourneysTable)[];

/**
 * A journey row from its values in {@link JOURNEY_COLUMNS} order: an object literal of one fixed
 * shape, which V8 copies and reads several times faster than the dictionary-like rows a driver makes.
 */
export const journeyOfValues = new Function(
  'v',
  `return { ${JOURNEY_COLUMNS.map((c, i) => `${c}: v[${i}]`).join(', ')} };`,
) as (values: unknown[]) => JourneyRow;

/**
 * Journey columns the intake neither reads nor writes: the ETA windows (ETA upkeep sets them), the
 * plan's route fields, the destination and the row's creation. Its reads leave them out.
 */
export const NOT_INTAKE_COLUMNS = [
  'plan_id',
  'gateway',
  'zone_id',
  'destination_country',
  'eta_p10_ms',
  'eta_p50_ms',
  'eta_p90_ms',
  'eta_basis',
  'eta_updated_ms',
  'eta_dep_p10_ms',
  'eta_dep_p50_ms',
  'eta_dep_p90_ms',
  'eta_notified_p50_ms',
  'created_at_ms',
] as const satisfies readonly (typeof JOURNEY_COLUMNS)[number][];

/** A journey row as the intake reads it: without {@link NOT_INTAKE_COLUMNS} (a full row is one too). */
export type IntakeJourneyRow = Omit<JourneyRow, (typeof NOT_INTAKE_COLUMNS)[number]>;

/** The columns of {@link IntakeJourneyRow}, in {@link JOURNEY_COLUMNS} order. */
export const INTAKE_JOURNEY_COLUMNS = JOURNEY_COLUMNS.filter(
  (c) => !(NOT_INTAKE_COLUMNS as readonly string[]).includes(c),
);

/** An intake journey row from its values in {@link INTAKE_JOURNEY_COLUMNS} order (see {@link journeyOfValues}). */
export const intakeJourneyOfValues = new Function(
  'v',
  `return { ${INTAKE_JOURNEY_COLUMNS.map((c, i) => `${c}: v[${i}]`).join(', ')} };`,
) as (values: unknown[]) => IntakeJourneyRow;

/**
 * Writes into `out` the positions in {@link JOURNEY_COLUMNS} (all but `parcel_id`) where two journey
 * rows differ, and returns how many: one property read per column by name, which V8 keeps monomorphic,
 * where a loop over column names would look each up by a key.
 */
export const changedJourneyColumns = new Function(
  'j',
  'b',
  'out',
  `let n = 0;\n${JOURNEY_COLUMNS.map((c, i) => (i === 0 ? '' : `if (j.${c} !== b.${c}) out[n++] = ${i};`)).join('\n')}\nreturn n;`,
) as (j: IntakeJourneyRow, b: IntakeJourneyRow, out: number[]) => number;

const binders = new Map<string, (j: IntakeJourneyRow, values: unknown[]) => void>();

/** Fills `values` with a journey's `columns` then its `parcel_id`: the parameters of an UPDATE of them. */
export function updateBinder(columns: readonly string[]): (j: IntakeJourneyRow, values: unknown[]) => void {
  const key = columns.join(',');
  let bind = binders.get(key);
  if (!bind) {
    bind = new Function(
      'j',
      'values',
      [...columns, 'parcel_id'].map((c, i) => `values[${i}] = j.${c};`).join('\n'),
    ) as (j: IntakeJourneyRow, values: unknown[]) => void;
    binders.set(key, bind);
  }
  return bind;
}

export const CONTAINER_COLUMNS = [
  'hub_id',
  'container_id',
  'departure_id',
  'plan_id',
  'container_type',
  'stage',
  'hold',
  'last_event_ms',
  'last_code',
  'last_node',
  'created_at_ms',
  'updated_at_ms',
] as const satisfies readonly (keyof TrackingContainersTable)[];

export const DEPARTURE_COLUMNS = [
  'hub_id',
  'departure_id',
  'service_id',
  'scheduled_ms',
  'estimated_ms',
  'actual_ms',
  'cancelled',
  'delay_node',
  'delay_minutes',
  'reason',
  'updated_at_ms',
] as const satisfies readonly (keyof TrackingDeparturesTable)[];

export const DELIVERY_COLUMNS = [
  'hub_id',
  'subscription_id',
  'message_id',
  'seller_id',
  'event_type',
  'parcel_id',
  'event_id',
  'code',
  'status',
  'attempts',
  'next_attempt_ms',
  'payload',
  'eta_p10_ms',
  'eta_p50_ms',
  'eta_p90_ms',
  'last_status',
  'last_error',
  'created_at_ms',
  'updated_at_ms',
  'delivered_at_ms',
] as const satisfies readonly (keyof WebhookDeliveriesTable)[];

export const FACT_COLUMNS = [
  'id',
  'seller_id',
  'status',
  'gross_weight_g',
  'length_mm',
  'width_mm',
  'height_mm',
  'consignee_country',
  'external_order_id',
] as const;

/** Parcel facts from their values in {@link FACT_COLUMNS} order (see {@link journeyOfValues}). */
export const factsOfValues = new Function(
  'v',
  `return { ${FACT_COLUMNS.map((c, i) => `${c}: v[${i}]`).join(', ')} };`,
) as (values: unknown[]) => ParcelFacts;

const statements = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

/** A statement prepared once per SQLite handle. */
export function prepared(sqlite: SqliteDatabase.Database, text: string): SqliteDatabase.Statement {
  let cache = statements.get(sqlite);
  if (!cache) {
    cache = new Map();
    statements.set(sqlite, cache);
  }
  let statement = cache.get(text);
  if (!statement) {
    statement = sqlite.prepare(text);
    cache.set(text, statement);
  }
  return statement;
}

/** Ids per `in (…)` list. */
export const IN_LIST = 900;

/** Ids per `in (…)` list of one intake read on PostgreSQL (bind parameters stay under 65,535). */
export const PG_ID_LIST = 10_000;

/** Journey rows per UPDATE … FROM a JSON record set on PostgreSQL. */
export const PG_UPDATE_ROWS = 5_000;

/** A journey row's defaults: nothing known beyond the parcel. */
export const EMPTY_JOURNEY: Omit<
  JourneyRow,
  | 'parcel_id'
  | 'hub_id'
  | 'seller_id'
  | 'tracking_number'
  | 'stage'
  | 'destination_country'
  | 'created_at_ms'
  | 'updated_at_ms'
> = {
  last_mile_number: null,
  carrier: null,
  hold: null,
  hold_reason: null,
  container_id: null,
  route: null,
  plan_id: null,
  gateway: null,
  zone_id: null,
  position_node: null,
  position_kind: null,
  position_ms: null,
  eta_key: null,
  last_event_ms: null,
  seq: 0,
  measured_weight_g: null,
  measured_length_mm: null,
  measured_width_mm: null,
  measured_height_mm: null,
  reweigh_delta_g: null,
  reweigh_flag: 0,
  received_at_ms: null,
  departed_at_ms: null,
  arrived_at_ms: null,
  handed_at_ms: null,
  delivered_at_ms: null,
  eta_p10_ms: null,
  eta_p50_ms: null,
  eta_p90_ms: null,
  eta_basis: null,
  eta_updated_ms: null,
  eta_dep_p10_ms: null,
  eta_dep_p50_ms: null,
  eta_dep_p90_ms: null,
  eta_notified_p50_ms: null,
  exception: null,
  exception_at_ms: null,
};
