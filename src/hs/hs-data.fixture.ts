/**
 * Test fixture: the shipped HS 2022 table and keyword table (data/hs), read from disk and built once.
 * Only tests import this file; the shell has its own loader (src/files/hs-files.ts).
 */
import { readFileSync } from 'node:fs';
import { parseCsvRecords } from '../files/hs-files.ts';

import { buildHsIndex, type HsIndex } from './classify.ts';
import { parseHsKeywords } from './keywords.ts';
import { buildNomenclature, type HsNomenclature } from './nomenclature.ts';

const dir = new URL('../../data/hs/', import.meta.url);
const csv = (name: string) => parseCsvRecords(readFileSync(new URL(name, dir), 'utf8'), name) as unknown[];

/** The rows of harmonized-system.csv and sections.csv as parsed, not yet validated. */
export function hsRows(): { rows: unknown[]; sections: unknown[] } {
  return { rows: csv('harmonized-system.csv'), sections: csv('sections.csv') };
}

let nom: HsNomenclature | undefined;
let index: HsIndex | undefined;

export function loadNomenclature(): HsNomenclature {
  if (!nom) {
    const { rows, sections } = hsRows();
    const r = buildNomenclature(rows, sections);
    if (!r.ok) throw new Error(`data/hs is invalid: ${JSON.stringify(r.problems.slice(0, 5))}`);
    nom = r.nomenclature;
  }
  return nom;
}

/** keywords.json parsed, not yet validated. */
export function keywordsDocument(): unknown {
  return JSON.parse(readFileSync(new URL('keywords.json', dir), 'utf8')) as unknown;
}

export function loadHsIndex(): HsIndex {
  if (!index) {
    const k = parseHsKeywords(keywordsDocument(), loadNomenclature());
    if (!k.ok) throw new Error(`data/hs/keywords.json is invalid: ${JSON.stringify(k.problems)}`);
    index = buildHsIndex(loadNomenclature(), k.keywords);
  }
  return index;
}
