import { describe, expect, it } from 'vitest';
import { parseYaml } from './yaml.ts';

describe('parseYaml', () => {
  it('reads the core schema: dates, times and yes/no stay strings; numbers and booleans typed', () => {
    expect(parseYaml('from: 2026-12-01\nat: 09:00\nflag: yes\nn: 12\nok: true\n')).toEqual({
      from: '2026-12-01',
      at: '09:00',
      flag: 'yes',
      n: 12,
      ok: true,
    });
  });

  it('refuses a key given twice and broken YAML, saying where on one line', () => {
    expect(() => parseYaml('a: 1\na: 2\n')).toThrow(/duplicated mapping key at line 2, column 1$/);
    expect(() => parseYaml('a: [1, 2\nb: 3\n')).toThrow(/at line \d+, column \d+$/);
  });
});
