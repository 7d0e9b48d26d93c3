import { describe, expect, it } from 'vitest';
import {
  classifyTrackingNumber,
  hubNumberProblem,
  hubTrackingNumber,
  isS10,
  luhnCheckDigit,
  s10CheckDigit,
} from './numbers.ts';

describe('UPU S10 numbers', () => {
  it('computes the check digit of the worked examples (facts §3.4)', () => {
    expect(s10CheckDigit('47312482')).toBe(9);
    expect(s10CheckDigit('12345678')).toBe(5);
  });

  it('writes 10 as 0 and 11 as 5', () => {
    // Σ = 0 → C = 11 → 5.
    expect(s10CheckDigit('00000000')).toBe(5);
    expect(s10CheckDigit('00000008')).toBe(0); // 8 × 7 = 56, 56 mod 11 = 1, 11 − 1 = 10 → 0
  });

  it('accepts a valid number and refuses a wrong check digit or shape', () => {
    expect(isS10('EE123456785GB')).toBe(true);
    expect(isS10('RR473124829CN')).toBe(true);
    expect(isS10('EE123456784GB')).toBe(false);
    expect(isS10('EE12345678GB')).toBe(false);
    expect(isS10('E1123456785GB')).toBe(false);
  });
});

describe('hub tracking numbers', () => {
  it('are distinct, LB and 11 digits, with a Luhn check digit that validates', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const number = hubTrackingNumber(n);
      if (!/^LB\d{11}$/.test(number) || hubNumberProblem(number) !== undefined) bad.push(number);
      seen.add(number);
    }
    expect(bad).toEqual([]);
    expect(seen.size).toBe(20_000);
  });

  it('scatters consecutive serials (no neighbour is guessable by adding one)', () => {
    const a = Number(hubTrackingNumber(1000).slice(2, 12));
    const b = Number(hubTrackingNumber(1001).slice(2, 12));
    expect(Math.abs(a - b)).toBeGreaterThan(1_000_000);
  });

  it('refuses a number whose check digit was changed', () => {
    const number = hubTrackingNumber(42);
    const wrong = `${number.slice(0, 12)}${(Number(number[12]) + 1) % 10}`;
    expect(hubNumberProblem(wrong)).toBe('the check digit does not match');
  });

  it('computes Luhn digits as the standard does', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });

  it('classifies numbers of both kinds and refuses others', () => {
    expect(classifyTrackingNumber(` ${hubTrackingNumber(7).toLowerCase()} `)).toEqual({
      kind: 'hub',
      number: hubTrackingNumber(7),
    });
    expect(classifyTrackingNumber('ee123456785gb')).toEqual({ kind: 's10', number: 'EE123456785GB' });
    expect(classifyTrackingNumber('EE123456786GB').kind).toBe('invalid');
    expect(classifyTrackingNumber('hello').kind).toBe('invalid');
  });
});
