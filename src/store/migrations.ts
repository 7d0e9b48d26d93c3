import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { LandbridgeError } from '../domain/errors.ts';
import { customsMigration } from './customs.migration.ts';
import {
  journeyDurationsMigration,
  journeyIntakeMigration,
  journeyMigration,
  journeyWritesMigration,
} from './journey.migration.ts';
import { planGzipMigration, runtimeMigration } from './runtime.migration.ts';
import { hubsMigration, jobsMigration, sellerListsMigration } from './scale.migration.ts';

/**
 * The store's migrations, in order of their names. One set for both dialects: DDL goes through Kysely's
 * schema builder with types both know (`text`, `integer`, `bigint`, `double precision`). Never edit a
 * migration that has shipped; add the next one.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sellers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('customs_code', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('seller_id', 'text', (c) => c.references('sellers.id').onDelete('cascade'))
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at_ms', 'bigint')
        .addCheckConstraint('api_keys_role_check', sql`role in ('operator', 'seller')`)
        .addCheckConstraint(
          'api_keys_seller_check',
          sql`(role = 'seller' and seller_id is not null) or (role = 'operator' and seller_id is null)`,
        )
        .execute();

      await db.schema
        .createTable('parcels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seller_id', 'text', (c) => c.notNull().references('sellers.id'))
        .addColumn('external_order_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('ready_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('promised_delivery_date', 'text', (c) => c.notNull())
        .addColumn('incoterm', 'text', (c) => c.notNull())
        .addColumn('service_level', 'text', (c) => c.notNull())
        .addColumn('gross_weight_g', 'integer', (c) => c.notNull())
        .addColumn('length_mm', 'integer', (c) => c.notNull())
        .addColumn('width_mm', 'integer', (c) => c.notNull())
        .addColumn('height_mm', 'integer', (c) => c.notNull())
        .addColumn('dangerous_goods', 'text', (c) => c.notNull())
        .addColumn('consignee_country', 'text', (c) => c.notNull())
        .addColumn('consignee_city', 'text', (c) => c.notNull())
        .addColumn('consignee_postcode', 'text', (c) => c.notNull())
        .addColumn('consignee_name', 'text', (c) => c.notNull())
        .addColumn('consignee_address', 'text', (c) => c.notNull())
        .addColumn('consignee_phone', 'text', (c) => c.notNull())
        .addColumn('items', 'text', (c) => c.notNull())
        .addColumn('declared_value_minor', 'bigint')
        .addColumn('declared_currency', 'text')
        .addUniqueConstraint('parcels_seller_order_unique', ['seller_id', 'external_order_id'])
        .addCheckConstraint(
          'parcels_status_check',
          sql`status in ('received', 'planned', 'loaded', 'departed', 'delivered', 'held', 'cancelled')`,
        )
        .execute();
      await db.schema
        .createIndex('parcels_seller_created_idx')
        .on('parcels')
        .columns(['seller_id', 'created_at_ms', 'id'])
        .execute();
      await db.schema
        .createIndex('parcels_created_idx')
        .on('parcels')
        .columns(['created_at_ms', 'id'])
        .execute();
      await db.schema.createIndex('parcels_ready_idx').on('parcels').columns(['ready_at_ms', 'id']).execute();
      await db.schema.createIndex('parcels_status_idx').on('parcels').column('status').execute();
      await db.schema.createIndex('parcels_country_idx').on('parcels').column('consignee_country').execute();

      await db.schema
        .createTable('network_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('network_id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('checksum', 'text', (c) => c.notNull().unique())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(0))
        .addCheckConstraint('network_versions_active_check', sql`is_active in (0, 1)`)
        .execute();
      await db.schema
        .createIndex('network_versions_one_active_idx')
        .on('network_versions')
        .column('network_id')
        .unique()
        .where(sql.ref('is_active'), '=', 1)
        .execute();

      await db.schema
        .createTable('plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('progress', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('seller_id', 'text', (c) => c.references('sellers.id'))
        .addCheckConstraint('plans_status_check', sql`status in ('queued', 'running', 'done', 'failed')`)
        .execute();
      await db.schema
        .createIndex('plans_status_created_idx')
        .on('plans')
        .columns(['status', 'created_at_ms', 'id'])
        .execute();
      await db.schema
        .createIndex('plans_seller_created_idx')
        .on('plans')
        .columns(['seller_id', 'created_at_ms'])
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('response_body', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
        .execute();
    },
  },
  '2026-12-07-customs': customsMigration,
  /**
   * Imported exchange-rate tables (ECB reference rates, customs administrations' rates). Global, with no
   * hub_id: a published rate of a day is one public fact for every hub, and a copy per hub would let two
   * hubs disagree about it.
   */
  '2026-12-07-fx': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('fx_tables')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('base', 'text', (c) => c.notNull())
        .addColumn('valid_to', 'text')
        .addColumn('rates', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('imported_at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('fx_tables_pk', ['source', 'date', 'base'])
        .execute();
      await db.schema
        .createIndex('fx_tables_imported_idx')
        .on('fx_tables')
        .column('imported_at_ms')
        .execute();
    },
  },
  '2026-12-07-journey': journeyMigration,
  '2026-12-07-journey-durations': journeyDurationsMigration,
  '2026-12-07-journey-intake': journeyIntakeMigration,
  '2026-12-07-journey-writes': journeyWritesMigration,
  '2026-12-07-jobs': jobsMigration,
  '2026-12-07-hubs': hubsMigration,
  '2026-12-07-runtime': runtimeMigration,
  '2026-12-07-runtime-plan-gz': planGzipMigration,
  '2026-12-08-seller-lists': sellerListsMigration,
};

const provider: MigrationProvider = { getMigrations: async () => ({ ...MIGRATIONS }) };

/**
 * Brings the database up to the latest migration; a no-op when it is already there. On PostgreSQL pass
 * the schema the store lives in (the first of `search_path`), so that Kysely's bookkeeping tables are
 * looked up there and not in whichever schema of the database happens to hold a table of that name.
 */
export async function migrateToLatest(db: Kysely<unknown>, migrationTableSchema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    // Features land from parallel branches, each with its own dated migration: a database that ran a
    // later-named one first still takes an earlier-named one it has not seen.
    allowUnorderedMigrations: true,
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new LandbridgeError(
      'internal',
      `store migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
