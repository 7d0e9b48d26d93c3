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
  /** Parcels grouped by ETA key (route, stage, position), with how many share each; optionally some routes only. */
  etaGroups(hubId: string, filter?: { readonly routes?: readonly string[] }): Promise<EtaGroup[]>;
  /**
   * Sets the ETA window of every parcel of each key, set-wise, and keeps the window a parcel had when
   * it departed (for calibration) the first time one is set after departure.
   */
  setEtaWindows(hubId: string, windows: readonly EtaWindowRow[], nowMs: number): Promise<number>;
  /**
   * Queues a `parcel.eta_changed` delivery to every enabled subscription that takes it, for each parcel
   * (of `routes`, when given) whose P50 moved more than `thresholdMs` from the one last told (none told
   * yet: told now, without a message), then records the P50 told. Set-wise SQL: one INSERT … SELECT and
   * one UPDATE however many parcels. Returns how many deliveries were queued.
   */
  queueEtaChanges(
    hubId: string,
    options: {
      readonly routes?: readonly string[];
      readonly stamp: string;
      readonly causeEventId: string;
      readonly thresholdMs: number;
      readonly nowMs: number;
    },
  ): Promise<number>;
  /** Sets each parcel's planned route, plan, gateway, zone and ETA key. */
  setRoutes(
    rows: readonly Pick<JourneyRow, 'parcel_id' | 'route' | 'plan_id' | 'gateway' | 'zone_id' | 'eta_key'>[],
  ): Promise<void>;
  /** Records which departures each route rides; known pairs are left alone. */
  addRoutes(
    hubId: string,
    pairs: readonly { readonly route: string; readonly departureId: string }[],
  ): Promise<void>;
  /** The distinct planned routes of these parcels. */
  routesOfParcels(hubId: string, parcelIds: readonly string[]): Promise<string[]>;
  /** Routes that ride a departure. */
  routesOf(hubId: string, departureIds: readonly string[]): Promise<string[]>;
  /** Departures as operated: new ones inserted, known ones updated (`update`) or left (`ignore`). */
  putDepartures(rows: readonly DepartureRow[], onConflict: 'update' | 'ignore'): Promise<void>;
  /** A run held up on its way: it waits `minutes` at `nodeId` (a closed or slowed node). */
  setDelay(
    hubId: string,
    departureId: string,
    nodeId: string,
    minutes: number,
    reason: string,
    nowMs: number,
  ): Promise<void>;
  /** A run cancelled. */
  setCancelled(hubId: string, departureId: string, reason: string, nowMs: number): Promise<void>;
  /** Containers of a plan, inserted when unknown. */
  putContainers(rows: readonly ContainerRow[]): Promise<void>;
  /** The containers of a departure. */
  containersOf(hubId: string, departureId: string): Promise<ContainerRow[]>;
  /** Sets the state of a plan the journey follows. */
  setPlan(
    hubId: string,
    planId: string,
    status: 'adopted' | 'pending' | 'superseded' | 'failed',
    cause: string | null,
    nowMs: number,
  ): Promise<void>;
  /** Plans the journey follows, newest first. */
  plans(
    hubId: string,
    status?: 'adopted' | 'pending' | 'superseded' | 'failed',
  ): Promise<
    {
      planId: string;
      status: string;
      cause: string | null;
      createdAtMs: number;
      adoptedAtMs: number | null;
    }[]
  >;
  /** First times per departure, code and node of containers' actual events since `sinceMs` (for learning durations). */
  runObservations(
    hubId: string,
    sinceMs: number,
  ): Promise<{ departureId: string; code: string; nodeId: string; timeMs: number }[]>;
  /** Observed gateway clearance (arrival → hand-over) and last mile (hand-over → delivery) since `sinceMs`, minutes. */
  parcelDurations(hubId: string, sinceMs: number): Promise<{ key: string; minutes: number }[]>;
}

/** Parcels sharing an ETA: their key, route and position, and how many they are. */
export interface EtaGroup {
  readonly etaKey: string;
  readonly route: string;
  readonly stage: string;
  readonly positionKind: string | null;
  readonly positionNode: string | null;
  readonly positionMs: number | null;
  readonly parcels: number;
}

/** The window to set on the parcels of one ETA key. */
export interface EtaWindowRow {
  readonly etaKey: string;
  readonly p10Ms: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly basis: string;
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

