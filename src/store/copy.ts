import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { StoreContext } from './context.ts';

/** Bytes of COPY text sent a chunk. */
const CHUNK_BYTES = 1 << 20;

/** A value in PostgreSQL's COPY text format: `\N` for null, backslash escapes for the separators. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

/** The rows as COPY text, about {@link CHUNK_BYTES} a chunk. */
function* copyChunks(
  columns: readonly string[],
  rows: readonly Readonly<Record<string, unknown>>[],
  onProgress?: (written: number) => void,
): Generator<string> {
  let chunk = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let line = '';
    for (let i = 0; i < columns.length; i++) line += (i === 0 ? '' : '\t') + copyText(row[columns[i]!]);
    chunk += `${line}\n`;
    if (chunk.length >= CHUNK_BYTES) {
      yield chunk;
      chunk = '';
      onProgress?.(r + 1);
    }
  }
  if (chunk.length > 0) yield chunk;
  onProgress?.(rows.length);
}

/**
 * Writes `rows` into `table` with `COPY … FROM STDIN` (text format) on `client`, PostgreSQL's fastest
 * way in. Runs in whatever transaction the client is in; a constraint violation fails the whole COPY.
 */
export async function copyInto(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: readonly Readonly<Record<string, unknown>>[],
  /** Rows sent so far, as the chunks go. */
  onProgress?: (written: number) => void,
): Promise<void> {
  if (rows.length === 0) return;
  const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
  await pipeline(Readable.from(copyChunks(columns, rows, onProgress)), stream);
}

/**
 * The pg client beneath `ctx.db` (a transaction on PostgreSQL), for COPY: found by the backend's
 * process id among the pool's clients. Undefined on SQLite or when it cannot be found.
 */
export async function pgClientOf(ctx: StoreContext): Promise<pg.ClientBase | undefined> {
  if (ctx.pgClients === undefined || !ctx.isTransaction) return undefined;
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(ctx.db);
  const pid = rows[0]?.pid;
  return pid === undefined ? undefined : ctx.pgClients.get(Number(pid));
}
