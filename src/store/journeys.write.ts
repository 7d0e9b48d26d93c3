import type SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import type { ParcelStatus } from '../domain/parcel.ts';
import { hubTrackingNumber, stateOfStatus, statusOf } from '../tracking/index.ts';
import { bulkSet, bulkUpsert } from './bulk.ts';
import { chunksOf, inTransaction, type StoreContext } from './context.ts';
import {
  CONTAINER_COLUMNS,
  type ContainerRow,
  changedJourneyColumns,
  DELIVERY_COLUMNS,
  DEPARTURE_COLUMNS,
  type DepartureRow,
  EMPTY_JOURNEY,
  EVENT_COLUMNS,
  type EventRow,
  type IntakeJourneyRow,
  JOURNEY_COLUMNS,
  type JourneyRow,
  type NewDelivery,
  PG_UPDATE_ROWS,
  prepared,
  updateBinder,
} from './journeys.columns.ts';
import { inChunks } from './journeys.reads.ts';
import type { JourneysRepository } from './journeys.repository.ts';

/** What one intake batch writes, all in one transaction. */
export interface JourneyWrite {
  /** Events to insert, or (same hub and id) overwrite: a later version or a retraction. */
  readonly events: readonly EventRow[];
  /**
   * Journey rows as they now are (a row found in `before` may lack `NOT_INTAKE_COLUMNS`, as its
   * `before` does; others are full rows); their parcels' status follows.
   */
  readonly journeys: readonly IntakeJourneyRow[];
  /**
   * The rows as they were read, by parcel: a journey found here has only the columns that differ
   * written, and its parcel's status only when it changed (others are written whole).
   */
  readonly before?: ReadonlyMap<string, IntakeJourneyRow>;
  readonly containers: readonly ContainerRow[];
  readonly departures: readonly DepartureRow[];
  /** Deliveries to queue; a message already queued for a subscription is left as it is. */
  readonly deliveries: readonly NewDelivery[];
}

