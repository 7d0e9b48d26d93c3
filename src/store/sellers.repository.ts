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