    async etaGroups(hubId, filter = {}) {
      const query = (routes?: string[]) =>
        db
          .selectFrom('parcel_journeys')
          .select((eb) => [
            'eta_key',
            'route',
            'stage',
            'position_kind',
            'position_node',
            'position_ms',
            eb.fn.countAll<number | string>().as('n'),
          ])
          .where('hub_id', '=', hubId)
          .where('eta_key', 'is not', null)
          .$if(routes !== undefined, (qb) => qb.where('route', 'in', routes!))
          .groupBy(['eta_key', 'route', 'stage', 'position_kind', 'position_node', 'position_ms'])
          .execute();
      const rows =
        filter.routes === undefined ? await query() : await inChunks(filter.routes, (chunk) => query(chunk));
      return rows.map((r) => ({
        etaKey: r.eta_key!,
        route: r.route!,
        stage: r.stage,
        positionKind: r.position_kind,
        positionNode: r.position_node,
        positionMs: r.position_ms === null ? null : Number(r.position_ms),
        parcels: Number(r.n),
      }));
    },

    async setEtaWindows(hubId, windows, nowMs) {
      if (windows.length === 0) return 0;
      return inTransaction(ctx, async (tx) => {
        let changed = 0;
        if (tx.sqlite !== undefined) {
          const statement =
            tx.sqlite.prepare(`update parcel_journeys set eta_p10_ms = ?, eta_p50_ms = ?, eta_p90_ms = ?,
              eta_basis = ?, eta_updated_ms = ?,
              eta_dep_p10_ms = coalesce(eta_dep_p10_ms, case when stage in ('departed', 'arrived') then ? end),
              eta_dep_p50_ms = coalesce(eta_dep_p50_ms, case when stage in ('departed', 'arrived') then ? end),
              eta_dep_p90_ms = coalesce(eta_dep_p90_ms, case when stage in ('departed', 'arrived') then ? end)
            where hub_id = ? and eta_key = ?`);
          for (const w of windows)
            changed += statement.run(
              w.p10Ms,
              w.p50Ms,
              w.p90Ms,
              w.basis,
              nowMs,
              w.p10Ms,
              w.p50Ms,
              w.p90Ms,
              hubId,
              w.etaKey,
            ).changes;
          return changed;
        }
        for (const chunk of chunksOf(windows, 5_000)) {
          const json = JSON.stringify(
            chunk.map((w) => ({ k: w.etaKey, a: w.p10Ms, b: w.p50Ms, c: w.p90Ms, d: w.basis })),
          );
          const r =
            await sql`update parcel_journeys j set eta_p10_ms = v.a, eta_p50_ms = v.b, eta_p90_ms = v.c,
              eta_basis = v.d, eta_updated_ms = ${nowMs},
              eta_dep_p10_ms = coalesce(j.eta_dep_p10_ms, case when j.stage in ('departed', 'arrived') then v.a end),
              eta_dep_p50_ms = coalesce(j.eta_dep_p50_ms, case when j.stage in ('departed', 'arrived') then v.b end),
              eta_dep_p90_ms = coalesce(j.eta_dep_p90_ms, case when j.stage in ('departed', 'arrived') then v.c end)
            from json_to_recordset(${json}::json) as v(k text, a bigint, b bigint, c bigint, d text)
            where j.hub_id = ${hubId} and j.eta_key = v.k`.execute(tx.db);
          changed += Number(r.numAffectedRows ?? 0n);
        }
        return changed;
      });
    },

