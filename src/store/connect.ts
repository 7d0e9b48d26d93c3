import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  sql,
} from 'kysely';
import pg from 'pg';
import { LandbridgeError } from '../domain/errors.ts';
import type { Database } from './database.ts';
import { OwnSchemaPostgresDialect } from './pg-introspector.ts';
import { storeTypes } from './pg-types.ts';
import { keepingStatements } from './statement-cache.ts';

/** The SQL engines the store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

/** Where the store lives, as read from a database URL. */
export type StoreLocation =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string };

/** The SQLite file used when no URL is given, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = 'landbridge.db';

/** How long a SQLite writer waits for another's lock before giving up, in milliseconds. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/**
 * How long SQLite itself waits for a lock inside one call (its `busy_timeout`), synchronously: short,
 * so a lock held by another process never holds the event loop; the rest of the wait is asynchronous,
 * retried between turns of the loop (see {@link SqliteDriverKeepingCause}).
 */
const SQLITE_BUSY_SYNC_MS = 20;

/**
 * Reads a database URL (the `DATABASE_URL` setting):
 * - undefined or empty: the SQLite file `landbridge.db` in the working directory;
 * - `sqlite:PATH` (or `sqlite://PATH`): that SQLite file; `sqlite::memory:` is an in-memory database;
 * - `postgres://…` or `postgresql://…`: PostgreSQL (libpq URL; `?options=-c search_path=…` picks a schema).
 *
 * @throws LandbridgeError `invalid-input` naming DATABASE_URL for anything else.
 * @example parseDatabaseUrl('sqlite:/var/lib/landbridge/hub.db') // { dialect: 'sqlite', path: '/var/lib/landbridge/hub.db' }
 */
export function parseDatabaseUrl(url: string | undefined): StoreLocation {
  const text = url?.trim() ?? '';
  if (text === '') return { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (text.startsWith('sqlite:')) {
    let path = text.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '')
      throw badUrl(text, 'sqlite: needs a file path, e.g. sqlite:landbridge.db or sqlite::memory:');
    return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(text)) {
    try {
      new URL(text);
    } catch {
      throw badUrl(text, 'is not a valid PostgreSQL URL such as postgres://user:password@host:5432/database');
    }
    return { dialect: 'postgres', connectionString: text };
  }
  throw badUrl(text, 'must start with sqlite: or postgres:// (or postgresql://)');
}

/** The URL with any password replaced by `***`, fit for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

function badUrl(url: string, why: string): LandbridgeError {
  return new LandbridgeError('invalid-input', `DATABASE_URL ${redactDatabaseUrl(url)} ${why}`, [
    { where: { field: 'DATABASE_URL' }, why },
  ]);
}

/** An open connection: the Kysely instance and, on SQLite, the underlying better-sqlite3 handle. */
export interface Connection {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** The better-sqlite3 handle behind `db`, for bulk writes inside a Kysely transaction. */
  readonly sqlite?: SqliteDatabase.Database;
  /** On PostgreSQL, the schema tables are created in (the first existing schema of `search_path`). */
  readonly schema?: string;
  /** On PostgreSQL, the pool's connected clients by backend process id (for COPY inside a transaction). */
  readonly pgClients?: ReadonlyMap<number, pg.ClientBase>;
}

/**
 * Opens the database at `location` and checks it answers. SQLite gets WAL, `foreign_keys=ON`,
 * `synchronous=NORMAL` and a busy timeout; PostgreSQL gets a `pg` pool whose `bigint` columns come
 * back as JavaScript numbers (epoch ms and minor units stay far below 2^53).
 *
 * @throws LandbridgeError `invalid-input` when the SQLite file cannot be opened or the PostgreSQL
 * `search_path` names no existing schema; `unavailable` when PostgreSQL cannot be reached.
 */
export async function connect(location: StoreLocation): Promise<Connection> {
  const connection =
    location.dialect === 'sqlite'
      ? connectSqlite(location.path)
      : await connectPostgres(location.connectionString);
  locations.set(connection.db, location);
  return connection;
}

/** Where each connection's database is, by its Kysely instance (see {@link locationOf}). */
const locations = new WeakMap<object, StoreLocation>();

/**
 * Where the database of a connection `connect` opened is (its Kysely instance, not a transaction's):
 * for another thread to open a connection of its own to it. Undefined for any other instance.
 */
export function locationOf(db: object): StoreLocation | undefined {
  return locations.get(db);
}

