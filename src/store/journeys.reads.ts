import type { Kysely } from 'kysely';
import { chunksOf, type StoreContext } from './context.ts';
import type { Database } from './database.ts';
import {
  type EventRow,
  FACT_COLUMNS,
  factsOfValues,
  IN_LIST,
  INTAKE_JOURNEY_COLUMNS,
  type IntakeJourneyRow,
  intakeJourneyOfValues,
  JOURNEY_COLUMNS,
  type JourneyRow,
  journeyOfValues,
  type ParcelFacts,
  PG_ID_LIST,
  prepared,
} from './journeys.columns.ts';
import type { JourneysRepository } from './journeys.repository.ts';

/** Calls `fn` on the distinct `ids` in chunks of `size` and joins the results. */
export async function inChunks<T>(
  ids: readonly string[],
  fn: (chunk: string[]) => Promise<T[]>,
  size = IN_LIST,
): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunksOf([...new Set(ids)], size)) out.push(...(await fn([...chunk])));
  return out;
}

/**
 * Rows of `table` whose `key` is one of `ids`: on SQLite one prepared statement over the ids as one
 * JSON array (`json_each`), so 10,000 ids cost one call; elsewhere Kysely in chunks of
 * {@link PG_ID_LIST} (one round trip for an intake batch).
 * `hubId` only where the key's index leads with the hub: beside a key of its own, a `hub_id = ?` term
 * can make SQLite's planner walk the hub's whole index instead, so those callers filter the hub after.
 */
export async function byIdList<R>(
  ctx: StoreContext,
  table: string,
  key: string,
  columns: string,
  ids: readonly string[],
  kysely: (chunk: string[]) => Promise<R[]>,
  hubId?: string,
  fromValues?: (values: unknown[]) => R,
): Promise<R[]> {
  if (ids.length === 0) return [];
  const { sqlite, db } = ctx;
  if (sqlite === undefined) return inChunks(ids, kysely, PG_ID_LIST);
  const hub = hubId === undefined ? '' : 'and hub_id = ?';
  const text = `select ${columns} from ${table} where ${key} in (select value from json_each(?)) ${hub}`;
  // `in (…)` is a set: a repeated id yields its row once.
  const json = JSON.stringify(ids);
  const statement = prepared(sqlite, text);
  const params = hubId === undefined ? [json] : [json, hubId];
  const read = () =>
    fromValues === undefined
      ? (statement.raw(false).all(...params) as R[])
      : (statement.raw(true).all(...params) as unknown[][]).map(fromValues);
  return ctx.isTransaction ? read() : db.connection().execute(async () => read());
}

/** Rows by their key (no pair array per row, as `new Map(rows.map(…))` makes). */
function mapBy<R>(rows: readonly R[], key: (row: R) => string): Map<string, R> {
  const out = new Map<string, R>();
  for (const r of rows) out.set(key(r), r);
  return out;
}

/** The journey's reads by id: journeys, parcel facts, containers, departures and events. */
export function journeyReads(
  ctx: StoreContext,
): Pick<
  JourneysRepository,
  | 'get'
  | 'getMany'
  | 'intakeJourneys'
  | 'byNumbers'
  | 'parcelFacts'
  | 'members'
  | 'containers'
  | 'departures'
  | 'eventsById'
  | 'eventsOf'
  | 'containersOfParcels'
  | 'parcelsOfContainers'
> {
  const db: Kysely<Database> = ctx.db;
  return {
    async get(hubId, parcelId) {
      return db
        .selectFrom('parcel_journeys')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('parcel_id', '=', parcelId)
        .executeTakeFirst();
    },

    async getMany(hubId, parcelIds) {
      const rows = await byIdList<JourneyRow>(
        ctx,
        'parcel_journeys',
        'parcel_id',
        JOURNEY_COLUMNS.join(', '),
        parcelIds,
        (chunk) => db.selectFrom('parcel_journeys').selectAll().where('parcel_id', 'in', chunk).execute(),
        undefined,
        journeyOfValues,
      );
      const out = new Map<string, JourneyRow>();
      for (const r of rows) if (r.hub_id === hubId) out.set(r.parcel_id, r);
      return out;
    },

    async intakeJourneys(hubId, parcelIds) {
      const rows = await byIdList<IntakeJourneyRow>(
        ctx,
        'parcel_journeys',
        'parcel_id',
        INTAKE_JOURNEY_COLUMNS.join(', '),
        parcelIds,
        (chunk) =>
          db
            .selectFrom('parcel_journeys')
            .select(INTAKE_JOURNEY_COLUMNS)
            .where('parcel_id', 'in', chunk)
            .execute(),
        undefined,
        intakeJourneyOfValues,
      );
      const out = new Map<string, IntakeJourneyRow>();
      for (const r of rows) if (r.hub_id === hubId) out.set(r.parcel_id, r);
      return out;
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
      const rows = await byIdList<ParcelFacts>(
        ctx,
        'parcels',
        'id',
        FACT_COLUMNS.join(', '),
        parcelIds,
        (chunk) => db.selectFrom('parcels').select(FACT_COLUMNS).where('id', 'in', chunk).execute(),
        undefined,
        factsOfValues,
      );
      return mapBy(rows, (r) => r.id);
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
      return mapBy(rows, (r) => r.container_id);
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
      return mapBy(rows, (r) => r.departure_id);
    },

    async eventsById(hubId, eventIds) {
      const rows = await byIdList<EventRow>(
        ctx,
        'tracking_events',
        'event_id',
        '*',
        eventIds,
        (chunk) =>
          db
            .selectFrom('tracking_events')
            .selectAll()
            .where('hub_id', '=', hubId)
            .where('event_id', 'in', chunk)
            .execute(),
        hubId,
      );
      return mapBy(rows, (r) => r.event_id);
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
  };
}
