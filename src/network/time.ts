import { DAY_MS } from '../domain/days.ts';

/**
 * Wall-clock time in IANA zones without a date library: offsets come from Intl, cached per zone and
 * UTC hour, so expanding a year of departures costs a few thousand Intl calls at most.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Offset of `zone` from UTC at instant `atMs`, in minutes (Warsaw in winter: +60). */
export function zoneOffsetMinutes(zone: string, atMs: number): number {
  // Offsets change on whole quarter hours at most: cache per zone and UTC quarter hour.
  const bucket = Math.floor(atMs / (15 * MINUTE_MS));
  const key = `${zone}|${bucket}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts = formatterFor(zone).formatToParts(new Date(bucket * 15 * MINUTE_MS));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  const offset = Math.round((asUtc - bucket * 15 * MINUTE_MS) / MINUTE_MS);
  if (offsetCache.size > 200_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/**
 * The UTC instant of a wall-clock time in a zone. A time skipped by a DST jump (02:30 on a spring-forward
 * night) resolves to the same wall time shifted forward by the gap; a repeated time (autumn) resolves
 * to its first occurrence. `date` is YYYY-MM-DD, `time` HH:MM.
 */
export function zonedToUtcMs(date: string, time: string, zone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Try the offsets in force a day either side; the earlier matching candidate wins (first occurrence).
  const before = zoneOffsetMinutes(zone, wall - DAY_MS);
  const after = zoneOffsetMinutes(zone, wall + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((off) => wall - off * MINUTE_MS)
    .filter((utc) => wall - zoneOffsetMinutes(zone, utc) * MINUTE_MS === utc)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0]!;
  // In a gap: use the offset before the jump, which lands after the gap.
  return wall - before * MINUTE_MS;
}

/** The local calendar date (YYYY-MM-DD) at instant `atMs` in `zone`. */
export function localDate(atMs: number, zone: string): string {
  return new Date(atMs + zoneOffsetMinutes(zone, atMs) * MINUTE_MS).toISOString().slice(0, 10);
}

/** ISO 8601 local date-time with offset, e.g. 2026-12-03T10:00:00+08:00. */
export function toLocalIso(atMs: number, zone: string): string {
  const off = zoneOffsetMinutes(zone, atMs);
  const local = new Date(atMs + off * MINUTE_MS).toISOString().slice(0, 19);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${local}${sign}${String(Math.trunc(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Day of week of a YYYY-MM-DD date, 0 = Monday … 6 = Sunday. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return (day + 6) % 7;
}

/** The date `n` days after `date` (YYYY-MM-DD). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from date `a` to date `b` (YYYY-MM-DD), negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export { DAY_MS, HOUR_MS, MINUTE_MS };
