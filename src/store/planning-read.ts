/**
 * A planning window's parcels read on a connection of their own, in whatever thread asks: a plan job's
 * worker thread reads its parcels itself (the server's thread neither reads nor copies them). The
 * query is the one the parcels repository compiles for the window ({@link PlanningSource}); it runs on
 * a read-only SQLite connection to the same file (WAL: it reads beside the server's writes), or in one
 * read-only PostgreSQL transaction through a cursor. Only Node built-ins and the drivers are loaded,
 * each when its dialect is read, so that this file loads at once in a fresh thread.
 */
import type { Selectable } from 'kysely';
import type { Parcel, ParcelItem } from '../domain/parcel.ts';
import type { StoreLocation } from './connect.ts';
import type { ParcelsTable } from './database.ts';
import { storeTypes } from './pg-types.ts';

/** What a thread needs to read a planning window itself: the database, the compiled query and its values. */
export interface PlanningSource {
  readonly location: StoreLocation;
  /** The window's query: the {@link PLANNING_COLUMNS}, by (ready time, id). */
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/**
 * What a plan job reads of a parcel: what the planner, the DDP import charges and the containers'
 * proofs use (not the consignee's name, address and phone, the seller, the order number…). A stored
 * `Parcel` is one.
 */
export type PlanningParcel = Pick<
  Parcel,
  | 'id'
  | 'readyAtMs'
  | 'grossWeightG'
  | 'dimensions'
  | 'dangerousGoods'
  | 'promisedDeliveryDate'
  | 'incoterm'
  | 'items'
> & { readonly consignee: Pick<Parcel['consignee'], 'country' | 'postcode'> };

/** The columns a {@link PlanningParcel} is read from, in the order {@link toPlanningParcel} takes them. */
export const PLANNING_COLUMNS = [
  'id',
  'ready_at_ms',
  'gross_weight_g',
  'length_mm',
  'width_mm',
  'height_mm',
  'dangerous_goods',
  'consignee_country',
  'consignee_postcode',
  'promised_delivery_date',
  'incoterm',
  'items',
] as const satisfies readonly (keyof ParcelsTable)[];

/** The planning parcel of a row of {@link PLANNING_COLUMNS}' values. */
export function toPlanningParcel(v: readonly unknown[]): PlanningParcel {
  return {
    id: v[0] as string,
    readyAtMs: v[1] as number,
    grossWeightG: v[2] as number,
    dimensions: { lengthMm: v[3] as number, widthMm: v[4] as number, heightMm: v[5] as number },
    dangerousGoods: JSON.parse(v[6] as string) as string[],
    consignee: { country: v[7] as string, postcode: v[8] as string },
    promisedDeliveryDate: v[9] as string,
    incoterm: v[10] as Parcel['incoterm'],
    items: JSON.parse(v[11] as string) as ParcelItem[],
  };
}

/** A row from its values in `PARCEL_COLUMNS` order. */
export function rowFromValues(v: readonly unknown[]): Selectable<ParcelsTable> {
  return {
    id: v[0],
    seller_id: v[1],
    external_order_id: v[2],
    status: v[3],
    ready_at_ms: v[4],
    created_at_ms: v[5],
    promised_delivery_date: v[6],
    incoterm: v[7],
    service_level: v[8],
    gross_weight_g: v[9],
    length_mm: v[10],
    width_mm: v[11],
    height_mm: v[12],
    dangerous_goods: v[13],
    consignee_country: v[14],
    consignee_city: v[15],
    consignee_postcode: v[16],
    consignee_name: v[17],
    consignee_address: v[18],
    consignee_phone: v[19],
    items: v[20],
    declared_value_minor: v[21],
    declared_currency: v[22],
    hub_id: v[23],
  } as Selectable<ParcelsTable>;
}

/** The parcel a stored row holds. */
export function toParcel(row: Selectable<ParcelsTable>): Parcel {
  return {
    id: row.id,
    sellerId: row.seller_id,
    externalOrderId: row.external_order_id,
    status: row.status,
    readyAtMs: row.ready_at_ms,
    createdAtMs: row.created_at_ms,
    items: JSON.parse(row.items) as ParcelItem[],
    grossWeightG: row.gross_weight_g,
    dimensions: { lengthMm: row.length_mm, widthMm: row.width_mm, heightMm: row.height_mm },
    dangerousGoods: JSON.parse(row.dangerous_goods) as string[],
    consignee: {
      name: row.consignee_name,
      address: row.consignee_address,
      city: row.consignee_city,
      postcode: row.consignee_postcode,
      country: row.consignee_country,
      phone: row.consignee_phone,
    },
    promisedDeliveryDate: row.promised_delivery_date,
    incoterm: row.incoterm,
    serviceLevel: row.service_level,
  };
}

/** How long the read-only SQLite connection waits for a lock (WAL recovery), ms. */
const SQLITE_READ_BUSY_MS = 5_000;

/**
 * The parcels of `source` in batches of at most `batchSize`, in the query's order, read on a connection
 * opened for it and closed when the last batch has been taken (or the caller stops early). One
 * statement (SQLite) or one transaction (PostgreSQL): the batches are one snapshot of the window.
 */
export async function* readPlanningSource(
  source: PlanningSource,
  batchSize: number,
): AsyncGenerator<PlanningParcel[]> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (source.location.dialect === 'sqlite') yield* readSqlite(source.location.path, source, batchSize);
  else yield* readPostgres(source.location.connectionString, source, batchSize);
}

async function* readSqlite(
  path: string,
  source: PlanningSource,
  batchSize: number,
): AsyncGenerator<PlanningParcel[]> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  const db = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
  let rows: IterableIterator<unknown[]> | undefined;
  try {
    db.pragma(`busy_timeout = ${SQLITE_READ_BUSY_MS}`);
    rows = db
      .prepare(source.sql)
      .raw()
      .iterate(...source.parameters) as IterableIterator<unknown[]>;
    let batch: PlanningParcel[] = [];
    for (const values of rows) {
      batch.push(toPlanningParcel(values));
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    // The statement is done (or stopped) before its connection closes.
    rows?.return?.();
    db.close();
  }
}

async function* readPostgres(
  connectionString: string,
  source: PlanningSource,
  batchSize: number,
): AsyncGenerator<PlanningParcel[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: 10_000,
    types: storeTypes(pg),
  });
  // A server gone mid-read fails the query being run; without a listener the 'error' would end the thread.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query({
      text: `declare planning_parcels no scroll cursor for ${source.sql}`,
      values: source.parameters as unknown[],
    });
    for (;;) {
      const r = await client.query<unknown[]>({
        text: `fetch forward ${batchSize} from planning_parcels`,
        rowMode: 'array',
      });
      if (r.rows.length > 0) yield r.rows.map(toPlanningParcel);
      if (r.rows.length < batchSize) break;
    }
    await client.query('commit');
  } finally {
    await client.end().catch(() => {});
  }
}