    async queueEtaChanges(hubId, options) {
      const { stamp, causeEventId, thresholdMs, nowMs } = options;
      const run = async (tx: StoreContext, routes?: readonly string[]) => {
        const routeFilter =
          routes === undefined ? sql`` : sql`and j.route in (${sql.join(routes.map((r) => sql`${r}`))})`;
        const moved = sql`j.eta_p50_ms is not null and j.eta_notified_p50_ms is not null
          and (j.eta_p50_ms - j.eta_notified_p50_ms > ${thresholdMs} or j.eta_notified_p50_ms - j.eta_p50_ms > ${thresholdMs})`;
        const inserted = await sql`insert into webhook_deliveries (${sql.raw(DELIVERY_COLUMNS.join(', '))})
          select j.hub_id, s.id, ${`msg_eta_${stamp}_`} || j.parcel_id, j.seller_id, 'parcel.eta_changed', j.parcel_id,
            ${causeEventId}, null, 'pending', 0, cast(${nowMs} as bigint), null, j.eta_p10_ms, j.eta_p50_ms,
            j.eta_p90_ms, null, null, cast(${nowMs} as bigint), cast(${nowMs} as bigint), null
          from parcel_journeys j join webhook_subscriptions s on s.seller_id = j.seller_id and s.hub_id = j.hub_id
          where j.hub_id = ${hubId} and s.enabled = 1 and s.event_types like ${'%"parcel.eta_changed"%'}
            and ${moved} ${routeFilter}
          on conflict (subscription_id, message_id) do nothing`.execute(tx.db);
        await sql`update parcel_journeys set eta_notified_p50_ms = eta_p50_ms
          where hub_id = ${hubId} and eta_p50_ms is not null and (eta_notified_p50_ms is null or
            eta_p50_ms - eta_notified_p50_ms > ${thresholdMs} or eta_notified_p50_ms - eta_p50_ms > ${thresholdMs})
            ${routes === undefined ? sql`` : sql`and route in (${sql.join(routes.map((r) => sql`${r}`))})`}`.execute(
          tx.db,
        );
        return Number(inserted.numAffectedRows ?? 0n);
      };
      return inTransaction(ctx, async (tx) => {
        if (options.routes === undefined) return run(tx);
        let n = 0;
        for (const chunk of chunksOf([...new Set(options.routes)], IN_LIST)) n += await run(tx, chunk);
        return n;
      });
    },

    async setRoutes(rows) {
      if (rows.length === 0) return;
      await inTransaction(ctx, async (tx) => {
        if (tx.sqlite !== undefined) {
          const statement = tx.sqlite.prepare(
            'update parcel_journeys set route = ?, plan_id = ?, gateway = ?, zone_id = ?, eta_key = ? where parcel_id = ?',
          );
          for (const r of rows)
            statement.run(r.route, r.plan_id, r.gateway, r.zone_id, r.eta_key, r.parcel_id);
          return;
        }
        for (const chunk of chunksOf(rows, 5_000))
          await sql`update parcel_journeys j set route = v.route, plan_id = v.plan_id, gateway = v.gateway,
              zone_id = v.zone_id, eta_key = v.eta_key
            from json_to_recordset(${JSON.stringify(chunk)}::json)
              as v(parcel_id text, route text, plan_id text, gateway text, zone_id text, eta_key text)
            where j.parcel_id = v.parcel_id`.execute(tx.db);
      });
    },

    async addRoutes(hubId, pairs) {
      await inTransaction(ctx, (tx) =>
        bulkUpsert(
          tx,
          'tracking_routes',
          ['hub_id', 'route', 'departure_id'],
          ['hub_id', 'route', 'departure_id'],
          pairs.map((p) => ({ hub_id: hubId, route: p.route, departure_id: p.departureId })),
          'ignore',
        ),
      );
    },

    async routesOfParcels(hubId, parcelIds) {
      const rows = await inChunks(parcelIds, (chunk) =>
        db
          .selectFrom('parcel_journeys')
          .select('route')
          .distinct()
          .where('hub_id', '=', hubId)
          .where('parcel_id', 'in', chunk)
          .where('route', 'is not', null)
          .execute(),
      );
      return [...new Set(rows.map((r) => r.route!))];
    },

    async routesOf(hubId, departureIds) {
      const rows = await inChunks(departureIds, (chunk) =>
        db
          .selectFrom('tracking_routes')
          .select('route')
          .distinct()
          .where('hub_id', '=', hubId)
          .where('departure_id', 'in', chunk)
          .execute(),
      );
      return [...new Set(rows.map((r) => r.route))];
    },

    async putDepartures(rows, onConflict) {
      await inTransaction(ctx, (tx) =>
        bulkUpsert(
          tx,
          'tracking_departures',
          DEPARTURE_COLUMNS,
          ['hub_id', 'departure_id'],
          rows,
          onConflict,
        ),
      );
    },

    async setDelay(hubId, departureId, nodeId, minutes, reason, nowMs) {
      await db
        .updateTable('tracking_departures')
        .set({ delay_node: nodeId, delay_minutes: minutes, reason, updated_at_ms: nowMs })
        .where('hub_id', '=', hubId)
        .where('departure_id', '=', departureId)
        .execute();
    },

    async setCancelled(hubId, departureId, reason, nowMs) {
      await db
        .updateTable('tracking_departures')
        .set({ cancelled: 1, reason, updated_at_ms: nowMs })
        .where('hub_id', '=', hubId)
        .where('departure_id', '=', departureId)
        .execute();
    },

