import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkHsFit, searchHs } from './classify.ts';
import { loadHsIndex, loadNomenclature } from './hs-data.fixture.ts';
import { parseHsKeywords, readQuery } from './keywords.ts';
import { englishTokens, hsTextTokens, stem } from './text.ts';

describe('words', () => {
  it('folds plurals, possessives and hyphens, drops stop words and numbers', () => {
    expect(englishTokens("Women's cotton T-shirts, 2 pcs, for the beach")).toEqual([
      'women',
      'cotton',
      'tshirt',
      'pcs',
      'beach',
    ]);
    expect(['batteries', 'boxes', 'watches', 'shoes', 'glass', 'toys', 'bus'].map(stem)).toEqual([
      'battery',
      'box',
      'watch',
      'shoe',
      'glass',
      'toy',
      'bus',
    ]);
  });

  it('leaves out what an HS text excludes and its cross-references', () => {
    expect(
      hsTextTokens('T-shirts, singlets and other vests; of textile materials (other than cotton), knitted'),
    ).toEqual(['tshirt', 'singlet', 'vest', 'textile', 'material', 'knitted']);
    expect(hsTextTokens('Footwear; n.e.c. in heading no. 6402, with outer soles')).toEqual([
      'footwear',
      'outer',
      'sole',
    ]);
  });
});

describe('keyword table', () => {
  const nom = loadNomenclature();

  it('refuses a code that does not exist, a term twice, a term with no word, a bad code shape', () => {
    const r = parseHsKeywords(
      {
        source: 'test',
        entries: [
          { terms: ['earbuds', '耳机'], codes: ['851830'] },
          { terms: ['gizmo'], codes: ['999999'] },
          { terms: ['Earbuds'], codes: ['8518'] },
          { terms: ['the'], codes: ['8518'] },
          { terms: ['widget'], codes: ['85'] },
        ],
      },
      nom,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { field: 'entries.4.codes.0', why: 'must be an HS heading (4 digits) or subheading (6)' },
    ]);
    const r2 = parseHsKeywords(
      {
        source: 'test',
        entries: [
          { terms: ['earbuds', '耳机'], codes: ['851830'] },
          { terms: ['gizmo'], codes: ['999999'] },
          { terms: ['Earbuds'], codes: ['8518'] },
          { terms: ['the'], codes: ['8518'] },
        ],
      },
      nom,
    );
    expect(r2.ok).toBe(false);
    if (r2.ok) return;
    expect(r2.problems).toEqual([
      { field: 'entries.1.codes.0', why: '999999 is not an HS 2022 code' },
      { field: 'entries.2.terms.0', why: '"Earbuds" is already a term of entry 0' },
      { field: 'entries.3.terms.0', why: '"the" has no word to match' },
    ]);
  });

  it('reads Chinese terms longest first and English phrases longest first', () => {
    const k = loadHsIndex().keywords;
    const zh = readQuery(k, '女士纯棉短袖T恤');
    expect(zh.language).toBe('zh');
    expect(zh.entries.map((e) => k.entries[e]!.label)).toEqual(['women', 'cotton', 't-shirt']);
    const en = readQuery(k, 'phone case for smartphone');
    expect(en.entries.map((e) => k.entries[e]!.label)).toEqual(['phone case', 'smartphone']);
  });

  it('the shipped table is valid against HS 2022', () => {
    expect(loadHsIndex().keywords.entries.length).toBeGreaterThan(200);
  });
});

describe('searchHs', () => {
  const index = loadHsIndex();
  const top = (q: string, level?: 4 | 6) =>
    searchHs(index, q, { limit: 5, ...(level ? { level } : {}) }).results.map((r) => r.code);

  it('ranks the right subheading first for plain English descriptions', () => {
    expect(top('T-shirt, cotton, knitted')[0]).toBe('610910');
    expect(top('wireless earbuds with charging case')[0]).toBe('851830');
    expect(top('Sports shoes, textile uppers, rubber soles')[0]).toBe('640411');
    expect(top('Smartphone 128GB dual SIM')[0]).toBe('851713');
  });

  it('answers Chinese queries through the keyword table', () => {
    expect(top('女士纯棉短袖T恤')[0]).toBe('610910');
    expect(top('充电宝 20000毫安')[0]).toBe('850760');
    expect(top('扫地机器人')).toContain('850811');
  });

  it('a material word moves the subheading: cotton and polyester T-shirts differ', () => {
    expect(top('cotton t-shirt')[0]).toBe('610910');
    expect(top('polyester t-shirt')[0]).toBe('610990');
  });

  it('headings level: distinct headings, best first', () => {
    const heads = top('leather handbag', 4);
    expect(heads[0]).toBe('4202');
    expect(new Set(heads).size).toBe(heads.length);
    expect(heads.every((h) => h.length === 4)).toBe(true);
  });

  it('a code as query answers the code and what lies under it', () => {
    const r = searchHs(index, '8518', { limit: 20 });
    expect(r.language).toBe('code');
    expect(r.results.map((x) => x.code)).toEqual([
      '8518',
      '851810',
      '851821',
      '851822',
      '851829',
      '851830',
      '851840',
      '851850',
      '851890',
    ]);
    expect(searchHs(index, '999999').results).toEqual([]);
  });

  it('words it does not know give no results rather than noise', () => {
    expect(searchHs(index, 'zxqv blorp').results).toEqual([]);
  });
});

describe('checkHsFit', () => {
  const index = loadHsIndex();

  it('a description fits its code, and is doubtful against a code of other goods', () => {
    expect(checkHsFit(index, 'Bluetooth speaker, rechargeable', '851822').verdict).toBe('fits');
    const wrong = checkHsFit(index, 'Bluetooth speaker, rechargeable', '610910');
    expect(wrong.verdict).toBe('doubtful');
    expect(wrong.message).toMatch(/does not look like heading 6109; it reads like 8518/);
    expect(wrong.suggestions[0]?.code.slice(0, 4)).toBe('8518');
  });

  it('a description of generic words only is vague', () => {
    for (const d of ['gift', 'Parts', 'sample items', 'item 1'])
      expect(checkHsFit(index, d, '851713').verdict).toBe('vague');
  });

  it('every product of the parcel generator fits the code it declares', () => {
    const mix = JSON.parse(
      readFileSync(new URL('../../data/generator/mix.json', import.meta.url), 'utf8'),
    ) as {
      categories: { products: { description: string; hsCode: string }[] }[];
    };
    const misfits = mix.categories
      .flatMap((c) => c.products)
      .map((p) => ({ p, fit: checkHsFit(index, p.description, p.hsCode) }))
      .filter((x) => x.fit.verdict !== 'fits')
      .map((x) => `${x.p.hsCode} ${x.p.description}: ${x.fit.message}`);
    expect(misfits).toEqual([]);
  });
});
