import { describe, expect, it } from 'vitest';
import { type DutyRulesFileInput, parseDutyRules } from './schema.ts';

/** A minimal valid rule file; tests break one thing at a time. */
function file(over: (f: DutyRulesFileInput) => void = () => {}): DutyRulesFileInput {
  const f: DutyRulesFileInput = {
    destinations: ['XA'],
    name: 'Testland',
    sources: [
      { id: 'law', title: 'Testland customs law', date: '2025-01-01', kind: 'official' },
      { id: 'guess', title: 'Landbridge assumption: testing', date: '2025-01-01', kind: 'assumption' },
    ],
    tariffs: { t: { name: 'Testland tariff', source: 'law', rates: [{ hs: '6109', rate: '12%' }] } },
    vatRates: [{ rate: '20%', source: 'law' }],
    ruleSets: [
      {
        id: 'xa-2024',
        name: 'old',
        validFrom: '2024-01-01',
        validTo: '2024-12-31',
        sources: ['law'],
        currency: 'EUR',
        valueBasis: 'CIF',
        tiers: [
          {
            id: 'standard',
            name: 'all',
            description: 'everything',
            duties: [{ kind: 'tariff', table: 't' }],
            vat: { kind: 'rate', base: ['customs-value', 'duty'], collector: 'carrier-at-import' },
          },
        ],
      },
    ],
  };
  over(f);
  return f;
}

const whys = (f: DutyRulesFileInput) => {
  const r = parseDutyRules([{ file: 'xa.yaml', data: f }]);
  return r.ok ? [] : r.problems.map((p) => `${p.where.file} ${p.where.field}: ${p.why}`);
};

describe('parseDutyRules', () => {
  it('accepts a valid file and indexes it by destination', () => {
    const r = parseDutyRules([{ file: 'xa.yaml', data: file() }]);
    expect(r.ok && r.rules.byDestination.get('XA')?.data.ruleSets[0]?.id).toBe('xa-2024');
  });

  const broken: [string, (f: DutyRulesFileInput) => void, RegExp][] = [
    [
      'a reference to a missing source',
      (f) => {
        (f.ruleSets[0] as { sources: string[] }).sources = ['nowhere'];
      },
      /no source with id "nowhere"/,
    ],
    [
      'a tariff table that does not exist',
      (f) => {
        f.ruleSets[0]?.tiers[0]?.duties?.splice(0, 1, { kind: 'tariff', table: 'missing' });
      },
      /no tariff table "missing"/,
    ],
    [
      'overlapping rule sets',
      (f) => {
        const first = f.ruleSets[0];
        if (first) f.ruleSets.push({ ...first, id: 'xa-2024b', validFrom: '2024-06-01' });
      },
      /overlaps xa-2024b/,
    ],
    [
      'an assumption not labelled as one',
      (f) => {
        f.sources.push({ id: 'sneaky', title: 'Trust me', date: '2025-01-01', kind: 'assumption' });
      },
      /Landbridge assumption/,
    ],
    [
      'a rate written as a bare number',
      (f) => {
        (f.vatRates as { rate: unknown }[])[0] = { rate: 20, source: 'law' } as never;
      },
      /not a rate written as "12%"/,
    ],
    [
      'money without a currency',
      (f) => {
        f.ruleSets[0]?.tiers.unshift({
          id: 'low',
          name: 'low',
          description: 'low',
          when: { maxValue: { amount: '150' as never } },
          vat: { kind: 'none' },
        });
      },
      /not money written as "EUR 150.00"/,
    ],
    [
      'shipping counted twice in a CIF VAT base',
      (f) => {
        const tier = f.ruleSets[0]?.tiers[0];
        if (tier)
          tier.vat = { kind: 'rate', base: ['customs-value', 'shipping'], collector: 'carrier-at-import' };
      },
      /count them twice/,
    ],
    [
      'an HS prefix of odd length',
      (f) => {
        (f.tariffs as Record<string, { rates: { hs: string; rate: string }[] }>).t?.rates.push({
          hs: '61091',
          rate: '1%',
        });
      },
      /2, 4, 6, 8 or 10 digits/,
    ],
    [
      'the same HS code twice for overlapping dates',
      (f) => {
        (f.tariffs as Record<string, { rates: { hs: string; rate: string }[] }>).t?.rates.push({
          hs: '6109',
          rate: '10%',
        });
      },
      /HS 6109 is also at rates.0/,
    ],
  ];
  it.each(broken)('reports %s, naming the file', (_name, breakIt, pattern) => {
    const problems = whys(file(breakIt));
    expect(problems.join('\n')).toMatch(pattern);
    expect(problems.every((p) => p.startsWith('xa.yaml'))).toBe(true);
  });

  it('reports a destination claimed by two files', () => {
    const r = parseDutyRules([
      { file: 'a.yaml', data: file() },
      {
        file: 'b.yaml',
        data: file((f) => {
          (f.ruleSets[0] as { id: string }).id = 'xa-other';
        }),
      },
    ]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]?.why).toMatch(/XA is also in a.yaml/);
  });
});
