import type { Kysely, Migration } from 'kysely';

/**
 * Runtime hardening (issue 11): an index to sweep stored idempotent answers by age (they expire after
 * 24 h).
 */
export const runtimeMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('idempotency_keys_created_idx')
      .on('idempotency_keys')
      .column('created_at_ms')
      .execute();
  },
};

/**
 * Big plan documents stored compressed (issue 11): `plans.result_gz` holds the gzip of the JSON as
 * base64 text (text in both dialects; base64 costs a third more than bytes, against the ten times gzip
 * saves on plan JSON).
 */
export const planGzipMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('plans').addColumn('result_gz', 'text').execute();
  },
};
