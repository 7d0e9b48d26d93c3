import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the scale tests run against (CI: `.ci/run` starts it). */
export const POSTGRES_URL =
  process.env.LANDBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL tests are skipped (one line), or undefined when it answers. */
export async function postgresSkipReason(): Promise<string | undefined> {
  if (!process.env.LANDBRIDGE_TEST_POSTGRES_URL && process.env.CI)
    return 'LANDBRIDGE_TEST_POSTGRES_URL is not set';
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL not reachable at ${POSTGRES_URL}: ${(error as Error).message || (error as Error).name}`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database beside the test one (so pg-boss's schema and the store's tables are the test's own,
 * and other suites on `test` are not disturbed); `drop` removes it, closing its connections.
 */
export async function freshDatabase(prefix = 'lb_scale'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}
