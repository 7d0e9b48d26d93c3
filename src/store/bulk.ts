import { sql } from 'kysely';
import { chunksOf, type StoreContext } from './context.ts';
import { copyInto, pgClientOf } from './copy.ts';
import type { Database } from './database.ts';

/** Rows per statement on PostgreSQL, sent as one JSON parameter. */
const PG_ROWS = 5_000;
/** From this many rows an upsert on PostgreSQL goes through COPY into a temporary table. */
const COPY_FROM_ROWS = 2_000;
/** Staging tables made in this process (their names must differ within one transaction). */
let staged = 0;

/**
 * Writes rows into `table` set-wise: inserts, and on a conflict of `keys` updates the other columns
 * (`update`) or leaves the row (`ignore`). SQLite runs one prepared statement per row on the handle
 * beneath Kysely (the caller holds its connection: call inside a transaction); PostgreSQL sends
 * {@link PG_ROWS} rows a statement as one JSON parameter expanded by `json_populate_recordset`.
 * Returns how many rows were written (on `ignore`, conflicts do not count).
 */
export async function bulkUpsert<T extends keyof Database & string>(
  ctx: StoreContext,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  keys: readonly (keyof Database[T] & string)[],
  rows: readonly Readonly<Record<string, unknown>>[],
  onConflict: 'update' | 'ignore',
): Promise<number> {
  if (rows.length === 0) return 0;
  const others = columns.filter((c) => !keys.includes(c));
  const conflict =
    onConflict === 'ignore' || others.length === 0
      ? `on conflict (${keys.join(', ')}) do nothing`
      : `on conflict (${keys.join(', ')}) do update set ${others.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  if (ctx.sqlite !== undefined) {
    const statement = ctx.sqlite.prepare(
      `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')}) ${conflict}`,
    );
    const values: unknown[] = new Array(columns.length);
    let written = 0;
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) values[i] = row[columns[i]!] ?? null;
      written += statement.run(values).changes;
    }
    return written;
  }
  let written = 0;
  const list = sql.raw(columns.join(', '));
  // Large batches: COPY into a temporary table of the transaction, then one set-wise upsert from it.
  const client = rows.length >= COPY_FROM_ROWS ? await pgClientOf(ctx) : undefined;
  if (client) {
    const stage = `lb_stage_${table}_${++staged}`;
    await sql`create temp table ${sql.raw(stage)} (like ${sql.table(table)}) on commit drop`.execute(ctx.db);
    await copyInto(client, stage, columns, rows);
    const result = await sql`insert into ${sql.table(table)} (${list})
      select ${list} from ${sql.raw(stage)} ${sql.raw(conflict)}`.execute(ctx.db);
    return Number(result.numAffectedRows ?? 0n);
  }
  for (const chunk of chunksOf(rows, PG_ROWS)) {
    const result = await sql`insert into ${sql.table(table)} (${list})
      select ${list} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(chunk)}::json)
      ${sql.raw(conflict)}`.execute(ctx.db);
    written += Number(result.numAffectedRows ?? 0n);
  }
  return written;
}

/**
 * Sets `column` of the rows whose `key` is given, each to its own value, set-wise: SQLite a prepared
 * statement per row, PostgreSQL one UPDATE … FROM a JSON record set per {@link PG_ROWS} rows.
 */
export async function bulkSet<T extends keyof Database & string>(
  ctx: StoreContext,
  table: T,
  key: keyof Database[T] & string,
  column: keyof Database[T] & string,
  pairs: readonly (readonly [string, string | number | null])[],
  pgType: 'text' | 'bigint' = 'text',
): Promise<void> {
  if (pairs.length === 0) return;
  if (ctx.sqlite !== undefined) {
    const statement = ctx.sqlite.prepare(`update ${table} set ${column} = ? where ${key} = ?`);
    for (const [id, value] of pairs) statement.run(value, id);
    return;
  }
  for (const chunk of chunksOf(pairs, PG_ROWS)) {
    const json = JSON.stringify(chunk.map(([k, v]) => ({ k, v })));
    await sql`update ${sql.table(table)} t set ${sql.ref(column)} = v.v
      from json_to_recordset(${json}::json) as v(k text, v ${sql.raw(pgType)})
      where t.${sql.ref(key)} = v.k`.execute(ctx.db);
  }
}
