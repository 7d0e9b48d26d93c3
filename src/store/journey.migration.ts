import { type Kysely, type Migration, SqliteAdapter, sql } from 'kysely';
import { PARCEL_STATUSES } from '../domain/parcel.ts';

/**
 * The parcel's journey (issue 12): tracking events, each parcel's journey state, containers,
 * departures as operated, tracking-number sequences, routes, webhook subscriptions, deliveries and
 * attempts; and `parcels.status` widened from the seven statuses of before to the journey's states
 * (`PARCEL_STATUSES`), keeping every row: `planned`, which nothing set, becomes `received`.
 *
 * Every table carries `hub_id` (the network's hub node, `xiyong-hub` in the sample). Instants are
 * UTC epoch ms as `bigint`; booleans 0/1 integers; JSON as text.
 */
export const journeyMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await widenParcelStatuses(db);

    await db.schema
      .createTable('tracking_events')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('subject_kind', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('classifier', 'text', (c) => c.notNull())
      .addColumn('event_time_ms', 'bigint', (c) => c.notNull())
      .addColumn('offset_minutes', 'integer', (c) => c.notNull())
      .addColumn('place_node', 'text')
      .addColumn('place_locode', 'text')
      .addColumn('place_city', 'text')
      .addColumn('place_country', 'text')
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('container_id', 'text')
      .addColumn('departure_id', 'text')
      .addColumn('reason_code', 'text')
      .addColumn('reason_text', 'text')
      .addColumn('details', 'text')
      .addColumn('exception', 'text')
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('record_time_ms', 'bigint', (c) => c.notNull())
      .addColumn('record_index', 'integer', (c) => c.notNull())
      .addColumn('retracted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('simulated', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('tracking_events_pk', ['hub_id', 'event_id'])
      .addCheckConstraint('tracking_events_classifier_check', sql`classifier in ('PLN', 'EST', 'ACT')`)
      .addCheckConstraint(
        'tracking_events_subject_check',
        sql`subject_kind in ('parcel', 'container', 'departure')`,
      )
      .execute();
    await db.schema
      .createIndex('tracking_events_subject_idx')
      .on('tracking_events')
      .columns(['hub_id', 'subject_kind', 'subject_id', 'event_time_ms'])
      .execute();
    await db.schema
      .createIndex('tracking_events_container_idx')
      .on('tracking_events')
      .columns(['hub_id', 'container_id'])
      .where(sql.ref('container_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('tracking_events_departure_idx')
      .on('tracking_events')
      .columns(['hub_id', 'departure_id', 'event_time_ms'])
      .where(sql.ref('departure_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('parcel_journeys')
      .addColumn('parcel_id', 'text', (c) => c.primaryKey().references('parcels.id').onDelete('cascade'))
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('seller_id', 'text', (c) => c.notNull())
      .addColumn('tracking_number', 'text', (c) => c.notNull().unique())
      .addColumn('last_mile_number', 'text')
      .addColumn('carrier', 'text')
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('hold', 'text')
      .addColumn('hold_reason', 'text')
      .addColumn('container_id', 'text')
      .addColumn('route', 'text')
      .addColumn('plan_id', 'text')
      .addColumn('gateway', 'text')
      .addColumn('zone_id', 'text')
      .addColumn('destination_country', 'text', (c) => c.notNull())
      .addColumn('position_node', 'text')
      .addColumn('position_kind', 'text')
      .addColumn('position_ms', 'bigint')
      .addColumn('eta_key', 'text')
      .addColumn('last_event_ms', 'bigint')
      .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('measured_weight_g', 'integer')
      .addColumn('measured_length_mm', 'integer')
      .addColumn('measured_width_mm', 'integer')
      .addColumn('measured_height_mm', 'integer')
      .addColumn('reweigh_delta_g', 'integer')
      .addColumn('reweigh_flag', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('received_at_ms', 'bigint')
      .addColumn('departed_at_ms', 'bigint')
      .addColumn('arrived_at_ms', 'bigint')
      .addColumn('handed_at_ms', 'bigint')
      .addColumn('delivered_at_ms', 'bigint')
      .addColumn('eta_p10_ms', 'bigint')
      .addColumn('eta_p50_ms', 'bigint')
      .addColumn('eta_p90_ms', 'bigint')
      .addColumn('eta_basis', 'text')
      .addColumn('eta_updated_ms', 'bigint')
      .addColumn('eta_dep_p10_ms', 'bigint')
      .addColumn('eta_dep_p50_ms', 'bigint')
      .addColumn('eta_dep_p90_ms', 'bigint')
      .addColumn('eta_notified_p50_ms', 'bigint')
      .addColumn('exception', 'text')
      .addColumn('exception_at_ms', 'bigint')
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addCheckConstraint('parcel_journeys_hold_check', sql`hold is null or hold in ('export', 'import')`)
      .execute();
    for (const [name, columns] of [
      ['parcel_journeys_stage_idx', ['hub_id', 'stage']],
      ['parcel_journeys_container_idx', ['hub_id', 'container_id']],
      ['parcel_journeys_eta_key_idx', ['hub_id', 'eta_key']],
      ['parcel_journeys_route_idx', ['hub_id', 'route']],
      ['parcel_journeys_seller_idx', ['seller_id', 'stage']],
      ['parcel_journeys_last_mile_idx', ['last_mile_number']],
    ] as const)
      await db.schema
        .createIndex(name)
        .on('parcel_journeys')
        .columns([...columns])
        .execute();
    await db.schema
      .createIndex('parcel_journeys_exception_idx')
      .on('parcel_journeys')
      .columns(['hub_id', 'exception_at_ms'])
      .where(sql.ref('exception_at_ms'), 'is not', null)
      .execute();

    await db.schema
      .createTable('tracking_containers')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('container_id', 'text', (c) => c.notNull())
      .addColumn('departure_id', 'text')
      .addColumn('plan_id', 'text')
      .addColumn('container_type', 'text')
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('hold', 'text')
      .addColumn('last_event_ms', 'bigint')
      .addColumn('last_code', 'text')
      .addColumn('last_node', 'text')
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('tracking_containers_pk', ['hub_id', 'container_id'])
      .execute();
    await db.schema
      .createIndex('tracking_containers_departure_idx')
      .on('tracking_containers')
      .columns(['hub_id', 'departure_id'])
      .execute();

    await db.schema
      .createTable('tracking_departures')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('departure_id', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('scheduled_ms', 'bigint', (c) => c.notNull())
      .addColumn('estimated_ms', 'bigint')
      .addColumn('actual_ms', 'bigint')
      .addColumn('cancelled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('delay_node', 'text')
      .addColumn('delay_minutes', 'integer')
      .addColumn('reason', 'text')
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('tracking_departures_pk', ['hub_id', 'departure_id'])
      .execute();
    await db.schema
      .createIndex('tracking_departures_scheduled_idx')
      .on('tracking_departures')
      .columns(['hub_id', 'scheduled_ms'])
      .execute();

    await db.schema
      .createTable('tracking_routes')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('departure_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tracking_routes_pk', ['hub_id', 'route', 'departure_id'])
      .execute();
    await db.schema
      .createIndex('tracking_routes_departure_idx')
      .on('tracking_routes')
      .columns(['hub_id', 'departure_id'])
      .execute();

    await db.schema
      .createTable('tracking_sequences')
      .addColumn('hub_id', 'text', (c) => c.primaryKey())
      .addColumn('next_serial', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('tracking_plans')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('plan_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('cause', 'text')
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('adopted_at_ms', 'bigint')
      .addPrimaryKeyConstraint('tracking_plans_pk', ['hub_id', 'plan_id'])
      .addCheckConstraint(
        'tracking_plans_status_check',
        sql`status in ('adopted', 'pending', 'superseded', 'failed')`,
      )
      .execute();

    await db.schema
      .createTable('webhook_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('seller_id', 'text', (c) => c.notNull().references('sellers.id').onDelete('cascade'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('event_types', 'text', (c) => c.notNull())
      .addColumn('codes', 'text')
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('previous_secret', 'text')
      .addColumn('previous_secret_until_ms', 'bigint')
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('disabled_reason', 'text')
      .addColumn('last_success_ms', 'bigint')
      .addColumn('last_failure_ms', 'bigint')
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_subscriptions_seller_idx')
      .on('webhook_subscriptions')
      .columns(['hub_id', 'seller_id'])
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('subscription_id', 'text', (c) =>
        c.notNull().references('webhook_subscriptions.id').onDelete('cascade'),
      )
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('seller_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('parcel_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('code', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_ms', 'bigint')
      .addColumn('payload', 'text')
      .addColumn('eta_p10_ms', 'bigint')
      .addColumn('eta_p50_ms', 'bigint')
      .addColumn('eta_p90_ms', 'bigint')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at_ms', 'bigint')
      .addPrimaryKeyConstraint('webhook_deliveries_pk', ['subscription_id', 'message_id'])
      .addCheckConstraint(
        'webhook_deliveries_status_check',
        sql`status in ('pending', 'delivered', 'failed', 'cancelled')`,
      )
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due_idx')
      .on('webhook_deliveries')
      .columns(['hub_id', 'status', 'next_attempt_ms'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_log_idx')
      .on('webhook_deliveries')
      .columns(['subscription_id', 'created_at_ms'])
      .execute();

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('subscription_id', 'text', (c) =>
        c.notNull().references('webhook_subscriptions.id').onDelete('cascade'),
      )
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('replay', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('webhook_attempts_pk', ['subscription_id', 'message_id', 'attempt'])
      .execute();
  },
};

const STATUS_LIST = PARCEL_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * `parcels.status` takes the journey's states. PostgreSQL swaps the check constraint. SQLite cannot
 * alter a constraint: the table is rebuilt from its own DDL with the new check (so columns other
 * branches added stay), rows copied, indexes re-created, foreign keys off meanwhile (SQLite's
 * documented procedure for schema changes, https://www.sqlite.org/lang_altertable.html §7).
 */
async function widenParcelStatuses(db: Kysely<unknown>): Promise<void> {
  const check = sql.raw(`status in (${STATUS_LIST})`);
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await sql`alter table parcels drop constraint if exists parcels_status_check`.execute(db);
    await sql`update parcels set status = 'received' where status = 'planned'`.execute(db);
    await sql`alter table parcels add constraint parcels_status_check check (${check})`.execute(db);
    return;
  }
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'parcels'`.execute(db);
  const ddl = table.rows[0]?.sql;
  if (ddl === undefined) throw new Error('no parcels table to widen');
  const pattern = /(constraint\s+"?parcels_status_check"?\s+check\s*\()\s*status\s+in\s*\([^)]*\)\s*(\))/i;
  if (!pattern.test(ddl))
    throw new Error('the parcels table has no parcels_status_check constraint to widen');
  const newDdl = ddl
    .replace(pattern, `$1status in (${STATUS_LIST})$2`)
    .replace(/^CREATE TABLE\s+"?parcels"?/i, 'CREATE TABLE "parcels__journey"');
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master
    where type = 'index' and tbl_name = 'parcels' and sql is not null`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin`.execute(db);
    try {
      await sql`update parcels set status = 'received' where status = 'planned'`.execute(db);
      await sql.raw(newDdl).execute(db);
      await sql`insert into parcels__journey select * from parcels`.execute(db);
      await sql`drop table parcels`.execute(db);
      await sql`alter table parcels__journey rename to parcels`.execute(db);
      for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error('rebuilding parcels broke a foreign key');
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

/**
 * Migration `2026-12-07-journey-durations`: partial indexes on the instants parcels were handed to the
 * last mile and delivered, so that learning durations and the calibration report read the recent
 * ones instead of walking every journey of the hub. Independent of order: it needs only the journey
 * tables, and creates nothing that exists.
 */
export const journeyDurationsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const column of ['handed_at_ms', 'delivered_at_ms'] as const)
      await db.schema
        .createIndex(`parcel_journeys_${column.replace('_at_ms', '')}_idx`)
        .ifNotExists()
        .on('parcel_journeys')
        .columns(['hub_id', column])
        .where(sql.ref(column), 'is not', null)
        .execute();
  },
};

/**
 * Migration `2026-12-07-journey-intake`: drops `tracking_events_departure_idx`, which no query reads
 * (events are read by id, by subject, and CONSOLIDATED ones by container; the run observations start
 * from the container events of the subject index), so every container and departure event stops
 * paying for it. Independent of order: drops only if it exists.
 */
export const journeyIntakeMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('tracking_events_departure_idx').ifExists().execute();
  },
};

/**
 * Migration `2026-12-07-journey-writes`: fewer index entries written per tracking event (issue 12's
 * ingest target), the same rows and the same answers.
 * - SQLite: `tracking_events` becomes a table keyed by (hub, event id), WITHOUT ROWID: the key is the
 *   table, so an event is one b-tree entry fewer (there was a rowid table plus its key's index). Its
 *   own DDL is reused (columns other branches added stay), rows copied, indexes re-created. PostgreSQL
 *   keeps its heap and primary key.
 * - Both: `parcel_journeys` no longer indexes `stage`, which nearly every event changes (each change
 *   rewrote two index entries in two indexes). `(hub_id, stage)` gives way to partial indexes on what
 *   the exception queue reads — failed deliveries, flagged re-weighs by stage, customs holds — which
 *   hold only those parcels; `(seller_id, stage)` to `(seller_id)`, which no stage change touches.
 * Independent of order: each step checks what exists.
 */
export const journeyWritesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (db.getExecutor().adapter instanceof SqliteAdapter) await eventsWithoutRowid(db);
    await db.schema.dropIndex('parcel_journeys_stage_idx').ifExists().execute();
    await db.schema.dropIndex('parcel_journeys_seller_idx').ifExists().execute();
    await db.schema
      .createIndex('parcel_journeys_seller_only_idx')
      .ifNotExists()
      .on('parcel_journeys')
      .column('seller_id')
      .execute();
    await db.schema
      .createIndex('parcel_journeys_delivery_failed_idx')
      .ifNotExists()
      .on('parcel_journeys')
      .column('hub_id')
      .where(sql<boolean>`stage = 'delivery_failed'`)
      .execute();
    await db.schema
      .createIndex('parcel_journeys_reweigh_idx')
      .ifNotExists()
      .on('parcel_journeys')
      .columns(['hub_id', 'stage'])
      .where(sql<boolean>`reweigh_flag = 1`)
      .execute();
    await db.schema
      .createIndex('parcel_journeys_hold_idx')
      .ifNotExists()
      .on('parcel_journeys')
      .column('hub_id')
      .where(sql<boolean>`hold is not null`)
      .execute();
  },
};

/**
 * Rebuilds SQLite's `tracking_events` WITHOUT ROWID from its own DDL (SQLite's documented procedure
 * for a change ALTER TABLE cannot make, https://www.sqlite.org/lang_altertable.html §7), in one
 * transaction; nothing to do when it is one already. No foreign key names the table.
 */
async function eventsWithoutRowid(db: Kysely<unknown>): Promise<void> {
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'tracking_events'`.execute(db);
  const ddl = table.rows[0]?.sql;
  if (ddl === undefined) throw new Error('no tracking_events table to rebuild');
  if (/\)\s*without\s+rowid\s*$/i.test(ddl)) return;
  const newDdl = `${ddl.replace(/^CREATE TABLE\s+"?tracking_events"?/i, 'CREATE TABLE "tracking_events__writes"')} WITHOUT ROWID`;
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master
    where type = 'index' and tbl_name = 'tracking_events' and sql is not null`.execute(db);
  await sql`begin`.execute(db);
  try {
    await sql.raw(newDdl).execute(db);
    await sql`insert into tracking_events__writes select * from tracking_events`.execute(db);
    await sql`drop table tracking_events`.execute(db);
    await sql`alter table tracking_events__writes rename to tracking_events`.execute(db);
    for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
    await sql`commit`.execute(db);
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
}
