import { z } from 'zod';

/** ISO 3166-1 alpha-2 country code, upper case. */
export const CountrySchema = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE');
export type Country = z.infer<typeof CountrySchema>;

/** Harmonized System code: 6 digits (the international subheading), optionally national digits up to 10. */
export const HsCodeSchema = z
  .string()
  .regex(/^\d{6}(\d{2}){0,2}$/, 'must be a 6, 8 or 10 digit HS code without dots, such as 610910');

/** UN number of a dangerous good, e.g. UN3481 (lithium-ion batteries contained in equipment). */
export const UnNumberSchema = z.string().regex(/^UN\d{4}$/, 'must be a UN number such as UN3481');

/** UN/LOCODE: country plus three letters or digits 2-9, e.g. CNCKG. */
export const LocodeSchema = z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'must be a UN/LOCODE such as CNCKG');

/** IATA airport code, e.g. CKG. */
export const IataSchema = z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter IATA code such as CKG');

const zoneCache = new Map<string, boolean>();

/** Whether this Node build's Intl knows `zone` (current and legacy names alike, e.g. Asia/Ho_Chi_Minh). */
export function isKnownTimeZone(zone: string): boolean {
  let known = zoneCache.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = zone.length > 0;
    } catch {
      known = false;
    }
    zoneCache.set(zone, known);
  }
  return known;
}

/** An IANA time zone name, e.g. Asia/Shanghai. */
export const TimeZoneSchema = z
  .string()
  .refine(isKnownTimeZone, { message: 'must be an IANA time zone such as Asia/Shanghai' });

/** A calendar date, YYYY-MM-DD. */
export const DateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'is not a real calendar date',
    },
  );

/** An ISO 8601 instant with an offset or Z, e.g. 2026-12-03T10:00:00+08:00. */
export const InstantSchema = z.iso.datetime({ offset: true });

/** A wall-clock time HH:MM (24 h). */
export const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM');

/** A stable identifier: lower-case letters, digits and dashes. */
export const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');
