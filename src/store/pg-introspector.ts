import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  PostgresDialect,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

/**
 * Kysely's PostgreSQL introspector reads every schema of the database, and calls
 * `pg_get_serial_sequence` on each table it finds: when another store's schema is dropped while it
 * runs (two hubs, or two test suites, on one database), the query fails with "schema … does not
 * exist". The migrator introspects on every start, so a store could fail to open because of a
 * neighbour. This one reads only the store's own schema (`current_schema()`, the first of
 * `search_path`), which is all the migrator asks about.
 */
export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(this.#db);
    return rows.flatMap((row) => (row.name === null ? [] : [{ name: row.name }]));
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<{
      schema: string;
      table: string;
      table_type: string;
      column: string;
      type: string;
      type_schema: string;
      not_null: boolean;
      column_default: string | null;
      is_identity: string;
    }>`select c.table_schema as schema, c.table_name as table, t.table_type,
              c.column_name as column, c.udt_name as type, c.udt_schema as type_schema,
              c.is_nullable = 'NO' as not_null, c.column_default, c.is_identity
         from information_schema.columns c
         join information_schema.tables t
           on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = current_schema()
        order by c.table_name, c.ordinal_position`.execute(this.#db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && row.table.startsWith('kysely_')) continue;
      let table = tables.get(row.table);
      if (table === undefined) {
        table = { name: row.table, schema: row.schema, isView: row.table_type === 'VIEW', columns: [] };
        tables.set(row.table, table);
      }
      const autoIncrementing = row.is_identity === 'YES' || (row.column_default ?? '').startsWith('nextval(');
      table.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: !row.not_null,
        isAutoIncrementing: autoIncrementing,
        hasDefaultValue: row.column_default !== null || autoIncrementing,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** PostgreSQL as Kysely's dialect speaks it, with introspection kept to the store's own schema. */
export class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
