import { DAY_MS } from '../domain/days.ts';

export { DAY_MS };

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, by H. Hinnant's `days_from_civil`
 * (http://howardhinnant.github.io/date_algorithms.html): no Date object, no time zone.
 */
export function epochDayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (the caller has checked the format). */
export function epochDayFromDate(date: string): number {
  return epochDayFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

/** The `YYYY-MM-DD` date of a day number, by H. Hinnant's `civil_from_days`. */
export function dateFromEpochDay(epochDay: number): string {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${TWO_DIGITS[m]}-${TWO_DIGITS[d]}`;
}

/** Day of the week of a day number, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(epochDay: number): number {
  return (((epochDay + 3) % 7) + 7) % 7;
}

/** "00" … "59". */
export const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** `HH:MM:SS` of a second of the day, 0 ≤ s < 86 400. */
export function clockOfSecond(secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  return `${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[secondOfDay % 60]}`;
}

/** Minutes east of UTC of an offset written `+08:00` or `-03:30`. */
export function parseUtcOffset(text: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`not a UTC offset: ${text}`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** UTC offset in minutes of an IANA zone at an instant, from the ICU data of this Node build. */
function intlOffsetMinutes(format: Intl.DateTimeFormat, atMs: number): number {
  const part = format.formatToParts(atMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/.exec(part);
  if (!m) throw new RangeError(`unexpected zone offset text ${part}`);
  if (m[1] === undefined) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * The UTC offset of one IANA zone over a window of instants, exact to the minute across daylight-saving
 * changes, at the cost of one `Intl` call per day of the window (and a few per change) instead of one
 * per lookup. Assumes at most one change per UTC day, as in every zone today.
 */
export class ZoneOffsets {
  private readonly firstDay: number;
  /** Offset in ms at the start of each UTC day of the window, one more than the days. */
  private readonly atDayStart: Float64Array;
  /** Instant of the change within each day, or NaN. */
  private readonly changeAt: Float64Array;

  constructor(zone: string, fromMs: number, toMs: number) {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    this.firstDay = Math.floor(fromMs / DAY_MS);
    const days = Math.floor(toMs / DAY_MS) - this.firstDay + 1;
    this.atDayStart = new Float64Array(days + 1);
    this.changeAt = new Float64Array(days).fill(Number.NaN);
    for (let i = 0; i <= days; i++)
      this.atDayStart[i] = intlOffsetMinutes(format, (this.firstDay + i) * DAY_MS) * 60_000;
    for (let i = 0; i < days; i++) {
      if (this.atDayStart[i] === this.atDayStart[i + 1]) continue;
      // Binary search, by whole minutes, for the first minute with the new offset.
      let lo = 0;
      let hi = 1440;
      const before = this.atDayStart[i]!;
      const dayMs = (this.firstDay + i) * DAY_MS;
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if (intlOffsetMinutes(format, dayMs + mid * 60_000) * 60_000 === before) lo = mid;
        else hi = mid;
      }
      this.changeAt[i] = dayMs + hi * 60_000;
    }
  }

  /** Offset in milliseconds at an instant (clamped to the window). */
  offsetMs(atMs: number): number {
    const last = this.changeAt.length - 1;
    const i = Math.min(last, Math.max(0, Math.floor(atMs / DAY_MS) - this.firstDay));
    const change = this.changeAt[i]!;
    return atMs >= change ? this.atDayStart[i + 1]! : this.atDayStart[i]!;
  }
}
