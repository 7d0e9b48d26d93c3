import type pg from 'pg';

/** PostgreSQL type OID of `int8` (`bigint`). */
const PG_INT8_OID = 20;

/**
 * The type parsers of every store connection to PostgreSQL: `int8` (ids, milliseconds, minor units,
 * all within 2^53 by the schema's checks) read as a JavaScript number, the rest as `pg` reads them.
 */
export function storeTypes(pgModule: typeof pg): { getTypeParser: typeof pg.types.getTypeParser } {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === PG_INT8_OID && format !== 'binary'
        ? (value: string) => Number.parseInt(value, 10)
        : pgModule.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
}