function connectSqlite(path: string): Connection {
  let sqlite: SqliteDatabase.Database;
  try {
    sqlite = new SqliteDatabase(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_SYNC_MS}`);
    // 64 MiB of page cache (default 2 MiB): bulk imports update several indexes at random places.
    sqlite.pragma('cache_size = -65536');
  } catch (error) {
    const why = `cannot open SQLite database ${path}: ${describeError(error)}`;
    throw withCause(
      new LandbridgeError('invalid-input', `DATABASE_URL: ${why}`, [
        { where: { field: 'DATABASE_URL' }, why },
      ]),
      error,
    );
  }
  const db = new Kysely<Database>({
    dialect: new SqliteKeepingCause({ database: keepingStatements(sqlite) }, sqlite),
  });
  return { db, dialect: 'sqlite', sqlite };
}

/**
 * SQLite ends a transaction itself on some errors (a full disk, out of memory, an interrupted I/O);
 * Kysely's ROLLBACK then fails with "cannot rollback - no transaction is active", and that error would
 * replace the one that explains (SQLITE_FULL). This driver lets such a rollback pass quietly.
 */
class SqliteDriverKeepingCause extends SqliteDriver {
  readonly #sqlite: SqliteDatabase.Database;
  constructor(config: ConstructorParameters<typeof SqliteDriver>[0], sqlite: SqliteDatabase.Database) {
    super(config);
    this.#sqlite = sqlite;
  }

  /**
   * The connection, waiting for another process's write lock without holding the event loop: a
   * statement outside a transaction (one that changed nothing when SQLite answered busy) and a
   * transaction's `BEGIN IMMEDIATE` are retried every few milliseconds, between turns of the loop,
   * until {@link SQLITE_BUSY_TIMEOUT_MS}; then the busy error goes to the caller (a 503). A transaction
   * begun IMMEDIATE holds the write lock, so its statements never meet another writer's.
   */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    const sqlite = this.#sqlite;
    return {
      async executeQuery(query) {
        const started = performance.now();
        for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
          try {
            return await connection.executeQuery(query);
          } catch (error) {
            const busy = /^SQLITE_BUSY/.test((error as { code?: string }).code ?? '');
            if (!busy || sqlite.inTransaction || performance.now() - started >= SQLITE_BUSY_TIMEOUT_MS)
              throw error;
            await new Promise((resolve) => setTimeout(resolve, wait));
          }
        }
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }

  /** `BEGIN IMMEDIATE`: the write lock is taken (and waited for) at the start, never mid-transaction. */
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } catch (error) {
      if (/no transaction is active/i.test((error as Error).message ?? '')) return;
      throw error;
    }
  }
}

class SqliteKeepingCause extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  readonly #sqlite: SqliteDatabase.Database;
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0], sqlite: SqliteDatabase.Database) {
    super(config);
    this.#config = config;
    this.#sqlite = sqlite;
  }
  override createDriver(): Driver {
    return new SqliteDriverKeepingCause(this.#config, this.#sqlite);
  }
}

async function connectPostgres(connectionString: string): Promise<Connection> {
  const pool = new pg.Pool({
    connectionString,
    connectionTimeoutMillis: 10_000,
    types: storeTypes(pg),
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const pgClients = new Map<number, pg.ClientBase>();
  const pidOf = (client: pg.PoolClient) => (client as unknown as { processID: number }).processID;
  pool.on('connect', (client) => void pgClients.set(pidOf(client), client));
  pool.on('remove', (client) => void pgClients.delete(pidOf(client)));
  // Nor one in use when the server goes away (a restart): its query fails with the reason, which the
  // API answers as 503; without a listener the client's 'error' event would end the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }) });
  let schema: string | null;
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    schema = rows[0]?.schema ?? null;
  } catch (error) {
    await db.destroy();
    const where = redactDatabaseUrl(connectionString);
    throw withCause(
      new LandbridgeError(
        'unavailable',
        `cannot reach PostgreSQL at ${where} (DATABASE_URL): ${describeError(error)}`,
      ),
      error,
    );
  }
  if (schema === null) {
    await db.destroy();
    const why = 'search_path names no existing schema: create the schema first';
    throw new LandbridgeError(
      'invalid-input',
      `DATABASE_URL ${redactDatabaseUrl(connectionString)}: ${why}`,
      [{ where: { field: 'DATABASE_URL' }, why }],
    );
  }
  return { db, dialect: 'postgres', schema, pgClients };
}

/** The most telling text of a driver error: its message, else its code (a refused connection has no message). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return error.message || (typeof code === 'string' ? code : error.name);
}

/** Attaches the original error as `cause`, so logs keep the driver's detail. */
export function withCause<E extends Error>(error: E, cause: unknown): E {
  error.cause = cause;
  return error;
}
