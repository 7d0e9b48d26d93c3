import { z } from 'zod';
import { MAX_YEAR, MIN_YEAR } from './bounds.ts';

/**
 * The ISO 3166-1 alpha-2 codes officially assigned (249), as `data/customs/countries.csv` lists them (a
 * test keeps the two equal). A code outside (XX, QQ, UK, EU) is refused where it enters.
 */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS ' +
    'BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE ' +
    'EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM ' +
    'HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC ' +
    'LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA ' +
    'NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO ' +
    'TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/**
 * Two upper-case letters, the shape of an ISO 3166-1 alpha-2 code, whether assigned or not: for the
 * hub's own rule files, whose tests use user-assigned codes (XA) as fictional countries.
 */
export const CountryCodeShapeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE');

/** ISO 3166-1 alpha-2 country code, upper case, one that is assigned (XX and QQ are refused). */
export const CountrySchema = CountryCodeShapeSchema.refine(
  (code) => !/^[A-Z]{2}$/.test(code) || COUNTRY_CODES.has(code),
  {
    error: (issue) => `${String(issue.input)} is not an ISO 3166-1 country code`,
  },
);
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

/** Whether `date` (YYYY-MM-DD) is a real calendar date (no 2026-02-30) in years MIN_YEAR–MAX_YEAR. */
export function isCalendarDate(date: string): boolean {
  const known = calendarDates.get(date);
  if (known !== undefined) return known;
  let ok = /^\d{4}-\d{2}-\d{2}$/.test(date);
  if (ok) {
    const year = Number(date.slice(0, 4));
    const ms = Date.parse(`${date}T00:00:00Z`);
    ok =
      year >= MIN_YEAR &&
      year <= MAX_YEAR &&
      !Number.isNaN(ms) &&
      new Date(ms).toISOString().startsWith(date);
  }
  // Batches repeat a few dates thousands of times: remember the answers (a bounded memo).
  if (calendarDates.size >= 4_096) calendarDates.clear();
  calendarDates.set(date, ok);
  return ok;
}

const calendarDates = new Map<string, boolean>();

/** A calendar date, YYYY-MM-DD, a real one (2026-02-30 is refused, not rolled over), in 1970–2100. */
export const DateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, {
    message: `is not a real calendar date between ${MIN_YEAR} and ${MAX_YEAR}`,
  });

/** Whether an ISO 8601 instant names a real date and time in years MIN_YEAR–MAX_YEAR. */
export function isBoundedInstant(text: string): boolean {
  return isCalendarDate(text.slice(0, 10)) && !Number.isNaN(Date.parse(text));
}

/** An ISO 8601 instant with an offset or Z, e.g. 2026-12-03T10:00:00+08:00, in 1970–2100. */
export const InstantSchema = z.iso
  .datetime({ offset: true })
  .refine(isBoundedInstant, { message: `must be a real instant between ${MIN_YEAR} and ${MAX_YEAR}` });

/** A wall-clock time HH:MM (24 h). */
export const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM');

/** A stable identifier: lower-case letters, digits and dashes. */
export const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');
