import type SqliteDatabase from 'better-sqlite3';

/** Statements kept per database: the store's queries are a few hundred shapes at most. */
export const STATEMENT_CACHE_SIZE = 256;
/** Longer statements (generated bulk inserts of odd sizes) are prepared each time, not kept. */
const LONGEST_KEPT = 100_000;

/** What Kysely's SQLite driver asks of its database: `prepare` and `close`. */
export interface PreparingDatabase {
  prepare(sql: string): SqliteDatabase.Statement;
  close(): void;
}

/**
 * The database as Kysely's SQLite driver sees it, with its prepared statements kept by their SQL
 * (least recently used dropped past {@link STATEMENT_CACHE_SIZE}). The driver prepares each query
 * anew, and on a busy API preparing was a sixth of the main thread's time (a parcel read, a journey,
 * ten parcels imported: the same few statements each time). A kept statement stays right when the
 * schema changes under it (SQLite prepares it again itself). One that is still being read (a stream)
 * is not handed out twice: a fresh one is prepared instead.
 */
export function keepingStatements(
  sqlite: SqliteDatabase.Database,
  size = STATEMENT_CACHE_SIZE,
): PreparingDatabase {
  const kept = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string) {
      const found = kept.get(sql);
      if (found && !found.busy) {
        kept.delete(sql);
        kept.set(sql, found);
        return found;
      }
      const statement = sqlite.prepare(sql);
      if (sql.length <= LONGEST_KEPT) {
        kept.delete(sql);
        kept.set(sql, statement);
        if (kept.size > size) kept.delete(kept.keys().next().value!);
      }
      return statement;
    },
    close() {
      kept.clear();
      sqlite.close();
    },
  };
}
