import { z } from 'zod';

/**
 * The Harmonized System nomenclature, 2022 edition: every chapter (2 digits), heading (4) and
 * subheading (6) with its description, parent and section. The shell reads the shipped table
 * (data/hs/harmonized-system.csv, sections.csv) and hands the rows to {@link buildNomenclature}; the
 * core answers from the built value and does no I/O.
 */

/** The edition every code is checked against. */
export const HS_EDITION = 'HS 2022';

/** One row of `harmonized-system.csv` as the shell parsed it (all text). */
export const HsRowSchema = z.object({
  section: z.string().min(1),
  hscode: z.string().min(1),
  description: z.string().min(1),
  parent: z.string().min(1),
  level: z.string().min(1),
});
export type HsRow = z.infer<typeof HsRowSchema>;

/** One row of `sections.csv`: a Roman numeral and its title. */
export const HsSectionRowSchema = z.object({ section: z.string().min(1), name: z.string().min(1) });
export type HsSectionRow = z.infer<typeof HsSectionRowSchema>;

export type HsLevel = 2 | 4 | 6;

/** A chapter, heading or subheading. */
export interface HsEntry {
  readonly code: string;
  readonly level: HsLevel;
  readonly description: string;
  /** The chapter of a heading, the heading of a subheading; none for a chapter. */
  readonly parent?: string;
  /** Roman numeral of the section (I to XXI). */
  readonly section: string;
}

/** The nomenclature as plain data (it crosses to worker threads by structured clone). */
export interface HsNomenclature {
  readonly edition: string;
  readonly entries: ReadonlyMap<string, HsEntry>;
  /** Children of each chapter and heading, in code order. */
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly sections: ReadonlyMap<string, string>;
}

export interface HsTableProblem {
  /** 1-based data row of the file (the header is row 1, so the first data row is 2). */
  readonly row: number;
  readonly field?: string;
  readonly why: string;
}

export type BuildNomenclatureResult =
  | { readonly ok: true; readonly nomenclature: HsNomenclature }
  | { readonly ok: false; readonly problems: readonly HsTableProblem[] };

/**
 * Sections of the source table that are not part of the HS: UN Comtrade's `TOTAL` rows (chapter 99,
 * "Commodities not specified according to kind", and the grand total) are statistical aggregates.
 */
const NOT_HS_SECTIONS = new Set(['TOTAL']);

/**
 * Validates the parsed table and builds the nomenclature: every code is 2, 4 or 6 digits at its level,
 * appears once, and its parent exists at the level above (a heading's parent is its chapter, a
 * subheading's its heading, each a prefix of the code). Comtrade aggregate rows are dropped.
 *
 * @example const r = buildNomenclature(rows, sections); if (r.ok) lookupHs(r.nomenclature, '610910');
 */
export function buildNomenclature(
  rows: readonly unknown[],
  sectionRows: readonly unknown[],
): BuildNomenclatureResult {
  const problems: HsTableProblem[] = [];
  const sections = new Map<string, string>();
  sectionRows.forEach((raw, i) => {
    const r = HsSectionRowSchema.safeParse(raw);
    if (!r.success) problems.push({ row: i + 2, why: `section row: ${r.error.issues[0]?.message ?? ''}` });
    else sections.set(r.data.section, r.data.name);
  });
  const entries = new Map<string, HsEntry>();
  const rowOf = new Map<string, number>();
  const FIELDS = ['section', 'hscode', 'description', 'parent', 'level'] as const;
  rows.forEach((raw, i) => {
    const row = i + 2;
    // A plain check per row (7,000 rows at every start): every field a non-empty string.
    const rec = raw as Record<string, unknown> | null;
    const missing = FIELDS.find((f) => typeof rec?.[f] !== 'string' || rec[f] === '');
    if (missing !== undefined) {
      problems.push({ row, field: missing, why: `${missing} must be a non-empty text` });
      return;
    }
    const { section, hscode, description, parent, level } = rec as HsRow;
    if (NOT_HS_SECTIONS.has(section)) return;
    const lvl = Number(level);
    if (lvl !== 2 && lvl !== 4 && lvl !== 6) {
      problems.push({ row, field: 'level', why: `level must be 2, 4 or 6, got ${level}` });
      return;
    }
    if (hscode.length !== lvl || !/^\d+$/.test(hscode)) {
      problems.push({ row, field: 'hscode', why: `${hscode} is not a ${lvl}-digit code` });
      return;
    }
    if (entries.has(hscode)) {
      problems.push({
        row,
        field: 'hscode',
        why: `${hscode} appears again (first at row ${rowOf.get(hscode)})`,
      });
      return;
    }
    if (!sections.has(section)) {
      problems.push({ row, field: 'section', why: `unknown section ${section}` });
      return;
    }
    if (lvl > 2 && parent !== hscode.slice(0, lvl - 2)) {
      problems.push({ row, field: 'parent', why: `parent of ${hscode} must be ${hscode.slice(0, lvl - 2)}` });
      return;
    }
    rowOf.set(hscode, row);
    entries.set(hscode, {
      code: hscode,
      level: lvl,
      description: description.trim(),
      ...(lvl > 2 ? { parent } : {}),
      section,
    });
  });
  const children = new Map<string, string[]>();
  for (const e of entries.values()) {
    if (e.parent === undefined) continue;
    if (!entries.has(e.parent)) {
      problems.push({
        row: rowOf.get(e.code) ?? 0,
        field: 'parent',
        why: `parent ${e.parent} of ${e.code} is missing`,
      });
      continue;
    }
    let list = children.get(e.parent);
    if (!list) {
      list = [];
      children.set(e.parent, list);
    }
    list.push(e.code);
  }
  for (const list of children.values()) list.sort();
  if (entries.size === 0) problems.push({ row: 1, why: 'the table holds no HS codes' });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, nomenclature: { edition: HS_EDITION, entries, children, sections } };
}

