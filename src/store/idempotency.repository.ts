import type { StoreContext } from './context.ts';

/** The response first given to a request with an `Idempotency-Key`, replayed for its repeats. */
export interface IdempotencyRecord {
  /** The seller id, or `operator`. */
  readonly scope: string;
  /** The client's `Idempotency-Key` header. */
  readonly key: string;
  /** Hash of the request (method, path, body), so a reused key with another request is caught. */
  readonly requestHash: string;
  readonly statusCode: number;
  readonly responseBody: string;
  /** UTC epoch ms. */
  readonly createdAtMs: number;
}

/** A record to store; `createdAtMs` defaults to now. */
export type NewIdempotencyRecord = Omit<IdempotencyRecord, 'createdAtMs'> & { readonly createdAtMs?: number };

/** Stored responses of idempotent requests, by (scope, key). */
export interface IdempotencyRepository {
  /** The record for (scope, key), or undefined. */
  get(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores the record (created now when `createdAtMs` is absent) unless (scope, key) is taken; true when
   * stored, false when another request with the key got there first (then read that one with {@link get}).
   */
  put(record: NewIdempotencyRecord): Promise<boolean>;
  /** Forgets records created before `beforeMs` (UTC epoch ms); returns how many. */
  purge(beforeMs: number): Promise<number>;
}

/** The idempotency repository over `ctx`. */
export function idempotencyRepository(ctx: StoreContext): IdempotencyRepository {
  const { db } = ctx;
  return {
    async get(scope, key) {
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        scope: row.scope,
        key: row.key,
        requestHash: row.request_hash,
        statusCode: row.status_code,
        responseBody: row.response_body,
        createdAtMs: row.created_at_ms,
      };
    },

    async put(record) {
      const result = await db
        .insertInto('idempotency_keys')
        .values({
          scope: record.scope,
          key: record.key,
          request_hash: record.requestHash,
          status_code: record.statusCode,
          response_body: record.responseBody,
          created_at_ms: record.createdAtMs ?? ctx.nowMs(),
        })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async purge(beforeMs) {
      const result = await db
        .deleteFrom('idempotency_keys')
        .where('created_at_ms', '<', beforeMs)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