    async putContainers(rows) {
      await inTransaction(ctx, (tx) =>
        bulkUpsert(tx, 'tracking_containers', CONTAINER_COLUMNS, ['hub_id', 'container_id'], rows, 'ignore'),
      );
    },

    async containersOf(hubId, departureId) {
      return db
        .selectFrom('tracking_containers')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('departure_id', '=', departureId)
        .orderBy('container_id')
        .execute();
    },

    async setPlan(hubId, planId, status, cause, nowMs) {
      await inTransaction(ctx, async (tx) => {
        if (status === 'adopted')
          await tx.db
            .updateTable('tracking_plans')
            .set({ status: 'superseded' })
            .where('hub_id', '=', hubId)
            .where('status', '=', 'adopted')
            .where('plan_id', '<>', planId)
            .execute();
        await bulkUpsert(
          tx,
          'tracking_plans',
          ['hub_id', 'plan_id', 'status', 'cause', 'created_at_ms', 'adopted_at_ms'],
          ['hub_id', 'plan_id'],
          [
            {
              hub_id: hubId,
              plan_id: planId,
              status,
              cause,
              created_at_ms: nowMs,
              adopted_at_ms: status === 'adopted' ? nowMs : null,
            },
          ],
          'ignore',
        );
        await tx.db
          .updateTable('tracking_plans')
          .set({ status, ...(status === 'adopted' ? { adopted_at_ms: nowMs } : {}) })
          .where('hub_id', '=', hubId)
          .where('plan_id', '=', planId)
          .execute();
      });
    },

    async plans(hubId, status) {
      const rows = await db
        .selectFrom('tracking_plans')
        .selectAll()
        .where('hub_id', '=', hubId)
        .$if(status !== undefined, (qb) => qb.where('status', '=', status!))
        .orderBy('created_at_ms', 'desc')
        .execute();
      return rows.map((r) => ({
        planId: r.plan_id,
        status: r.status,
        cause: r.cause,
        createdAtMs: r.created_at_ms,
        adoptedAtMs: r.adopted_at_ms,
      }));
    },

    async runObservations(hubId, sinceMs) {
      const rows = await sql<{ dep: string; code: string; node: string; t: number | string }>`
        select coalesce(e.departure_id, c.departure_id) as dep, e.code as code, e.place_node as node,
          min(e.event_time_ms) as t
        from tracking_events e
        left join tracking_containers c on c.hub_id = e.hub_id and c.container_id = e.subject_id
        where e.hub_id = ${hubId} and e.subject_kind = 'container' and e.classifier = 'ACT' and e.retracted = 0
          and e.event_time_ms >= ${sinceMs} and e.place_node is not null
          and e.code in ('DEPARTED', 'ARRIVED', 'BORDER_CROSSED', 'DISCHARGED')
          and coalesce(e.departure_id, c.departure_id) is not null
        group by coalesce(e.departure_id, c.departure_id), e.code, e.place_node`.execute(db);
      return rows.rows.map((r) => ({
        departureId: r.dep,
        code: r.code,
        nodeId: r.node,
        timeMs: Number(r.t),
      }));
    },

    async parcelDurations(hubId, sinceMs) {
      const clearance = await db
        .selectFrom('parcel_journeys')
        .select(['gateway', 'arrived_at_ms', 'handed_at_ms'])
        .where('hub_id', '=', hubId)
        .where('handed_at_ms', '>=', sinceMs)
        .where('arrived_at_ms', 'is not', null)
        .where('gateway', 'is not', null)
        .execute();
      const lastMile = await db
        .selectFrom('parcel_journeys')
        .select(['zone_id', 'handed_at_ms', 'delivered_at_ms'])
        .where('hub_id', '=', hubId)
        .where('delivered_at_ms', '>=', sinceMs)
        .where('handed_at_ms', 'is not', null)
        .where('zone_id', 'is not', null)
        .execute();
      return [
        ...clearance.map((r) => ({
          key: `clearance:${r.gateway}`,
          minutes: (r.handed_at_ms! - r.arrived_at_ms!) / 60_000,
        })),
        ...lastMile.map((r) => ({
          key: `last-mile:${r.zone_id}`,
          minutes: (r.delivered_at_ms! - r.handed_at_ms!) / 60_000,
        })),
      ].filter((x) => x.minutes > 0);
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
