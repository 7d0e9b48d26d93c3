import { randomBytes } from 'node:crypto';
import { type Kysely, PostgresIntrospector } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/index.ts';
import { CurrentSchemaIntrospector } from '../src/store/pg-introspector.ts';
import { postgresUnderTest } from './fixtures/dialects.ts';

// Stores of several hubs (or several test suites) share one PostgreSQL database, each in its own
// schema. Opening a store runs the migrator, which introspects the database: it must read only its
// own schema, so that a neighbour's schema dropped meanwhile cannot fail it (CI, stop 23: "store
// migration failed: schema lb_test_… does not exist").
const postgres = await postgresUnderTest();
const admin = new pg.Pool({
  connectionString: process.env.LANDBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  max: 4,
});

describe.skipIf(postgres.skipReason !== undefined)('a PostgreSQL store beside other schemas', () => {
  if (postgres.skipReason !== undefined) console.info(`skipped: ${postgres.skipReason}`);
  let url: string;
  let store: Store;
  const neighbour = `lb_neighbour_${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    url = await postgres.setUp();
    store = await openStore(url);
    // A neighbour holding a table of the same name as one of ours, and one of its own.
    await admin.query(`create schema ${neighbour}`);
    await admin.query(`create table ${neighbour}.parcels (id bigserial primary key, note text)`);
    await admin.query(`create table ${neighbour}.only_theirs (id serial primary key)`);
  });
  afterAll(async () => {
    await store?.close();
    await admin.query(`drop schema if exists ${neighbour} cascade`);
    await postgres.tearDown();
    await admin.end();
  });

  it('introspects its own schema only, with each table once and its columns', async () => {
    const db = store.db as Kysely<unknown>;
    const introspector = new CurrentSchemaIntrospector(db);
    const schemas = await introspector.getSchemas();
    expect(schemas).toHaveLength(1);
    const own = schemas[0]?.name;
    const tables = await introspector.getTables({ withInternalKyselyTables: true });
    expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([own]));
    expect(tables.map((t) => t.name)).not.toContain('only_theirs');
    expect(tables.filter((t) => t.name === 'parcels')).toHaveLength(1);
    expect(tables.map((t) => t.name)).toContain('kysely_migration');
    const withoutInternal = await introspector.getTables();
    expect(withoutInternal.map((t) => t.name)).not.toContain('kysely_migration');
    // Kysely's own introspector sees the neighbour's tables: the reason for ours.
    const everyTable = await new PostgresIntrospector(db).getTables();
    expect(everyTable.some((t) => t.schema === neighbour && t.name === 'only_theirs')).toBe(true);
  });

  it('opens (and migrates) while neighbours’ schemas are dropped under it', async () => {
    const failures: string[] = [];
    for (let round = 0; round < 40; round += 1) {
      const doomed = Array.from({ length: 3 }, () => `lb_doomed_${randomBytes(6).toString('hex')}`);
      for (const schema of doomed) {
        await admin.query(
          `create schema ${schema}; create table ${schema}.t (id serial primary key, a int, b int, c int)`,
        );
      }
      const drops = Promise.all(doomed.map((schema) => admin.query(`drop schema ${schema} cascade`)));
      const opened = openStore(url).then(
        (s) => s.close(),
        (error: Error) => void failures.push(error.message),
      );
      await Promise.all([drops, opened]);
    }
    expect(failures).toEqual([]);
  });
});
