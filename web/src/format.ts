/**
 * Numbers, money and dates as the reader expects them: the user's locale, amounts in their currency
 * with its minor unit, instants in the time zone of the place they happen.
 */

/** ISO 4217 minor-unit exponents; 2 for any currency not listed. */
const EXPONENTS: Readonly<Record<string, number>> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
};

/** Minor-unit exponent of an ISO 4217 currency: 0 for JPY/KRW/VND/CLP, 2 for most. */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** Currencies a user can choose to see amounts in. */
export const DISPLAY_CURRENCIES = [
  'CNY',
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'KRW',
  'PLN',
  'HUF',
  'SGD',
  'VND',
] as const;

/** `formatMoney(123456, 'USD', 'en')` is "$1,234.56"; `formatMoney(1500, 'JPY', 'en')` is "¥1,500". */
export function formatMoney(amountMinor: number, currency: string, locale: string, compact = false): string {
  const exp = currencyExponent(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: compact ? 0 : exp,
    maximumFractionDigits: compact ? 1 : exp,
    ...(compact ? { notation: 'compact' as const } : {}),
  }).format(amountMinor / 10 ** exp);
}

/** Major units of a minor amount, for charts (never for sums: keep minor units there). */
export function toMajor(amountMinor: number, currency: string): number {
  return amountMinor / 10 ** currencyExponent(currency);
}

/** Parses a decimal typed by a user into minor units without floating point; undefined when invalid. */
export function parseMajor(text: string, currency: string): number | undefined {
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const exp = currencyExponent(currency);
  const frac = m[2] ?? '';
  if (frac.length > exp) return undefined;
  return Number(m[1]) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0');
}

export function formatNumber(n: number, locale: string, digits = 0): string {
  return new Intl.NumberFormat(locale, {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(n);
}

export function formatPercent(ratio: number, locale: string, digits = 1): string {
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(ratio);
}

/** Kilograms from grams, e.g. "1,234.5 kg". */
export function formatKg(grams: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilogram', maximumFractionDigits: 1 }).format(
    grams / 1000,
  );
}

/**
 * An instant (ISO 8601 with offset) as a date and time in `zone`, with the zone's short name:
 * "3 Dec 2026, 10:00 GMT+8".
 */
export function formatInstant(iso: string, zone: string | undefined, locale: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(zone ? { timeZone: zone } : {}),
    timeZoneName: 'short',
  }).format(ms);
}

/** A calendar date (YYYY-MM-DD) in the locale's words, read as that date wherever the reader is. */
export function formatDate(date: string, locale: string): string {
  const ms = Date.parse(`${date}T12:00:00Z`);
  if (Number.isNaN(ms)) return date;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(ms);
}

/** Today's date (YYYY-MM-DD) in `zone`. */
export function todayIn(zone: string, nowMs = Date.now()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(nowMs);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** `addDays('2026-12-31', 1)` is "2027-01-01". */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The offset of `zone` at `date` noon as "+08:00", for building local instants. */
export function zoneOffset(zone: string, date: string): string {
  const ms = Date.parse(`${date}T12:00:00Z`);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    timeZoneName: 'longOffset',
  }).formatToParts(ms);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00';
}

/** A country's name in the locale ("DE" → "Germany" / "德国"). */
export function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A local wall-clock time without offset ("2026-11-25T13:30", as in departure ids) in the locale's words. */
export function formatWallTime(local: string, locale: string): string {
  const ms = Date.parse(`${local}:00Z`);
  if (Number.isNaN(ms)) return local;
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
  }).format(ms);
}

/** A change of an amount with its sign: "+$1,234.56", "−$41,939.00", "$0.00". */
export function formatSignedMoney(amountMinor: number, currency: string, locale: string): string {
  const exp = currencyExponent(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exp,
    maximumFractionDigits: exp,
    signDisplay: 'exceptZero',
  }).format(amountMinor / 10 ** exp);
}

/** The short name of a zone at an instant, e.g. "GMT+8" for Asia/Shanghai in English. */
export function zoneName(zone: string, locale: string, ms = Date.now()): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }).formatToParts(ms);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

/** An instant as date and time in `zone` without the zone's name (the table header names it). */
export function formatInZone(iso: string, zone: string, locale: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(locale, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: zone,
  }).format(ms);
}

/** A plan's id as people read it: "c3b1a2d4" for "plan-c3b1a2d4-…". */
export function shortPlanId(id: string): string {
  return id.replace(/^plan-/, '').slice(0, 8);
}
