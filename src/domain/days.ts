/** Milliseconds in a day (UTC days: no daylight saving). */
export const DAY_MS = 86_400_000;

/** The ISO date (`YYYY-MM-DD`) of a day counted from 1970-01-01 (day 0), in UTC. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