/** A code as people write it (`6109.10`, `6109 10 00`) with the dots and spaces removed. */
export function normalizeHsCode(text: string): string {
  return text.trim().replace(/[.\s]/g, '');
}

/** What {@link lookupHs} found. */
export interface HsLookup {
  readonly ok: true;
  /** The code looked up, normalised. */
  readonly code: string;
  /** The HS code it stands on: itself, or the first 6 digits of a national 8- or 10-digit line. */
  readonly hsCode: string;
  readonly level: HsLevel;
  readonly description: string;
  /** Digits beyond the subheading (a national tariff line), not checked against any national tariff. */
  readonly nationalExtension?: string;
  readonly section: { readonly id: string; readonly name: string };
  /** Chapter, then heading, above the code (outermost first). */
  readonly parents: readonly {
    readonly code: string;
    readonly level: HsLevel;
    readonly description: string;
  }[];
  /** Headings of a chapter, subheadings of a heading. */
  readonly children: readonly string[];
}

export interface HsNotFound {
  readonly ok: false;
  readonly code: string;
  readonly kind: 'malformed' | 'not-in-nomenclature';
  /** One line for a person, starting with the code: `999999 is not an HS 2022 code`. */
  readonly message: string;
}

function notFoundMessage(nom: HsNomenclature, code: string): string {
  const base = `${code} is not an ${nom.edition} code`;
  // Point at the nearest level that exists, so the fix is obvious.
  for (const len of [4, 2]) {
    if (code.length <= len) continue;
    const up = nom.entries.get(code.slice(0, len));
    if (!up) continue;
    const kids = nom.children.get(up.code) ?? [];
    const shown = kids.slice(0, 8).join(', ') + (kids.length > 8 ? ', …' : '');
    return `${base} (${len === 4 ? 'heading' : 'chapter'} ${up.code} exists: ${up.description}; its ${len === 4 ? 'subheadings' : 'headings'} are ${shown})`;
  }
  return `${base} (no chapter ${code.slice(0, 2)})`;
}

/**
 * Looks a code up: a chapter (2 digits), heading (4) or subheading (6) must exist; a national line of 8
 * or 10 digits stands on its first 6, which must exist (the extra digits are not checked). Dots and
 * spaces are ignored.
 *
 * @example lookupHs(nom, '6109.10') // { ok: true, hsCode: '610910', level: 6, parents: [61, 6109], … }
 */
export function lookupHs(nom: HsNomenclature, text: string): HsLookup | HsNotFound {
  const code = normalizeHsCode(text);
  if (!/^\d{2}(\d{2}){0,4}$/.test(code)) {
    return {
      ok: false,
      code,
      kind: 'malformed',
      message: `${code || '(empty)'} is not an HS code: expected 2, 4, 6, 8 or 10 digits`,
    };
  }
  const hsCode = code.length > 6 ? code.slice(0, 6) : code;
  const entry = nom.entries.get(hsCode);
  if (!entry) return { ok: false, code, kind: 'not-in-nomenclature', message: notFoundMessage(nom, hsCode) };
  const parents: { code: string; level: HsLevel; description: string }[] = [];
  for (let p = entry.parent; p !== undefined; ) {
    const pe = nom.entries.get(p);
    if (!pe) break;
    parents.unshift({ code: pe.code, level: pe.level, description: pe.description });
    p = pe.parent;
  }
  return {
    ok: true,
    code,
    hsCode,
    level: entry.level,
    description: entry.description,
    ...(code.length > 6 ? { nationalExtension: code.slice(6) } : {}),
    section: { id: entry.section, name: nom.sections.get(entry.section) ?? '' },
    parents,
    children: nom.children.get(hsCode) ?? [],
  };
}

/**
 * Checks a declared goods code (a 6-digit subheading or a national 8/10-digit line): undefined when its
 * subheading exists, else the reason, e.g. `999999 is not an HS 2022 code`. Chapters and headings alone
 * are not declarable.
 */
export function checkDeclaredHsCode(nom: HsNomenclature, code: string): string | undefined {
  if (!/^\d{6}(\d{2}){0,2}$/.test(code))
    return `${code} is not a declarable HS code: expected 6, 8 or 10 digits`;
  const sub = code.slice(0, 6);
  if (nom.entries.get(sub)?.level === 6) return undefined;
  return notFoundMessage(nom, sub);
}
