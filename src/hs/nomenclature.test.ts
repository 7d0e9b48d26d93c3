import { describe, expect, it } from 'vitest';
import { hsRows, loadNomenclature } from './hs-data.fixture.ts';
import { buildNomenclature, checkDeclaredHsCode, lookupHs, normalizeHsCode } from './nomenclature.ts';

const SECTIONS = [{ section: 'XI', name: 'Textiles and textile articles' }];
const row = (hscode: string, parent: string, level: string, description = `goods ${hscode}`) => ({
  section: 'XI',
  hscode,
  description,
  parent,
  level,
});

describe('buildNomenclature', () => {
  it('builds the shipped HS 2022 table: 96 chapters, 1,228 headings, 5,612 subheadings, no Comtrade aggregates', () => {
    const nom = loadNomenclature();
    const count = (level: number) => [...nom.entries.values()].filter((e) => e.level === level).length;
    expect([count(2), count(4), count(6)]).toEqual([96, 1228, 5612]);
    expect(nom.entries.has('99')).toBe(false);
    expect(nom.entries.has('999999')).toBe(false);
    expect(nom.sections.size).toBe(21);
  });

  it('refuses a code at the wrong level, a wrong parent, a missing parent, a duplicate and an unknown section', () => {
    const r = buildNomenclature(
      [
        row('61', 'TOTAL', '2'),
        row('6109', '61', '4'),
        row('610910', '6109', '6'),
        row('61091', '6109', '6'),
        row('610990', '6110', '6'),
        row('611020', '6110', '6'),
        row('6109', '61', '4'),
        { ...row('6201', '62', '4'), section: 'XCIX' },
      ],
      SECTIONS,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { row: 5, field: 'hscode', why: '61091 is not a 6-digit code' },
      { row: 6, field: 'parent', why: 'parent of 610990 must be 6109' },
      { row: 8, field: 'hscode', why: '6109 appears again (first at row 3)' },
      { row: 9, field: 'section', why: 'unknown section XCIX' },
      { row: 7, field: 'parent', why: 'parent 6110 of 611020 is missing' },
    ]);
  });

  it('refuses a table with no codes', () => {
    expect(buildNomenclature([], SECTIONS)).toEqual({
      ok: false,
      problems: [{ row: 1, why: 'the table holds no HS codes' }],
    });
  });

  it('the shipped rows are all HS-shaped (each level-6 code under its level-4 parent)', () => {
    const { rows } = hsRows();
    expect(rows.length).toBeGreaterThan(6900);
  });
});

describe('lookupHs', () => {
  const nom = loadNomenclature();

  it('finds a subheading with its chapter and heading', () => {
    const r = lookupHs(nom, '6109.10');
    expect(r).toMatchObject({
      ok: true,
      code: '610910',
      hsCode: '610910',
      level: 6,
      description: 'T-shirts, singlets and other vests; of cotton, knitted or crocheted',
      section: { id: 'XI', name: 'Textiles and textile articles' },
      parents: [
        { code: '61', level: 2 },
        { code: '6109', level: 4, description: 'T-shirts, singlets and other vests; knitted or crocheted' },
      ],
      children: [],
    });
  });

  it('finds a heading and lists its subheadings; a chapter and its headings', () => {
    const h = lookupHs(nom, '8517');
    expect(h.ok && h.children).toEqual([
      '851711',
      '851713',
      '851714',
      '851718',
      '851761',
      '851762',
      '851769',
      '851771',
      '851779',
    ]);
    const c = lookupHs(nom, '88');
    expect(c.ok && c.children).toEqual(['8801', '8802', '8804', '8805', '8806', '8807']);
  });

  it('checks a national line of 8 or 10 digits on its first 6, keeping the extension', () => {
    expect(lookupHs(nom, '6109100010')).toMatchObject({
      ok: true,
      hsCode: '610910',
      nationalExtension: '0010',
    });
    expect(lookupHs(nom, '61099900')).toMatchObject({ ok: false, kind: 'not-in-nomenclature' });
  });

  it('refuses a code that does not exist, pointing at the nearest level that does', () => {
    expect(lookupHs(nom, '999999')).toMatchObject({
      ok: false,
      message: '999999 is not an HS 2022 code (no chapter 99)',
    });
    const r = lookupHs(nom, '610900');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.message).toMatch(
        /^610900 is not an HS 2022 code \(heading 6109 exists: .*; its subheadings are 610910, 610990\)$/,
      );
    expect(lookupHs(nom, '7701')).toMatchObject({
      ok: false,
      message: '7701 is not an HS 2022 code (no chapter 77)',
    });
  });

  it('refuses malformed codes', () => {
    expect(lookupHs(nom, '610')).toMatchObject({ ok: false, kind: 'malformed' });
    expect(lookupHs(nom, 'abc')).toMatchObject({ ok: false, kind: 'malformed' });
    expect(lookupHs(nom, '')).toMatchObject({ ok: false, kind: 'malformed' });
  });

  it('HS 2022 codes that replaced HS 2017 ones exist, the replaced ones do not', () => {
    for (const code of ['851713', '880622', '940542', '852589', '940139'])
      expect(lookupHs(nom, code).ok).toBe(true);
    for (const code of ['851712', '940540', '852580', '940130']) expect(lookupHs(nom, code).ok).toBe(false);
  });
});

describe('checkDeclaredHsCode', () => {
  const nom = loadNomenclature();
  it('accepts a subheading or a national line on one, refuses a heading, a chapter or an unknown code', () => {
    expect(checkDeclaredHsCode(nom, '610910')).toBeUndefined();
    expect(checkDeclaredHsCode(nom, '61091000')).toBeUndefined();
    expect(checkDeclaredHsCode(nom, '6109')).toBe(
      '6109 is not a declarable HS code: expected 6, 8 or 10 digits',
    );
    expect(checkDeclaredHsCode(nom, '999999')).toBe('999999 is not an HS 2022 code (no chapter 99)');
  });
});

describe('normalizeHsCode', () => {
  it('drops dots and spaces', () => {
    expect(normalizeHsCode(' 8517.13 00 ')).toBe('85171300');
  });
});
