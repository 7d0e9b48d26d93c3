import { describe, expect, it } from 'vitest';
import { CURRENCY_EXPONENTS } from '../domain/money.ts';
import { ConsigneeSchema } from '../domain/parcel.ts';
import { checkMixReferences, defaultMix, GeneratorMixSchema } from './mix.ts';

const mix = defaultMix();

/** Postcode formats of the destinations (national formats, not lists of valid codes). */
const POSTCODE_FORMATS: Record<string, RegExp> = {
  US: /^\d{5}$/,
  GB: /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/,
  DE: /^\d{5}$/,
  FR: /^\d{5}$/,
  ES: /^\d{5}$/,
  IT: /^\d{5}$/,
  NL: /^[1-9]\d{3} [A-Z]{2}$/,
  PL: /^\d{2}-\d{3}$/,
  BE: /^[1-9]\d{3}$/,
  CZ: /^\d{3} \d{2}$/,
  HU: /^[1-9]\d{3}$/,
  RU: /^\d{6}$/,
  BR: /^\d{5}-\d{3}$/,
  KR: /^\d{5}$/,
  JP: /^\d{3}-\d{4}$/,
  SA: /^\d{5}$/,
  AE: /^$/,
  IL: /^\d{7}$/,
  MX: /^\d{5}$/,
  CL: /^\d{7}$/,
  AU: /^\d{4}$/,
  CA: /^[A-Z]\d[A-Z] \d[A-Z]\d$/,
  KZ: /^\d{6}$/,
  TR: /^\d{5}$/,
  CH: /^[1-9]\d{3}$/,
  NO: /^\d{4}$/,
  NZ: /^\d{4}$/,
  SG: /^\d{6}$/,
  MY: /^\d{5}$/,
  TH: /^\d{5}$/,
  VN: /^\d{5}$/,
};

/** International calling codes. */
const CALLING_CODES: Record<string, string> = {
  US: '+1 ',
  CA: '+1 ',
  GB: '+44 ',
  DE: '+49 ',
  FR: '+33 ',
  ES: '+34 ',
  IT: '+39 ',
  NL: '+31 ',
  PL: '+48 ',
  BE: '+32 ',
  CZ: '+420 ',
  HU: '+36 ',
  RU: '+7 ',
  KZ: '+7 ',
  BR: '+55 ',
  KR: '+82 ',
  JP: '+81 ',
  SA: '+966 ',
  AE: '+971 ',
  IL: '+972 ',
  MX: '+52 ',
  CL: '+56 ',
  AU: '+61 ',
  TR: '+90 ',
  CH: '+41 ',
  NO: '+47 ',
  NZ: '+64 ',
  SG: '+65 ',
  MY: '+60 ',
  TH: '+66 ',
  VN: '+84 ',
};

describe('the default mix (data/generator/mix.json)', () => {
  it('passes its schema and has no dangling references', () => {
    expect(GeneratorMixSchema.safeParse(mix).success).toBe(true);
    expect(checkMixReferences(mix, new Set(Object.keys(CURRENCY_EXPONENTS)))).toEqual([]);
  });

  it('covers the 31 destinations of the brief, with the SCIO H1 2024 shares for US, GB, DE, FR', () => {
    const countries = mix.destinations.map((d) => d.country).sort();
    expect(countries).toEqual(Object.keys(POSTCODE_FORMATS).sort());
    const share = (c: string): number => mix.destinations.find((d) => d.country === c)!.share;
    expect([share('US'), share('GB'), share('DE'), share('FR')]).toEqual([34.2, 8.1, 6.2, 4.5]);
    expect(mix.destinations.reduce((s, d) => s + d.share, 0)).toBeCloseTo(100, 9);
  });

  it('states a source for every destination, category and packaging', () => {
    const ids = new Set(mix.sources.map((s) => s.id));
    const known = (ref: string): boolean => ids.has(ref) || ref.startsWith('assumption');
    for (const d of mix.destinations) expect(known(d.source), d.country).toBe(true);
    for (const d of mix.destinations) if (d.phoneSource) expect(known(d.phoneSource), d.country).toBe(true);
    for (const c of mix.categories) expect(known(c.source), c.id).toBe(true);
    for (const p of Object.values(mix.packaging)) expect(known(p.source)).toBe(true);
  });

  it('has postcodes in each country’s format and phone patterns with its calling code', () => {
    for (const d of mix.destinations) {
      for (const city of d.cities) {
        for (const pc of city.postcodes)
          expect(pc, `${d.country} ${city.name}`).toMatch(POSTCODE_FORMATS[d.country]!);
        for (const pattern of city.phones ?? d.phones) {
          expect(pattern.startsWith(CALLING_CODES[d.country]!), `${d.country} ${pattern}`).toBe(true);
          const phone = pattern.replaceAll('#', '5');
          expect(ConsigneeSchema.shape.phone.safeParse(phone).success, phone).toBe(true);
        }
      }
    }
  });

  it('keeps category shares at 100 and uses 6-digit HS codes and known UN numbers only', () => {
    expect(mix.categories.reduce((s, c) => s + c.share, 0)).toBeCloseTo(100, 9);
    for (const c of mix.categories)
      for (const p of c.products) {
        expect(p.hsCode, p.description).toMatch(/^\d{6}$/);
        for (const un of p.dangerousGoods ?? []) expect(['UN3480', 'UN3481']).toContain(un);
      }
  });

  it('returns the same parsed object on every call', () => {
    expect(defaultMix()).toBe(mix);
  });
});
