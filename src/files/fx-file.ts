import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type CurrencyConverter, LandbridgeError } from '../domain/index.ts';
import { convert, type FxTables, parseFxTables } from '../duties/index.ts';

/** Reads the dated reference-rate table (`data/fx/rates.yaml`). */
export function readFxFile(path: string): FxTables {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LandbridgeError('invalid-input', `cannot read ${path}`, [
      { where: { file: path }, why: (e as Error).message },
    ]);
  }
  const parsed = parseFxTables(raw);
  if (!parsed.ok) {
    throw new LandbridgeError(
      'invalid-input',
      `${path} is not a valid rate table`,
      parsed.problems.map((p) => ({ where: { file: path, field: p.field }, why: p.why })),
    );
  }
  return parsed.fx;
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
