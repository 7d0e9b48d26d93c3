import { readFileSync } from 'node:fs';
import { type CurrencyConverter, LandbridgeError } from '../domain/index.ts';
import {
  convert,
  type FxFileInput,
  type FxTables,
  type ImportedFxTable,
  mergeFxDocument,
  parseFxTables,
} from '../duties/index.ts';
import { parseYaml } from './yaml.ts';

/** Reads the shipped rate tables (`data/fx/rates.yaml`) as a document, not yet validated. */
export function readFxDocument(path: string): FxFileInput {
  try {
    return parseYaml(readFileSync(path, 'utf8')) as FxFileInput;
  } catch (e) {
    throw new LandbridgeError('invalid-input', `cannot read ${path}`, [
      { where: { file: path }, why: (e as Error).message },
    ]);
  }
}

function parsedOrThrow(doc: unknown, what: string): FxTables {
  const parsed = parseFxTables(doc);
  if (!parsed.ok) {
    throw new LandbridgeError(
      'invalid-input',
      `${what} is not a valid rate table`,
      parsed.problems.map((p) => ({ where: { file: what, field: p.field }, why: p.why })),
    );
  }
  return parsed.fx;
}

/** Reads the dated reference-rate table (`data/fx/rates.yaml`). */
export function readFxFile(path: string): FxTables {
  return parsedOrThrow(readFxDocument(path), path);
}

/**
 * The shipped tables with the imported ones (the store's `fx_tables`): imported ECB days become reference
 * tables and give the EU's monthly customs rates; imported customs tables are added by source.
 * `importedOn` (YYYY-MM-DD) is the day the imports are cited as read.
 */
export function fxTablesWithImports(
  shippedPath: string,
  imported: readonly ImportedFxTable[],
  importedOn: string,
): FxTables {
  if (imported.length === 0) return readFxFile(shippedPath);
  return parsedOrThrow(mergeFxDocument(readFxDocument(shippedPath), imported, importedOn), shippedPath);
}

/**
 * A `CurrencyConverter` over the rate tables: exact conversion at the table in force on the date,
 * rounded half up once. Results are remembered (quotes convert the same few amounts again and again).
 */
export function fxConverter(tables: FxTables): CurrencyConverter {
  const memo = new Map<string, number | undefined>();
  return {
    convert(amountMinor, from, to, date) {
      if (from === to) return amountMinor;
      const key = `${amountMinor}|${from}|${to}|${date}`;
      if (memo.has(key)) return memo.get(key);
      const r = convert(amountMinor, from, to, date, tables);
      const value = r.ok ? r.minor : undefined;
      if (memo.size > 500_000) memo.clear();
      memo.set(key, value);
      return value;
    },
  };
}

/**
 * Rate tables that a running server can swap when new ones are imported (`landbridge fx update` in another
 * process): `converter` and `tables` always answer with the current ones. Hand `converter` and an object
 * whose `fx` getter reads `tables` to whatever was built with fixed tables (the hub, the plan runner).
 */
export class LiveFx {
  #tables: FxTables;
  #converter: CurrencyConverter;
  /** Instant of the newest import the tables include (UTC epoch ms), to tell when to reload. */
  importedAtMs: number | undefined;

  constructor(tables: FxTables, importedAtMs?: number) {
    this.#tables = tables;
    this.#converter = fxConverter(tables);
    this.importedAtMs = importedAtMs;
  }

  get tables(): FxTables {
    return this.#tables;
  }

  /** A converter that always uses the current tables. */
  readonly converter: CurrencyConverter = {
    convert: (amountMinor, from, to, date) => this.#converter.convert(amountMinor, from, to, date),
  };

  set(tables: FxTables, importedAtMs?: number): void {
    this.#tables = tables;
    this.#converter = fxConverter(tables);
    this.importedAtMs = importedAtMs;
  }
}
