import { describe, expect, it } from 'vitest';
import {
  clockOfSecond,
  DAY_MS,
  dateFromEpochDay,
  epochDayFromDate,
  parseUtcOffset,
  weekdayOfEpochDay,
  ZoneOffsets,
} from './calendar.ts';

/** Offset of a zone at an instant, read from the wall clock `Intl` shows (independent of `ZoneOffsets`). */
function wallClockOffsetMs(zone: string, atMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(atMs);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return wall - Math.floor(atMs / 60_000) * 60_000;
}

describe('calendar dates', () => {
  it('converts dates to day numbers and back like Date does', () => {
    for (let day = -800; day < 80_000; day += 37) {
      const iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
      expect(dateFromEpochDay(day)).toBe(iso);
      expect(epochDayFromDate(iso)).toBe(day);
    }
    expect(epochDayFromDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / DAY_MS);
  });

  it('names weekdays from Monday = 0', () => {
    expect(weekdayOfEpochDay(epochDayFromDate('2026-11-30'))).toBe(0);
    expect(weekdayOfEpochDay(epochDayFromDate('2026-12-06'))).toBe(6);
    expect(weekdayOfEpochDay(-1)).toBe(2);
  });

  it('formats clocks and parses offsets', () => {
    expect(clockOfSecond(0)).toBe('00:00:00');
    expect(clockOfSecond(86_399)).toBe('23:59:59');
    expect(clockOfSecond(9 * 3600 + 5 * 60 + 7)).toBe('09:05:07');
    expect(parseUtcOffset('+08:00')).toBe(480);
    expect(parseUtcOffset('-03:30')).toBe(-210);
    expect(() => parseUtcOffset('UTC+8')).toThrow(RangeError);
  });
});

describe('ZoneOffsets', () => {
  // Windows across daylight-saving changes: Europe and the US in March, Chile (changes at local
  // midnight), Adelaide (half-hour offset), and zones without changes.
  const cases: [string, string, number][] = [
    ['Europe/Berlin', '2026-03-25', 10],
    ['America/New_York', '2026-03-05', 10],
    ['America/Santiago', '2026-04-01', 10],
    ['America/Santiago', '2026-09-02', 10],
    ['Australia/Adelaide', '2026-03-30', 10],
    ['Asia/Kolkata', '2026-03-01', 3],
    ['Asia/Ho_Chi_Minh', '2026-12-01', 3],
  ];
  for (const [zone, from, days] of cases)
    it(`matches the wall clock of ${zone} every 7 minutes from ${from} over ${days} days`, () => {
      const fromMs = epochDayFromDate(from) * DAY_MS;
      const toMs = fromMs + days * DAY_MS;
      const table = new ZoneOffsets(zone, fromMs, toMs);
      const wrong: string[] = [];
      for (let t = fromMs; t < toMs; t += 7 * 60_000)
        if (table.offsetMs(t) !== wallClockOffsetMs(zone, t)) wrong.push(new Date(t).toISOString());
      expect(wrong).toEqual([]);
    });
});
