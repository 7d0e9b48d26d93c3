import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LandbridgeError } from '../domain/index.ts';
import { type EventFileResult, eventsFromCsv, eventsFromJson } from '../tracking/index.ts';

/**
 * Reads a tracking event file, CSV (`.csv`, the columns of `EVENT_CSV_COLUMNS`) or JSON (`.json`: an
 * array of events or `{ "events": [...] }`). A file that cannot be read or has another extension
 * throws a `LandbridgeError`; problems inside it are returned with their rows.
 */
export function readEventFile(path: string): EventFileResult {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.json')
    throw new LandbridgeError('invalid-input', `${path}: expected a .csv or .json file`, [
      { where: { file: path }, why: `unknown extension "${ext}"; use .csv or .json` },
    ]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LandbridgeError('not-found', `cannot read ${path}`, [
      { where: { file: path }, why: (e as Error).message },
    ]);
  }
  if (ext === '.csv') return eventsFromCsv(text, path);
  try {
    return eventsFromJson(JSON.parse(text), path);
  } catch (e) {
    return {
      inputs: [],
      rows: [],
      problems: [{ where: { file: path }, why: `not valid JSON: ${(e as Error).message}` }],
    };
  }
}
