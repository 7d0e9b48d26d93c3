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
