import { type AdditionalDuty, type DutyRuleBook, inForce, type Tariff, type VatRate } from './schema.ts';

/**
 * Lookups in a rule book: the duty rate of an HS code in a tariff table, the rate of an additional
 * duty, the VAT/GST rate of a line. All take the date, so a rate that changed answers with the value in
 * force that day; all pick the most specific entry (the longest matching HS prefix).
 */

/** Whether `hsCode` starts with one of `prefixes`; true when `prefixes` is undefined. */
export function hsMatches(hsCode: string, prefixes: readonly string[] | undefined): boolean {
  return prefixes === undefined || prefixes.some((p) => hsCode.startsWith(p));
}

/** Whether a line passes an `onlyHs` / `exceptHs` filter. */
export function passesHsFilter(
  hsCode: string,
  filter: {
    readonly onlyHs?: readonly string[] | undefined;
    readonly exceptHs?: readonly string[] | undefined;
  },
): boolean {
  if (filter.onlyHs && !hsMatches(hsCode, filter.onlyHs)) return false;
  if (filter.exceptHs?.some((p) => hsCode.startsWith(p))) return false;
  return true;
}

function longestMatch(hsCode: string, prefixes: readonly string[] | undefined): number {
  if (prefixes === undefined) return 0;
  let best = -1;
  for (const p of prefixes) if (hsCode.startsWith(p) && p.length > best) best = p.length;
  return best;
}

/** A tariff rate found for a line. */
export interface TariffMatch {
  readonly rateBp: number;
  /** The HS prefix of the entry that matched (a heading, subheading or national line). */
  readonly hsMatched: string;
  readonly sourceId: string;
  readonly note?: string;
}

/** The rate of `hsCode` in `tariff` on `date`: the in-force entry with the longest matching prefix. */
export function findTariffRate(tariff: Tariff, hsCode: string, date: string): TariffMatch | undefined {
  let best: (typeof tariff.rates)[number] | undefined;
  for (const r of tariff.rates) {
    if (!inForce(r, date) || !hsCode.startsWith(r.hs)) continue;
    if (!best || r.hs.length > best.hs.length) best = r;
  }
  if (!best) return undefined;
  return {
    rateBp: best.rate,
    hsMatched: best.hs,
    sourceId: best.source ?? tariff.source,
    ...(best.note ? { note: best.note } : {}),
  };
}

/** An additional duty's rate for a line, or undefined when the measure does not cover it that day. */
export function findAdditionalRate(
  duty: AdditionalDuty,
  hsCode: string,
  origin: string,
  date: string,
): (TariffMatch & { readonly matchLength: number; readonly mode: 'add' | 'top-up-to' }) | undefined {
  if (duty.origins && !duty.origins.includes(origin)) return undefined;
  if (duty.exceptOrigins?.includes(origin)) return undefined;
  let best: { entry: (typeof duty.rates)[number]; key: number; length: number } | undefined;
  for (const r of duty.rates) {
    if (!inForce(r, date)) continue;
    if (r.origins && !r.origins.includes(origin)) continue;
    const length = longestMatch(hsCode, r.hs);
    if (length < 0) continue;
    // A longer HS match wins; at equal length an origin-specific entry beats a general one.
    const key = length * 2 + (r.origins ? 1 : 0);
    if (!best || key > best.key) best = { entry: r, key, length };
  }
  if (!best) return undefined;
  const hsMatched = best.entry.hs?.find((p) => hsCode.startsWith(p) && p.length === best.length) ?? '';
  return {
    rateBp: best.entry.rate,
    hsMatched,
    sourceId: best.entry.source ?? duty.source,
    matchLength: best.length,
    mode: best.entry.mode ?? duty.mode,
    ...(best.entry.note ? { note: best.entry.note } : {}),
  };
}

/**
 * The VAT/GST rate for a line: among the book's rates in force on `date` for the country, an entry for
 * the line's HS code beats the standard rate, and an entry for the buyer's subdivision (province,
 * state) beats the country's.
 */
export function findVatRate(
  book: DutyRuleBook,
  country: string,
  subdivision: string | undefined,
  hsCode: string,
  date: string,
): VatRate | undefined {
  let best: { rate: VatRate; key: number } | undefined;
  for (const v of book.data.vatRates) {
    if (!inForce(v, date)) continue;
    if (v.countries && !v.countries.includes(country)) continue;
    if (v.subdivisions && (subdivision === undefined || !v.subdivisions.includes(subdivision))) continue;
    const hsLength = longestMatch(hsCode, v.hs);
    if (hsLength < 0) continue;
    const key = hsLength * 2 + (v.subdivisions ? 1 : 0);
    if (!best || key > best.key) best = { rate: v, key };
  }
  return best?.rate;
}
