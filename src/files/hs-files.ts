import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LandbridgeError } from '../domain/index.ts';
import {
  buildHsIndex,
  buildNomenclature,
  type HsIndex,
  type HsNomenclature,
  parseHsKeywords,
} from '../hs/index.ts';

/** The HS 2022 nomenclature and keyword table shipped with Landbridge (see data/hs/README.md). */
export const HS_DIR = fileURLToPath(new URL('../../data/hs/', import.meta.url));

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new LandbridgeError('not-found', `cannot read ${path}`, [
      { where: { file: path }, why: (e as Error).message },
    ]);
  }
}

/**
 * Parses a CSV file with a header row into records (RFC 4180: quoted fields, `""` for a quote; a BOM
 * is dropped). The HS table is 7,000 rows read at every start, so this is a plain loop rather than a
 * general CSV library (six times faster here). A row whose field count differs from the header's, or an
 * unclosed quote, is refused with its row number.
 */
export function parseCsvRecords(text: string, file: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = text.length;
  // Field by field, slicing the text (no string built a character at a time).
  while (i <= end) {
    let value: string;
    if (text[i] === '"') {
      let out = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) {
          throw new LandbridgeError('invalid-input', `${file} is not valid CSV`, [
            { where: { file, row: rows.length + 1 }, why: 'a quoted field is not closed' },
          ]);
        }
        out += text.slice(from, q);
        if (text[q + 1] === '"') {
          out += '"';
          from = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      value = out;
    } else {
      let j = i;
      while (j < end) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        j++;
      }
      value = text.slice(i, j);
      i = j;
    }
    row.push(value);
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      continue;
    }
    // End of a line (\n, \r\n) or of the text.
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    i++;
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  }
  const header = rows[0] ?? [];
  const out: Record<string, string>[] = [];
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!;
    if (cells.length !== header.length) {
      throw new LandbridgeError('invalid-input', `${file} is not valid CSV`, [
        { where: { file, row: r + 1 }, why: `${cells.length} fields where the header has ${header.length}` },
      ]);
    }
    const rec: Record<string, string> = {};
    for (let k = 0; k < header.length; k++) rec[header[k]!] = cells[k]!;
    out.push(rec);
  }
  return out;
}

function readCsv(path: string): unknown[] {
  return parseCsvRecords(readText(path), path);
}

/** Reads and checks the nomenclature of a folder holding `harmonized-system.csv` and `sections.csv`. */
export function readHsNomenclature(dir: string = HS_DIR): HsNomenclature {
  const file = `${dir.replace(/\/$/, '')}/harmonized-system.csv`;
  const r = buildNomenclature(readCsv(file), readCsv(`${dir.replace(/\/$/, '')}/sections.csv`));
  if (!r.ok) {
    throw new LandbridgeError(
      'invalid-input',
      `${file} is not a valid HS table`,
      r.problems.map((p) => ({
        where: { file, row: p.row, ...(p.field ? { field: p.field } : {}) },
        why: p.why,
      })),
    );
  }
  return r.nomenclature;
}

/** Reads the keyword table (`keywords.json`) and builds the search index over the nomenclature. */
export function readHsIndex(nomenclature: HsNomenclature, dir: string = HS_DIR): HsIndex {
  const file = `${dir.replace(/\/$/, '')}/keywords.json`;
  let data: unknown;
  try {
    data = JSON.parse(readText(file));
  } catch (e) {
    if (e instanceof LandbridgeError) throw e;
    throw new LandbridgeError('invalid-input', `${file} is not valid JSON`, [
      { where: { file }, why: (e as Error).message },
    ]);
  }
  const r = parseHsKeywords(data, nomenclature);
  if (!r.ok) {
    throw new LandbridgeError(
      'invalid-input',
      `${file} is not a valid keyword table`,
      r.problems.map((p) => ({ where: { file, field: p.field }, why: p.why })),
    );
  }
  return buildHsIndex(nomenclature, r.keywords);
}

let shippedNomenclature: HsNomenclature | undefined;
let shippedIndex: HsIndex | undefined;

/** The shipped nomenclature, read once per process on first use. */
export function shippedHsNomenclature(): HsNomenclature {
  shippedNomenclature ??= readHsNomenclature();
  return shippedNomenclature;
}

/** The shipped search index, built once per process on first use. */
export function shippedHsIndex(): HsIndex {
  shippedIndex ??= readHsIndex(shippedHsNomenclature());
  return shippedIndex;
}
