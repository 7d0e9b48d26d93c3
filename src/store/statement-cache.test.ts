import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { keepingStatements } from './statement-cache.ts';

/** A database whose `prepare` calls are counted (the real better-sqlite3 underneath). */
function counted() {
  const sqlite = new SqliteDatabase(':memory:');
  let prepared = 0;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((text: string) => {
    prepared++;
    return prepare(text);
  }) as typeof sqlite.prepare;
  return { sqlite, prepared: () => prepared };
}

describe('kept SQLite statements', () => {
  it('prepares a query once and answers it right each time, across a schema change', async () => {
    const { sqlite, prepared } = counted();
    const db = new Kysely<{ t: { a: number; b?: number } }>({
      dialect: new SqliteDialect({ database: keepingStatements(sqlite) }),
    });
    await sql`create table t (a integer)`.execute(db);
    for (let i = 1; i <= 3; i++) await db.insertInto('t').values({ a: i }).execute();
    const before = prepared();
    const read = () => db.selectFrom('t').selectAll().where('a', '>=', 2).orderBy('a').execute();
    expect(await read()).toEqual([{ a: 2 }, { a: 3 }]);
    expect(await read()).toEqual([{ a: 2 }, { a: 3 }]);
    expect(prepared() - before).toBe(1);
    // the kept `select *` sees a column added after it was prepared
    await sql`alter table t add column b integer default 7`.execute(db);
    expect(await read()).toEqual([
      { a: 2, b: 7 },
      { a: 3, b: 7 },
    ]);
    await db.destroy();
    expect(sqlite.open).toBe(false);
  });

  it('keeps at most its size, dropping the least recently used, and never hands out a statement being read', async () => {
    const { sqlite, prepared } = counted();
    const cache = keepingStatements(sqlite, 2);
    cache.prepare('select 1');
    cache.prepare('select 2');
    cache.prepare('select 1'); // used again: 'select 2' is now the oldest
    cache.prepare('select 3'); // drops 'select 2'
    const n = prepared();
    cache.prepare('select 1');
    cache.prepare('select 3');
    expect(prepared()).toBe(n);
    cache.prepare('select 2');
    expect(prepared()).toBe(n + 1);

    sqlite.exec('create table u (x); insert into u values (1), (2)');
    const reading = cache.prepare('select x from u').iterate();
    reading.next();
    const again = cache.prepare('select x from u');
    expect(again.all()).toEqual([{ x: 1 }, { x: 2 }]);
    reading.return?.();
    cache.close();
  });
});
