import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { LandbridgeError } from '../domain/index.ts';
import { parseYaml } from './yaml.ts';

/** ISO 3166-1 codes shipped with Landbridge (from Debian's iso-codes package). */
export const COUNTRY_CODES_FILE = fileURLToPath(new URL('../../data/customs/countries.csv', import.meta.url));

/**
 * Reads `data/customs/countries.csv` (alpha2, alpha3, name) into a map from ISO 3166-1 alpha-2 to
 * alpha-3, the country codes of the post-2018 customs code lists (JGS-20) that the CEB messages carry.
 */
export function readCountryCodes(path: string = COUNTRY_CODES_FILE): ReadonlyMap<string, string> {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true });
  } catch (e) {
    throw new LandbridgeError('invalid-input', `cannot read ${path}`, [
      { where: { file: path }, why: (e as Error).message },
    ]);
  }
  const out = new Map<string, string>();
  rows.forEach((r, i) => {
    if (!/^[A-Z]{2}$/.test(r.alpha2 ?? '') || !/^[A-Z]{3}$/.test(r.alpha3 ?? ''))
      throw new LandbridgeError('invalid-input', `${path} row ${i + 2}: expected alpha2 and alpha3 codes`, [
        { where: { file: path, row: i + 2 }, why: 'alpha2 must be 2 and alpha3 3 upper-case letters' },
      ]);
    out.set(r.alpha2!, r.alpha3!);
  });
  return out;
}

/** The vague goods descriptions shipped with Landbridge. */
export const VAGUE_DESCRIPTIONS_FILE = fileURLToPath(
  new URL('../../data/customs/vague-descriptions.yaml', import.meta.url),
);

/** Reads `data/customs/vague-descriptions.yaml`: the terms the description check flags. */
export function readVagueTerms(path: string = VAGUE_DESCRIPTIONS_FILE): string[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LandbridgeError('invalid-input', `cannot read ${path}`, [
      { where: { file: path }, why: (e as Error).message },
    ]);
  }
  const terms = (raw as { terms?: unknown })?.terms;
  if (!Array.isArray(terms) || !terms.every((t) => typeof (t as { term?: unknown })?.term === 'string'))
    throw new LandbridgeError('invalid-input', `${path}: expected terms: [{ term, source }]`, [
      { where: { file: path, field: 'terms' }, why: 'a list of { term, source }' },
    ]);
  return terms.map((t) => (t as { term: string }).term);
}
