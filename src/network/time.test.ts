import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  isoWeekday,
  localDate,
  toLocalIso,
  zonedToUtcMs,
  zoneOffsetMinutes,
} from './time.ts';

describe('zone offsets', () => {
  it('knows Chongqing is UTC+8 all year', () => {
    expect(zoneOffsetMinutes('Asia/Shanghai', Date.parse('2026-01-15T00:00:00Z'))).toBe(480);
    expect(zoneOffsetMinutes('Asia/Shanghai', Date.parse('2026-07-15T00:00:00Z'))).toBe(480);
  });

  it('follows Warsaw across its 2026 DST changes', () => {
    expect(zoneOffsetMinutes('Europe/Warsaw', Date.parse('2026-03-29T00:59:00Z'))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Warsaw', Date.parse('2026-03-29T01:00:00Z'))).toBe(120);
    expect(zoneOffsetMinutes('Europe/Warsaw', Date.parse('2026-10-25T00:59:00Z'))).toBe(120);
    expect(zoneOffsetMinutes('Europe/Warsaw', Date.parse('2026-10-25T01:00:00Z'))).toBe(60);
  });
});

describe('zonedToUtcMs', () => {
  it('converts a Chongqing wall time', () => {
    expect(new Date(zonedToUtcMs('2026-12-03', '10:00', 'Asia/Shanghai')).toISOString()).toBe(
      '2026-12-03T02:00:00.000Z',
    );
  });

  it('keeps a Warsaw 10:00 departure at 10:00 local on both sides of DST', () => {
    expect(new Date(zonedToUtcMs('2026-03-28', '10:00', 'Europe/Warsaw')).toISOString()).toBe(
      '2026-03-28T09:00:00.000Z',
    );
    expect(new Date(zonedToUtcMs('2026-03-30', '10:00', 'Europe/Warsaw')).toISOString()).toBe(
      '2026-03-30T08:00:00.000Z',
    );
  });

  it('moves a time inside the spring gap forward, and picks the first of a repeated autumn hour', () => {
    // 02:30 does not exist in Warsaw on 2026-03-29: it becomes 03:30 CEST = 01:30Z.
    expect(new Date(zonedToUtcMs('2026-03-29', '02:30', 'Europe/Warsaw')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    // 02:30 happens twice on 2026-10-25: first at CEST (00:30Z).
    expect(new Date(zonedToUtcMs('2026-10-25', '02:30', 'Europe/Warsaw')).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('handles a negative offset zone across the US change', () => {
    expect(new Date(zonedToUtcMs('2026-11-02', '08:00', 'America/Los_Angeles')).toISOString()).toBe(
      '2026-11-02T16:00:00.000Z',
    );
    expect(new Date(zonedToUtcMs('2026-10-30', '08:00', 'America/Los_Angeles')).toISOString()).toBe(
      '2026-10-30T15:00:00.000Z',
    );
  });
});

describe('calendar helpers', () => {
  it('formats local ISO times with the offset', () => {
    expect(toLocalIso(Date.parse('2026-12-03T02:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-03T10:00:00+08:00');
    expect(toLocalIso(Date.parse('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(
      '2026-07-01T08:00:00-04:00',
    );
  });

  it('gives the local date, weekdays and day arithmetic', () => {
    expect(localDate(Date.parse('2026-12-02T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-03');
    expect(isoWeekday('2026-11-23')).toBe(0);
    expect(isoWeekday('2026-11-29')).toBe(6);
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3);
  });
});
