import type SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { StoreDialect } from './connect.ts';
import type { Database } from './database.ts';

/** What every repository works with: the database (or an open transaction on it) and the clock. */
export interface StoreContext {
  /** The database, or a transaction when `isTransaction`. */
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /**
   * The better-sqlite3 handle behind `db` on SQLite, for bulk work; only to be used while holding Kysely's
   * one connection (inside a Kysely transaction or `db.connection()`), never across an await.
   */
  readonly sqlite?: SqliteDatabase.Database;
  /** Whether `db` is a transaction already, so repositories join it instead of opening one. */
  readonly isTransaction: boolean;
  /** The current instant in UTC epoch milliseconds. */
  readonly nowMs: () => number;
  /**
   * Inside a transaction: queues work to run on the database once the transaction has committed
   * (best effort, errors ignored), such as refreshing planner statistics after a bulk insert. Tasks
   * with the same `key` run once.
   */
  readonly afterCommit?: (key: string, task: AfterCommitTask) => void;
  /**
   * The hub parcels, plans, network versions and keys are read and written for; when absent, the hub
   * entered with `withHub` (the API: the request key's hub), else `xiyong-hub`. See ./hub-context.ts.
   */
  readonly hubId?: string;
  /**
   * On PostgreSQL, the pool's clients by backend process id, so that bulk writes find the client of
   * their transaction and COPY on it (see copy.ts).
   */
  readonly pgClients?: ReadonlyMap<number, import('pg').ClientBase>;
}

/** Work run after a transaction commits, on the database outside any transaction. */
export type AfterCommitTask = (db: Kysely<Database>) => Promise<unknown>;

/** Runs `fn` inside a transaction: the caller's one when there is, else a new one. */
export async function inTransaction<T>(ctx: StoreContext, fn: (tx: StoreContext) => Promise<T>): Promise<T> {
  return ctx.isTransaction ? fn(ctx) : runTransaction(ctx, fn);
}

/**
 * Runs `fn` in a new transaction on `ctx.db` (which must not be one), then the tasks queued with
 * `afterCommit` once it has committed.
 */
export async function runTransaction<T>(ctx: StoreContext, fn: (tx: StoreContext) => Promise<T>): Promise<T> {
  const tasks = new Map<string, AfterCommitTask>();
  const afterCommit = (key: string, task: AfterCommitTask) => void tasks.set(key, task);
  const result = await ctx.db
    .transaction()
    .execute((trx) => fn({ ...ctx, db: trx, isTransaction: true, afterCommit }));
  for (const task of tasks.values()) await task(ctx.db).catch(() => {});
  return result;
}

/** Whether `error` is a unique or primary key violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Whether `error` is a foreign key violation, on SQLite or PostgreSQL. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Splits `values` into consecutive slices of at most `size`. */
export function* chunksOf<T>(values: readonly T[], size: number): Generator<readonly T[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}
