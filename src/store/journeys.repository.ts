import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { ParcelStatus } from '../domain/parcel.ts';
import { hubTrackingNumber, stateOfStatus, statusOf } from '../tracking/index.ts';
import { bulkSet, bulkUpsert } from './bulk.ts';
import { chunksOf, inTransaction, type StoreContext } from './context.ts';
import type {
  ParcelJourneysTable,
  TrackingContainersTable,
  TrackingDeparturesTable,
  TrackingEventsTable,
  WebhookDeliveriesTable,
} from './journey.tables.ts';

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

/** What one intake batch writes, all in one transaction. */
export interface JourneyWrite {
  /** Events to insert, or (same hub and id) overwrite: a later version or a retraction. */
  readonly events: readonly EventRow[];
  /** Journey rows as they now are (full rows); their parcels' status follows. */
  readonly journeys: readonly JourneyRow[];
  readonly containers: readonly ContainerRow[];
  readonly departures: readonly DepartureRow[];
  /** Deliveries to queue; a message already queued for a subscription is left as it is. */
  readonly deliveries: readonly NewDelivery[];
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

const CONTAINER_COLUMNS = [
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

const DEPARTURE_COLUMNS = [
  'hub_id',
  'departure_id',
  'service_id',
  'scheduled_ms',
  'estimated_ms',
  'actual_ms',
  'cancelled',
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

/** Ids per `in (…)` list. */
const IN_LIST = 900;

/**
 * The journey's rows: each parcel's journey, tracking events, containers and departures as operated.
 * Reads take the hub; `write` stores one intake batch all or nothing. The logic that decides what to
 * write lives in `src/journey` (the intake) over the pure state machines of `src/tracking`.
 */
export interface JourneysRepository {
  /**
   * Gives every parcel without a journey (only those of `parcelIds`, when given) its journey row and a
   * tracking number of the hub's sequence; the stage follows the parcel's status. Returns how many.
   */
  ensure(hubId: string, parcelIds?: readonly string[]): Promise<number>;
  get(hubId: string, parcelId: string): Promise<JourneyRow | undefined>;
  getMany(hubId: string, parcelIds: readonly string[]): Promise<Map<string, JourneyRow>>;
  /** The parcels that tracking numbers (the hub's or a last mile's) name. */
  byNumbers(numbers: readonly string[]): Promise<Map<string, JourneyRow>>;
  /** Which of `parcelIds` exist, with what the journey needs of them (seller, status, declared size). */
  parcelFacts(parcelIds: readonly string[]): Promise<Map<string, ParcelFacts>>;
  /** The parcels inside these containers now. */
  members(hubId: string, containerIds: readonly string[]): Promise<JourneyRow[]>;
  containers(hubId: string, containerIds: readonly string[]): Promise<Map<string, ContainerRow>>;
  departures(hubId: string, departureIds: readonly string[]): Promise<Map<string, DepartureRow>>;
  eventsById(hubId: string, eventIds: readonly string[]): Promise<Map<string, EventRow>>;
  /** Every event (retracted ones too) of these subjects, by time. */
  eventsOf(hubId: string, kind: EventRow['subject_kind'], subjectIds: readonly string[]): Promise<EventRow[]>;
  /** The containers each parcel was ever consolidated into. */
  containersOfParcels(hubId: string, parcelIds: readonly string[]): Promise<Map<string, Set<string>>>;
  /** The parcels ever consolidated into these containers. */
  parcelsOfContainers(hubId: string, containerIds: readonly string[]): Promise<Set<string>>;
  /** Stores one batch in one transaction (the caller's, when there is one). */
  write(write: JourneyWrite): Promise<void>;
}

/** The journeys repository over `ctx`. */
export function journeysRepository(ctx: StoreContext): JourneysRepository {
  const { db } = ctx;

  async function inChunks<T>(ids: readonly string[], fn: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (const chunk of chunksOf([...new Set(ids)], IN_LIST)) out.push(...(await fn([...chunk])));
    return out;
  }

  return {
    async ensure(hubId, parcelIds) {
      if (parcelIds !== undefined && parcelIds.length === 0) return 0;
      return inTransaction(ctx, async (tx) => {
        const missing =
          parcelIds === undefined
            ? await tx.db
                .selectFrom('parcels as p')
                .leftJoin('parcel_journeys as j', 'j.parcel_id', 'p.id')
                .select(['p.id', 'p.seller_id', 'p.status', 'p.consignee_country', 'p.created_at_ms'])
                .where('j.parcel_id', 'is', null)
                .orderBy('p.created_at_ms')
                .orderBy('p.id')
                .execute()
            : await inChunks(parcelIds, (chunk) =>
                tx.db
                  .selectFrom('parcels as p')
                  .leftJoin('parcel_journeys as j', 'j.parcel_id', 'p.id')
                  .select(['p.id', 'p.seller_id', 'p.status', 'p.consignee_country', 'p.created_at_ms'])
                  .where('j.parcel_id', 'is', null)
                  .where('p.id', 'in', chunk)
                  .execute(),
              );
        if (missing.length === 0) return 0;
        const first = await reserveSerials(tx, hubId, missing.length);
        const nowMs = tx.nowMs();
        const rows = missing.map((p, i): JourneyRow => {
          const state = stateOfStatus(p.status as ParcelStatus);
          return {
            ...EMPTY_JOURNEY,
            parcel_id: p.id,
            hub_id: hubId,
            seller_id: p.seller_id,
            tracking_number: hubTrackingNumber(first + i),
            stage: state.stage,
            hold: state.hold,
            destination_country: p.consignee_country,
            created_at_ms: nowMs,
            updated_at_ms: nowMs,
          };
        });
        await bulkUpsert(tx, 'parcel_journeys', JOURNEY_COLUMNS, ['parcel_id'], rows, 'ignore');
        return rows.length;
      });
    },

    async get(hubId, parcelId) {
      return db
        .selectFrom('parcel_journeys')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('parcel_id', '=', parcelId)
        .executeTakeFirst();
    },

    async getMany(hubId, parcelIds) {
      const rows = await inChunks(parcelIds, (chunk) =>
        db
          .selectFrom('parcel_journeys')
          .selectAll()
          .where('hub_id', '=', hubId)
          .where('parcel_id', 'in', chunk)
          .execute(),
      );
      return new Map(rows.map((r) => [r.parcel_id, r]));
    },

    async byNumbers(numbers) {
      const rows = await inChunks(numbers, (chunk) =>
        db
          .selectFrom('parcel_journeys')
          .selectAll()
          .where((eb) => eb.or([eb('tracking_number', 'in', chunk), eb('last_mile_number', 'in', chunk)]))
          .execute(),
      );
      const out = new Map<string, JourneyRow>();
      for (const r of rows) {
        out.set(r.tracking_number, r);
        if (r.last_mile_number !== null) out.set(r.last_mile_number, r);
      }
      return out;
    },

    async parcelFacts(parcelIds) {
      const rows = await inChunks(parcelIds, (chunk) =>
        db
          .selectFrom('parcels')
          .select([
            'id',
            'seller_id',
            'status',
            'gross_weight_g',
            'length_mm',
            'width_mm',
            'height_mm',
            'consignee_country',
            'external_order_id',
          ])
          .where('id', 'in', chunk)
          .execute(),
      );
      return new Map(rows.map((r) => [r.id, r]));
    },

    async members(hubId, containerIds) {
      return inChunks(containerIds, (chunk) =>
        db
          .selectFrom('parcel_journeys')
          .selectAll()
          .where('hub_id', '=', hubId)
          .where('container_id', 'in', chunk)
          .execute(),
      );
    },

    async containers(hubId, containerIds) {
      const rows = await inChunks(containerIds, (chunk) =>
        db
          .selectFrom('tracking_containers')
          .selectAll()
          .where('hub_id', '=', hubId)
          .where('container_id', 'in', chunk)
          .execute(),
      );
      return new Map(rows.map((r) => [r.container_id, r]));
    },

    async departures(hubId, departureIds) {
      const rows = await inChunks(departureIds, (chunk) =>
        db
          .selectFrom('tracking_departures')
          .selectAll()
          .where('hub_id', '=', hubId)
          .where('departure_id', 'in', chunk)
          .execute(),
      );
      return new Map(rows.map((r) => [r.departure_id, r]));
    },

    async eventsById(hubId, eventIds) {
      const rows = await inChunks(eventIds, (chunk) =>
        db
          .selectFrom('tracking_events')
          .selectAll()
          .where('hub_id', '=', hubId)
          .where('event_id', 'in', chunk)
          .execute(),
      );
      return new Map(rows.map((r) => [r.event_id, r]));
    },

    async eventsOf(hubId, kind, subjectIds) {
      const rows = await inChunks(subjectIds, (chunk) =>
        db
          .selectFrom('tracking_events')
          .selectAll()
          .where('hub_id', '=', hubId)
          .where('subject_kind', '=', kind)
          .where('subject_id', 'in', chunk)
          .execute(),
      );
      return rows.sort(
        (a, b) =>
          a.event_time_ms - b.event_time_ms ||
          a.record_time_ms - b.record_time_ms ||
          a.record_index - b.record_index,
      );
    },

    async containersOfParcels(hubId, parcelIds) {
      const rows = await inChunks(parcelIds, (chunk) =>
        db
          .selectFrom('tracking_events')
          .select(['subject_id', 'container_id'])
          .where('hub_id', '=', hubId)
          .where('subject_kind', '=', 'parcel')
          .where('code', '=', 'CONSOLIDATED')
          .where('subject_id', 'in', chunk)
          .execute(),
      );
      const out = new Map<string, Set<string>>();
      for (const r of rows) {
        if (r.container_id === null) continue;
        let set = out.get(r.subject_id);
        if (!set) {
          set = new Set();
          out.set(r.subject_id, set);
        }
        set.add(r.container_id);
      }
      return out;
    },

    async parcelsOfContainers(hubId, containerIds) {
      const rows = await inChunks(containerIds, (chunk) =>
        db
          .selectFrom('tracking_events')
          .select('subject_id')
          .where('hub_id', '=', hubId)
          .where('code', '=', 'CONSOLIDATED')
          .where('container_id', 'in', chunk)
          .execute(),
      );
      return new Set(rows.map((r) => r.subject_id));
    },

    async write(w) {
      await inTransaction(ctx, async (tx) => {
        await bulkUpsert(tx, 'tracking_events', EVENT_COLUMNS, ['hub_id', 'event_id'], w.events, 'update');
        await bulkUpsert(tx, 'parcel_journeys', JOURNEY_COLUMNS, ['parcel_id'], w.journeys, 'update');
        await bulkSet(
          tx,
          'parcels',
          'id',
          'status',
          w.journeys.map((j) => [j.parcel_id, statusOf({ stage: j.stage as never, hold: j.hold })] as const),
        );
        await bulkUpsert(
          tx,
          'tracking_containers',
          CONTAINER_COLUMNS,
          ['hub_id', 'container_id'],
          w.containers,
          'update',
        );
        await bulkUpsert(
          tx,
          'tracking_departures',
          DEPARTURE_COLUMNS,
          ['hub_id', 'departure_id'],
          w.departures,
          'update',
        );
        await bulkUpsert(
          tx,
          'webhook_deliveries',
          DELIVERY_COLUMNS,
          ['subscription_id', 'message_id'],
          w.deliveries,
          'ignore',
        );
      });
    },
  };
}

/** Reserves `n` serials of the hub's tracking numbers; returns the first. */
async function reserveSerials(ctx: StoreContext, hubId: string, n: number): Promise<number> {
  const updated = await sql<{ next_serial: number | string }>`update tracking_sequences
    set next_serial = next_serial + ${n} where hub_id = ${hubId} returning next_serial`.execute(ctx.db);
  const row = updated.rows[0];
  if (row !== undefined) return Number(row.next_serial) - n;
  await ctx.db.insertInto('tracking_sequences').values({ hub_id: hubId, next_serial: n }).execute();
  return 0;
}

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
