import type { Kysely } from 'kysely';
import { type ApiKeysRepository, apiKeysRepository } from './api-keys.repository.ts';
import { connect, parseDatabaseUrl, type StoreDialect } from './connect.ts';
import { runTransaction, type StoreContext } from './context.ts';
import { type CustomsRepository, customsRepository } from './customs.repository.ts';
import type { Database } from './database.ts';
import { type FxRepository, fxRepository } from './fx.repository.ts';
import { type IdempotencyRepository, idempotencyRepository } from './idempotency.repository.ts';
import { type JourneysRepository, journeysRepository } from './journeys.repository.ts';
import { migrateToLatest } from './migrations.ts';
import { type NetworkVersionsRepository, networkVersionsRepository } from './network-versions.repository.ts';
import { type ParcelsRepository, parcelsRepository } from './parcels.repository.ts';
import { type PlansRepository, plansRepository } from './plans.repository.ts';
import { type SellersRepository, sellersRepository } from './sellers.repository.ts';
import { type WebhooksRepository, webhooksRepository } from './webhooks.repository.ts';

/** The repositories, bound either to the database or to one transaction. */
export interface Repositories {
  readonly sellers: SellersRepository;
  readonly apiKeys: ApiKeysRepository;
  readonly parcels: ParcelsRepository;
  readonly networkVersions: NetworkVersionsRepository;
  readonly plans: PlansRepository;
  readonly idempotency: IdempotencyRepository;
  readonly customs: CustomsRepository;
  readonly fx: FxRepository;
  readonly journeys: JourneysRepository;
  readonly webhooks: WebhooksRepository;
}

/** An open store: the repositories, the Kysely instance beneath them, and a way to run a transaction. */
export interface Store extends Repositories {
  /** The Kysely instance, for queries the repositories do not offer. */
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /**
   * Runs `fn` in one transaction with repositories bound to it: it commits when `fn` resolves and
   * rolls back when it throws (the error is rethrown). On SQLite other queries wait meanwhile.
   *
   * @example await store.transaction(async (tx) => { await tx.parcels.findExistingOrderIds(s, ids); await tx.parcels.insertMany(s, parcels); })
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * The repositories bound to one hub, whatever hub the caller is in (see `withHub` for the implicit
   * way the API and the workers use).
   */
  forHub(hubId: string): Repositories & Pick<Store, 'transaction'>;
  /** Closes the connection (pool); the store cannot be used afterwards. */
  close(): Promise<void>;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** The clock, in UTC epoch ms; `Date.now` when absent. Tests pass a fixed one. */
  readonly nowMs?: () => number;
}

/**
 * Opens the store at `url` (the `DATABASE_URL` setting) and brings its schema up to date:
 * - undefined: SQLite file `landbridge.db` in the working directory;
 * - `sqlite:PATH`: that SQLite file; `sqlite::memory:` for an in-memory database;
 * - `postgres://…` / `postgresql://…`: PostgreSQL (`?options=-c%20search_path%3Dmy_schema` for a schema).
 *
 * @throws LandbridgeError `invalid-input` naming DATABASE_URL for a URL it cannot use, `unavailable`
 * when PostgreSQL does not answer.
 * @example const store = await openStore(process.env.DATABASE_URL);
 */
export async function openStore(url?: string, options: OpenStoreOptions = {}): Promise<Store> {
  const connection = await connect(parseDatabaseUrl(url));
  try {
    await migrateToLatest(connection.db as Kysely<unknown>, connection.schema);
  } catch (error) {
    await connection.db.destroy();
    throw error;
  }
  const ctx: StoreContext = {
    db: connection.db,
    dialect: connection.dialect,
    ...(connection.sqlite === undefined ? {} : { sqlite: connection.sqlite }),
    ...(connection.pgClients === undefined ? {} : { pgClients: connection.pgClients }),
    isTransaction: false,
    nowMs: options.nowMs ?? Date.now,
  };
  return {
    ...bindRepositories(ctx),
    db: connection.db,
    dialect: connection.dialect,
    transaction: (fn) => runTransaction(ctx, (tx) => fn(bindRepositories(tx))),
    forHub: (hubId) => {
      const hubCtx = { ...ctx, hubId };
      return {
        ...bindRepositories(hubCtx),
        transaction: (fn) => runTransaction(hubCtx, (tx) => fn(bindRepositories(tx))),
      };
    },
    close: () => connection.db.destroy(),
  };
}

function bindRepositories(ctx: StoreContext): Repositories {
  return {
    sellers: sellersRepository(ctx),
    apiKeys: apiKeysRepository(ctx),
    parcels: parcelsRepository(ctx),
    networkVersions: networkVersionsRepository(ctx),
    plans: plansRepository(ctx),
    idempotency: idempotencyRepository(ctx),
    customs: customsRepository(ctx),
    fx: fxRepository(ctx),
    journeys: journeysRepository(ctx),
    webhooks: webhooksRepository(ctx),
  };
}
