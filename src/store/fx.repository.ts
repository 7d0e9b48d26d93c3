import type { Selectable } from 'kysely';
import type { Currency } from '../domain/money.ts';
import type { FxSourceId, ImportedFxTable } from '../duties/index.ts';
import { chunksOf, inTransaction, type StoreContext } from './context.ts';
import type { FxTablesTable } from './database.ts';

/** An imported table as stored, with when it was imported. */
export interface StoredFxTable extends ImportedFxTable {
  readonly importedAtMs: number;
}

/** Per source: how many tables, the newest day, the last import. */
export interface FxSourceSummary {
  readonly source: FxSourceId;
  readonly tables: number;
  readonly newestDate: string;
  readonly oldestDate: string;
  readonly lastImportedAtMs: number;
}

/** Imported exchange-rate tables (global reference data, shared by every hub). */
export interface FxRepository {
  /**
   * Inserts the tables, replacing a stored table of the same source, day and base (a re-import of the same
   * file changes nothing but the import time). All in one transaction.
   */
  upsertMany(
    tables: readonly ImportedFxTable[],
  ): Promise<{ readonly inserted: number; readonly replaced: number }>;
  /** Every stored table, oldest first. */
  list(): Promise<StoredFxTable[]>;
  /** What the store holds, per source. */
  summary(): Promise<FxSourceSummary[]>;
  /** The instant of the latest import (UTC epoch ms), or undefined when nothing was imported. */
  lastImportedAtMs(): Promise<number | undefined>;
}

export function fxRepository(ctx: StoreContext): FxRepository {
  const { db } = ctx;
  return {
    async upsertMany(tables) {
      const now = ctx.nowMs();
      return inTransaction(ctx, async (tx) => {
        const existing = new Set(
          (await tx.db.selectFrom('fx_tables').select(['source', 'date', 'base']).execute()).map(
            (r) => `${r.source}|${r.date}|${r.base}`,
          ),
        );
        let replaced = 0;
        for (const chunk of chunksOf(tables, 500)) {
          for (const t of chunk) if (existing.has(`${t.source}|${t.date}|${t.base}`)) replaced++;
          await tx.db
            .insertInto('fx_tables')
            .values(
              chunk.map((t) => ({
                source: t.source,
                date: t.date,
                base: t.base,
                valid_to: t.validTo ?? null,
                rates: JSON.stringify(t.rates),
                origin: t.origin,
                imported_at_ms: now,
              })),
            )
            .onConflict((oc) =>
              oc.columns(['source', 'date', 'base']).doUpdateSet((eb) => ({
                valid_to: eb.ref('excluded.valid_to'),
                rates: eb.ref('excluded.rates'),
                origin: eb.ref('excluded.origin'),
                imported_at_ms: eb.ref('excluded.imported_at_ms'),
              })),
            )
            .execute();
        }
        return { inserted: tables.length - replaced, replaced };
      });
    },

    async list() {
      const rows = await db.selectFrom('fx_tables').selectAll().orderBy('date').orderBy('source').execute();
      return rows.map(toTable);
    },

    async summary() {
      const rows = await db
        .selectFrom('fx_tables')
        .select((eb) => [
          'source',
          eb.fn.countAll<number>().as('tables'),
          eb.fn.max('date').as('newest'),
          eb.fn.min('date').as('oldest'),
          eb.fn.max('imported_at_ms').as('imported'),
        ])
        .groupBy('source')
        .orderBy('source')
        .execute();
      return rows.map((r) => ({
        source: r.source as FxSourceId,
        tables: Number(r.tables),
        newestDate: String(r.newest),
        oldestDate: String(r.oldest),
        lastImportedAtMs: Number(r.imported),
      }));
    },

    async lastImportedAtMs() {
      const row = await db
        .selectFrom('fx_tables')
        .select((eb) => eb.fn.max('imported_at_ms').as('latest'))
        .executeTakeFirst();
      return row?.latest == null ? undefined : Number(row.latest);
    },
  };
}

function toTable(row: Selectable<FxTablesTable>): StoredFxTable {
  return {
    source: row.source as FxSourceId,
    date: row.date,
    base: row.base as Currency,
    ...(row.valid_to === null ? {} : { validTo: row.valid_to }),
    rates: JSON.parse(row.rates) as Partial<Record<Currency, string>>,
    origin: row.origin,
    importedAtMs: Number(row.imported_at_ms),
  };
}
