import type { StoreContext } from './context.ts';

/** The response first given to a request with an `Idempotency-Key`, replayed for its repeats. */
export interface IdempotencyRecord {
  /** The seller id, or `operator`. */
  readonly scope: string;
  /** The client's `Idempotency-Key` header. */
  readonly key: string;
  /** Hash of the request (method, path, body), so a reused key with another request is caught. */
  readonly requestHash: string;
  /** 0 while the first request is still being answered (see {@link IdempotencyRepository.begin}). */
  readonly statusCode: number;
  readonly responseBody: string;
  /** UTC epoch ms: when answered; while being answered, the mark's last heartbeat. */
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
  /**
   * Marks (scope, key) as being answered now (status 0), so that the same request arriving at another
   * API process at the same moment waits for this answer instead of doing the work twice. True when
   * this request holds the key; false when another holds it or answered already (read it with
   * {@link get}). A mark older than `staleAfterMs` (its process died mid-request) is taken over.
   */
  begin(scope: string, key: string, requestHash: string, staleAfterMs?: number): Promise<boolean>;
  /**
   * Renews the mark of {@link begin} while its request is still being answered (its heartbeat), so the
   * mark of a process that died mid-request goes stale soon while a long live one never does.
   */
  touch(scope: string, key: string, requestHash: string): Promise<void>;
  /** Forgets an unfinished mark of {@link begin} (the request ended in a server error), so a retry runs. */
  abandon(scope: string, key: string): Promise<void>;
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

    async begin(scope, key, requestHash, staleAfterMs = 60_000) {
      const nowMs = ctx.nowMs();
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({
          scope,
          key,
          request_hash: requestHash,
          status_code: 0,
          response_body: '',
          created_at_ms: nowMs,
        })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .executeTakeFirst();
      if ((inserted.numInsertedOrUpdatedRows ?? 0n) > 0n) return true;
      const taken = await db
        .updateTable('idempotency_keys')
        .set({ request_hash: requestHash, created_at_ms: nowMs })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('status_code', '=', 0)
        .where('created_at_ms', '<', nowMs - staleAfterMs)
        .executeTakeFirst();
      return Number(taken.numUpdatedRows) > 0;
    },

    async touch(scope, key, requestHash) {
      await db
        .updateTable('idempotency_keys')
        .set({ created_at_ms: ctx.nowMs() })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('status_code', '=', 0)
        .where('request_hash', '=', requestHash)
        .execute();
    },

    async abandon(scope, key) {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('status_code', '=', 0)
        .execute();
    },

    async put(record) {
      // The mark of `begin` becomes the answer; without a mark, the first answer stored wins.
      const marked = await db
        .updateTable('idempotency_keys')
        .set({
          request_hash: record.requestHash,
          status_code: record.statusCode,
          response_body: record.responseBody,
          created_at_ms: record.createdAtMs ?? ctx.nowMs(),
        })
        .where('scope', '=', record.scope)
        .where('key', '=', record.key)
        .where('status_code', '=', 0)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) > 0) return true;
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