/** The journey's writes: journey rows for new parcels, and one intake batch all or nothing. */
export function journeyWrites(ctx: StoreContext): Pick<JourneysRepository, 'ensure' | 'write'> {
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

    async write(w) {
      await inTransaction(ctx, async (tx) => {
        if (tx.sqlite !== undefined) upsertEventsSqlite(tx.sqlite, w.events);
        else
          await bulkUpsert(tx, 'tracking_events', EVENT_COLUMNS, ['hub_id', 'event_id'], w.events, 'update');
        const whole: IntakeJourneyRow[] = [];
        const statuses: (readonly [string, string])[] = [];
        /** Rows by the set of columns that changed (a bit per column of JOURNEY_COLUMNS). */
        const changes = new Map<string, { columns: number[]; rows: IntakeJourneyRow[] }>();
        const columnBits: number[] = [];
        for (const j of w.journeys) {
          const status = statusOf({ stage: j.stage as never, hold: j.hold });
          const b = w.before?.get(j.parcel_id);
          if (b === undefined) {
            whole.push(j);
            statuses.push([j.parcel_id, status]);
            continue;
          }
          if (j.stage !== b.stage || j.hold !== b.hold) {
            if (status !== statusOf({ stage: b.stage as never, hold: b.hold }))
              statuses.push([j.parcel_id, status]);
          }
          columnBits.length = changedJourneyColumns(j, b, columnBits);
          if (columnBits.length === 0) continue;
          const key = columnBits.join(',');
          let group = changes.get(key);
          if (!group) {
            group = { columns: [...columnBits], rows: [] };
            changes.set(key, group);
          }
          group.rows.push(j);
        }
        await bulkUpsert(tx, 'parcel_journeys', JOURNEY_COLUMNS, ['parcel_id'], whole, 'update');
        // Only the changed columns, one statement per distinct set of them: on SQLite a prepared UPDATE
        // per row (an index is rewritten only when one of its columns is set), on PostgreSQL one
        // UPDATE … FROM a JSON record set per chunk (no dead index entries, no wide rows sent).
        for (const { columns: bits, rows } of changes.values()) {
          const columns = bits.map((i) => JOURNEY_COLUMNS[i]!);
          if (tx.sqlite !== undefined) {
            const statement = prepared(
              tx.sqlite,
              `update parcel_journeys set ${columns.map((c) => `${c} = ?`).join(', ')} where parcel_id = ?`,
            );
            const values: unknown[] = new Array(columns.length + 1);
            const bind = updateBinder(columns);
            for (const j of rows) {
              bind(j, values);
              statement.run(values);
            }
            continue;
          }
          const set = sql.raw(columns.map((c) => `${c} = v.${c}`).join(', '));
          for (const chunk of chunksOf(rows, PG_UPDATE_ROWS)) {
            const record = recordMaker(columns);
            const json = JSON.stringify(chunk.map(record));
            await sql`update parcel_journeys t set ${set}
              from json_populate_recordset(null::parcel_journeys, ${json}::json) v
              where t.parcel_id = v.parcel_id`.execute(tx.db);
          }
        }
        if (tx.sqlite !== undefined) setStatusesSqlite(tx.sqlite, statuses);
        else await bulkSet(tx, 'parcels', 'id', 'status', statuses);
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

const recordMakers = new Map<string, (j: IntakeJourneyRow) => Record<string, unknown>>();

/**
 * A journey's `parcel_id` and `columns` as one object of fixed shape (a record of PostgreSQL's
 * `json_populate_recordset`), by one named read per column.
 */
function recordMaker(columns: readonly string[]): (j: IntakeJourneyRow) => Record<string, unknown> {
  const key = columns.join(',');
  let make = recordMakers.get(key);
  if (!make) {
    make = new Function(
      'j',
      `return { ${['parcel_id', ...columns].map((c) => `${c}: j.${c}`).join(', ')} };`,
    ) as (j: IntakeJourneyRow) => Record<string, unknown>;
    recordMakers.set(key, make);
  }
  return make;
}

const EVENT_UPSERT = `insert into tracking_events (${EVENT_COLUMNS.join(', ')})
  values (${EVENT_COLUMNS.map(() => '?').join(', ')})
  on conflict (hub_id, event_id) do update set ${EVENT_COLUMNS.filter(
    (c) => c !== 'hub_id' && c !== 'event_id',
  )
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

/** Fills `values` with an event row's values in {@link EVENT_COLUMNS} order, one named read each. */
const eventValues = new Function(
  'e',
  'values',
  EVENT_COLUMNS.map((c, i) => `values[${i}] = e.${c} ?? null;`).join('\n'),
) as (e: EventRow, values: unknown[]) => void;

/** Inserts events, or overwrites the stored one of the same hub and id, through one prepared statement. */
function upsertEventsSqlite(sqlite: SqliteDatabase.Database, events: readonly EventRow[]): void {
  if (events.length === 0) return;
  const statement = prepared(sqlite, EVENT_UPSERT);
  const values: unknown[] = new Array(EVENT_COLUMNS.length);
  for (const e of events) {
    eventValues(e, values);
    statement.run(values);
  }
}

/** Sets parcels' statuses: one statement per status, over its parcel ids as one JSON array. */
function setStatusesSqlite(
  sqlite: SqliteDatabase.Database,
  statuses: readonly (readonly [string, string])[],
): void {
  if (statuses.length === 0) return;
  const byStatus = new Map<string, string[]>();
  for (const [id, status] of statuses) {
    const ids = byStatus.get(status);
    if (ids === undefined) byStatus.set(status, [id]);
    else ids.push(id);
  }
  const statement = prepared(
    sqlite,
    'update parcels set status = ? where id in (select value from json_each(?))',
  );
  for (const [status, ids] of byStatus) statement.run(status, JSON.stringify(ids));
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
