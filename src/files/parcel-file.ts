import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LandbridgeError, type ParcelFileResult, parcelsFromCsv, parcelsFromJson } from '../domain/index.ts';

/**
 * Reads a parcel file, CSV (`.csv`) or JSON (`.json`), and returns its records and problems. A file that
 * cannot be read or has an unknown extension throws a `LandbridgeError`.
 */
export function readParcelFile(path: string): ParcelFileResult {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') {
    throw new LandbridgeError('invalid-input', `${path}: expected a .csv or .json file`, [
      { where: { file: path }, why: `unknown extension "${ext}"; use .csv or .json` },
    ]);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LandbridgeError('not-found', `cannot read ${path}`, [
      { where: { file: path }, why: (e as Error).message },
    ]);
  }
  if (ext === '.csv') return parcelsFromCsv(text, path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      records: [],
      problems: [{ where: { file: path }, why: `not valid JSON: ${(e as Error).message}` }],
    };
  }
  return parcelsFromJson(value, path);
}
