/**
 * Parts of `bench:scale` (bench/scale.bench.ts): processes it starts, COPY timings (raw and
 * partitioned), and the kill run (`--kill`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

const BIN = fileURLToPath(new URL('../bin/landbridge.js', import.meta.url));

/** Processes started by the bench: killed when it ends or is interrupted. */
export const procs: ChildProcess[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    process.exit(130);
  });

/** Starts `landbridge ARGS` with `env`; resolves once its output matches `ready`. */
export function start(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeLimitMs = 120_000,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    // A process that never says it is ready fails the run with what it printed, never hangs it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} (pid ${child.pid}) not ready in ${timeLimitMs / 1000} s: ${out}`));
    }, timeLimitMs);
    const seen = (c: Buffer) => {
      out += c.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited ${code}: ${out}`));
    });
  });
}

/** `work`, failing with the stage's name when it takes longer than `timeLimitMs` (a hang named). */
export async function stage<T>(name: string, work: Promise<T>, timeLimitMs = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: not done in ${timeLimitMs / 1000} s`)), timeLimitMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `fn` with a client on `url`. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A table's rows as COPY text chunks. */
async function copyOut(client: pg.Client, table: string): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  await pipeline(
    client.query(copyTo(`copy ${table} to stdout`)),
    new Writable({
      write(chunk: Buffer, _e, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return chunks;
}

/** Milliseconds to COPY `chunks` into `table` in one transaction. */
async function copyInMs(client: pg.Client, table: string, chunks: readonly Buffer[]): Promise<number> {
  const t0 = performance.now();
  await client.query('begin');
  await pipeline(Readable.from(chunks), client.query(copyFrom(`copy ${table} from stdin`)));
  await client.query('commit');
  return performance.now() - t0;
}

/**
 * The raw COPY rate's baseline: the parcels table's own rows, copied out, then COPY'd in one transaction
 * into a table of the same shape (`LIKE parcels INCLUDING ALL`: columns, defaults, checks, every index)
 * with the same foreign key to sellers as `parcels` has — and, for comparison, into one without it.
 */
export async function rawCopyMs(url: string): Promise<{ withForeignKeyMs: number; withoutMs: number }> {
  return withClient(url, async (client) => {
    const chunks = await copyOut(client, 'parcels');
    await client.query('create table parcels_raw (like parcels including all)');
    const withoutMs = await copyInMs(client, 'parcels_raw', chunks);
    await client.query('truncate parcels_raw');
    await client.query('alter table parcels_raw add foreign key (seller_id) references sellers (id)');
    const withForeignKeyMs = await copyInMs(client, 'parcels_raw', chunks);
    await client.query('drop table parcels_raw');
    return { withForeignKeyMs, withoutMs };
  });
}

/** The day (UTC) bounds in epoch ms that the rows of `column` span. */
async function daysOf(client: pg.Client, table: string, column: string): Promise<[number, number]> {
  const { rows } = await client.query(
    `select floor(min(${column}) / 86400000)::bigint as a, floor(max(${column}) / 86400000)::bigint as b from ${table}`,
  );
  return [Number(rows[0].a), Number(rows[0].b)];
}

/**
 * Partitioning by day, measured: the same rows COPY'd into (a) a table of the same shape and indexes and
 * (b) one range-partitioned by day on `column` (one partition a day the rows span), whose primary key and
 * unique constraints must then include `column`. Returns the best of two rounds of each.
 */
export async function partitionedCopyMs(
  url: string,
  table: string,
  column: string,
): Promise<{ plainMs: number; partitionedMs: number; days: number }> {
  return withClient(url, async (client) => {
    const chunks = await copyOut(client, table);
    const [first, last] = await daysOf(client, table, column);
    await client.query(`create table ${table}_plain (like ${table} including all)`);
    // Same columns, defaults and checks; indexes re-made below with the partition key in the unique ones.
    await client.query(
      `create table ${table}_byday (like ${table} including defaults including constraints) partition by range (${column})`,
    );
    for (let d = first; d <= last; d++)
      await client.query(
        `create table ${table}_byday_${d} partition of ${table}_byday for values from (${d * 86_400_000}) to (${(d + 1) * 86_400_000})`,
      );
    const { rows } = await client.query<{ indexdef: string; unique: boolean; cols: string }>(
      `select pg_get_indexdef(i.indexrelid) as indexdef, i.indisunique as unique,
              (select string_agg(a.attname, ', ' order by k.n) from unnest(i.indkey) with ordinality k(attnum, n)
                 join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum) as cols
       from pg_index i where i.indrelid = $1::regclass`,
      [table],
    );
    for (const r of rows) {
      const where = /\sWHERE\s(.*)$/.exec(r.indexdef)?.[1];
      const cols = r.cols.split(', ').includes(column) ? r.cols : `${r.cols}, ${column}`;
      await client.query(
        r.unique
          ? `create unique index on ${table}_byday (${cols})${where ? ` where ${where}` : ''}`
          : `create index on ${table}_byday (${r.cols})${where ? ` where ${where}` : ''}`,
      );
    }
    // Twice each, alternating, the best of each kept: the order and a busy moment weigh less.
    let plainMs = Number.POSITIVE_INFINITY;
    let partitionedMs = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 2; round++) {
      plainMs = Math.min(plainMs, await copyInMs(client, `${table}_plain`, chunks));
      partitionedMs = Math.min(partitionedMs, await copyInMs(client, `${table}_byday`, chunks));
      await client.query(`truncate ${table}_plain, ${table}_byday`);
    }
    await client.query(`drop table ${table}_plain`);
    await client.query(`drop table ${table}_byday`);
    return { plainMs, partitionedMs, days: last - first + 1 };
  });
}

/** The plan's pg-boss job rows (waiting or archived): state and retries. */
export async function planJobRows(
  url: string,
  planId: string,
): Promise<{ state: string; retry_count: number }[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `select state, retry_count from pgboss.job where name = 'plan' and data->>'planId' = $1
       union all select state, retry_count from pgboss.archive where name = 'plan' and data->>'planId' = $1`,
      [planId],
    );
    return rows as { state: string; retry_count: number }[];
  });
}
