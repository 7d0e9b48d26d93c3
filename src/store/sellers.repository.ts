import type { Selectable } from 'kysely';
import type { Seller } from '../domain/seller.ts';
import type { StoreContext } from './context.ts';
import type { SellersTable } from './database.ts';

/** A seller as stored: the domain seller and when it was first saved (UTC epoch ms). */
export interface SellerRecord extends Seller {
  readonly createdAtMs: number;
}

/** Sellers, the hub's tenants. */
export interface SellersRepository {
  /**
   * Inserts the seller, or updates its name, country and customs code when the id exists; the
   * creation time of an existing seller is kept.
   */
  upsert(seller: Seller): Promise<SellerRecord>;
  /** The seller with this id, or undefined. */
  get(id: string): Promise<SellerRecord | undefined>;
  /** All sellers, by id. */
  list(): Promise<SellerRecord[]>;
  /** Which of these ids are sellers (an import checks the sellers it names, not every seller). */
  existing(ids: readonly string[]): Promise<Set<string>>;
  /** The sellers of these ids, by id (a departure's filing reads the sellers it declares, not every seller). */
  getMany(ids: readonly string[]): Promise<Map<string, SellerRecord>>;
}

/** Ids per `in (...)` list: well under SQLite's and PostgreSQL's limits on bound parameters. */
const IDS_PER_QUERY = 500;

/** The distinct ids in lists of at most {@link IDS_PER_QUERY}. */
function idChunks(ids: readonly string[]): string[][] {
  const unique = [...new Set(ids)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) chunks.push(unique.slice(i, i + IDS_PER_QUERY));
  return chunks;
}

/** The sellers repository over `ctx`. */
export function sellersRepository(ctx: StoreContext): SellersRepository {
  const { db } = ctx;
  return {
    async upsert(seller) {
      const row = await db
        .insertInto('sellers')
        .values({
          id: seller.id,
          name: seller.name,
          country: seller.country,
          customs_code: seller.customsCode ?? null,
          created_at_ms: ctx.nowMs(),
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            country: eb.ref('excluded.country'),
            customs_code: eb.ref('excluded.customs_code'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSeller(row);
    },

    async get(id) {
      const row = await db.selectFrom('sellers').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toSeller(row);
    },

    async list() {
      const rows = await db.selectFrom('sellers').selectAll().orderBy('id').execute();
      return rows.map(toSeller);
    },

    async existing(ids) {
      const found = new Set<string>();
      for (const chunk of idChunks(ids))
        for (const r of await db.selectFrom('sellers').select('id').where('id', 'in', chunk).execute())
          found.add(r.id);
      return found;
    },

    async getMany(ids) {
      const found = new Map<string, SellerRecord>();
      for (const chunk of idChunks(ids))
        for (const r of await db.selectFrom('sellers').selectAll().where('id', 'in', chunk).execute())
          found.set(r.id, toSeller(r));
      return found;
    },
  };
}

function toSeller(row: Selectable<SellersTable>): SellerRecord {
  return {
    id: row.id,
    name: row.name,
    country: row.country,
    ...(row.customs_code === null ? {} : { customsCode: row.customs_code }),
    createdAtMs: row.created_at_ms,
  };
}
