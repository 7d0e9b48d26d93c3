/**
 * Tracking numbers: the hub's own (`LB` + 10 digits + a Luhn check digit) and UPU S10 numbers of postal
 * last miles (2 letters, 8 serial digits, a check digit, the issuing post's country), both with their
 * check digits validated.
 */

/** S10 check-digit weights (UPU S10; facts/tracking.md §3.4). */
const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;
const S10_FORMAT = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/;
const HUB_FORMAT = /^LB(\d{10})(\d)$/;

/**
 * The S10 check digit of 8 serial digits: S = Σ digit × (8,6,4,2,3,5,9,7); C = 11 − S mod 11, with 10
 * written 0 and 11 written 5.
 *
 * @example s10CheckDigit('12345678') // 5, as in EE123456785GB
 */
export function s10CheckDigit(serial: string): number {
  if (!/^\d{8}$/.test(serial)) throw new RangeError(`an S10 serial is 8 digits, got "${serial}"`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial[i]) * S10_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 0 : c === 11 ? 5 : c;
}

/** Why a text is not a valid S10 number, or undefined when it is one. */
export function s10Problem(text: string): string | undefined {
  const m = S10_FORMAT.exec(text);
  if (!m) return 'must be a UPU S10 number: 2 letters, 9 digits, 2 letters, such as RR123456785CN';
  const expected = s10CheckDigit(m[2]!);
  if (Number(m[3]) !== expected) return `the S10 check digit is ${m[3]}, it should be ${expected}`;
  return undefined;
}

/** Whether `text` is a valid UPU S10 number, check digit included. */
export function isS10(text: string): boolean {
  return s10Problem(text) === undefined;
}

/** The Luhn check digit of a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

const SERIAL_SPACE = 10_000_000_000;
// An affine permutation of the serial space (the multiplier is prime to 10), so that numbers given in
// sequence look scattered: guessing a neighbour's number is as hard as guessing any.
const MULTIPLIER = 3_162_277_661n;
const OFFSET = 1_234_567_891n;

/**
 * The hub's tracking number for its `n`-th parcel (n from 0): `LB`, 10 digits that are a permutation of
 * n, and a Luhn check digit. Distinct for every n below 10^10.
 *
 * @example hubTrackingNumber(0) // 'LB12345678918'
 */
export function hubTrackingNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n >= SERIAL_SPACE)
    throw new RangeError(`a hub serial is 0 to ${SERIAL_SPACE - 1}, got ${n}`);
  const serial = ((BigInt(n) * MULTIPLIER + OFFSET) % BigInt(SERIAL_SPACE)).toString().padStart(10, '0');
  return `LB${serial}${luhnCheckDigit(serial)}`;
}

/** Why a text is not a valid hub tracking number, or undefined when it is one. */
export function hubNumberProblem(text: string): string | undefined {
  const m = HUB_FORMAT.exec(text);
  if (!m) return 'must be a hub tracking number: LB and 11 digits';
  if (luhnCheckDigit(m[1]!) !== Number(m[2])) return 'the check digit does not match';
  return undefined;
}

/** The kind of a tracking number, or why it is none (check digits included). */
export function classifyTrackingNumber(
  text: string,
):
  | { readonly kind: 'hub' | 's10'; readonly number: string }
  | { readonly kind: 'invalid'; readonly why: string } {
  const number = text.trim().toUpperCase().replace(/\s+/g, '');
  if (number.startsWith('LB') && /^LB\d+$/.test(number)) {
    const why = hubNumberProblem(number);
    return why === undefined ? { kind: 'hub', number } : { kind: 'invalid', why };
  }
  const why = s10Problem(number);
  return why === undefined
    ? { kind: 's10', number }
    : { kind: 'invalid', why: 'must be a hub tracking number (LB and 11 digits) or a UPU S10 number' };
}
