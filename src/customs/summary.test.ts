import { describe, expect, it } from 'vitest';
import { exportStatistics } from './statistics.ts';
import { planSummary, type ReleasedLine, summaryPeriod } from './summary.ts';

const at = (iso: string) => Date.parse(iso);
const line = (over: Partial<ReleasedLine>): ReleasedLine => ({
  parcelId: 'P1',
  copNo: 'C1',
  invtNo: '80132026E000000001',
  gnum: 1,
  ebcCode: '5001000001',
  ebcName: 'Exporter One',
  ownerCode: '5001000001',
  statisticsFlag: 'B',
  gcode: '6109100000',
  unit: '007',
  currency: 'USD',
  qty: 1,
  totalMinor: 1000,
  arrivalCountry: 'DE',
  destination: 'DE',
  trafMode: '3',
  portCode: '8013',
  releasedAtMs: at('2026-12-05T10:00:00+08:00'),
  ...over,
});

describe('summary period', () => {
  it('is the calendar month in China time by default, filed by the 15th of the next', () => {
    const p = summaryPeriod({ month: '2026-12' });
    expect(new Date(p.startMs).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(new Date(p.endMs).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(p.deadline).toBe('2027-01-15');
  });
  it('takes a cut-off day and a deadline day', () => {
    const p = summaryPeriod({ month: '2026-02', cutoffDay: 25, deadlineDay: 10 });
    expect(new Date(p.startMs).toISOString()).toBe('2026-01-25T16:00:00.000Z');
    expect(new Date(p.endMs).toISOString()).toBe('2026-02-25T16:00:00.000Z');
    expect(p.deadline).toBe('2026-03-10');
  });
});

describe('monthly summary of released lists', () => {
  const lines: ReleasedLine[] = [
    line({}),
    line({ parcelId: 'P2', invtNo: 'I2', gnum: 1, totalMinor: 500, qty: 2 }),
    line({ parcelId: 'P2', invtNo: 'I2', gnum: 2, gcode: '6403990000', totalMinor: 2500 }),
    line({ parcelId: 'P3', invtNo: 'I3', currency: 'EUR', totalMinor: 700 }),
    line({ parcelId: 'P4', invtNo: 'I4', trafMode: '5', arrivalCountry: 'BE' }),
    line({ parcelId: 'P5', invtNo: 'I5', ebcCode: '5001000002', ebcName: 'Exporter Two' }),
    line({ parcelId: 'P6', invtNo: 'I6', statisticsFlag: 'A' }),
    line({ parcelId: 'P7', invtNo: 'I7', releasedAtMs: at('2027-01-01T00:30:00+08:00') }),
  ];
  const plan = planSummary(lines, { month: '2026-12' }, (ebc, m) => `SUM-${ebc}-${m}`);

  it('groups by exporter, transport mode, arrival country and port, then by 10-digit code, unit and currency', () => {
    const summary = plan.declarations.map((d) => ({
      ebc: d.ebcCode,
      traf: d.trafMode,
      to: d.arrivalCountry,
      invt: d.invtNos,
      items: d.items.map((i) => [i.gseqno, i.gcode, i.currency, i.qty, i.totalMinor, i.lines.length]),
    }));
    expect(summary).toEqual([
      {
        ebc: '5001000001',
        traf: '3',
        to: 'DE',
        invt: ['80132026E000000001', 'I2', 'I3'],
        items: [
          [1, '6109100000', 'EUR', 1, 700, 1],
          [2, '6109100000', 'USD', 3, 1500, 2],
          [3, '6403990000', 'USD', 1, 2500, 1],
        ],
      },
      { ebc: '5001000001', traf: '5', to: 'BE', invt: ['I4'], items: [[1, '6109100000', 'USD', 1, 1000, 1]] },
      { ebc: '5001000002', traf: '3', to: 'DE', invt: ['I5'], items: [[1, '6109100000', 'USD', 1, 1000, 1]] },
    ]);
    expect(plan.declarations[0]!.totals).toEqual({ EUR: 700, USD: 4000 });
  });

  it('asks for one CEB701 per exporter naming its lists', () => {
    expect(plan.requests.map((r) => [r.copNo, r.ebcCode, r.invtNos])).toEqual([
      ['SUM-5001000001-2026-12', '5001000001', ['80132026E000000001', 'I2', 'I3', 'I4']],
      ['SUM-5001000002-2026-12', '5001000002', ['I5']],
    ]);
  });

  it('leaves out simplified (A) lists and lists released outside the period, saying why', () => {
    expect(plan.excluded).toEqual([
      { invtNo: 'I6', parcelId: 'P6', why: 'statisticsFlag A: simplified list, not summarised' },
      { invtNo: 'I7', parcelId: 'P7', why: 'released outside the period' },
    ]);
  });

  it('with summaryFlag 2 separates producers', () => {
    const two = planSummary(
      [line({}), line({ parcelId: 'P9', invtNo: 'I9', ownerCode: '5001000009' })],
      { month: '2026-12', summaryFlag: '2' },
      () => 'S',
    );
    expect(two.declarations).toHaveLength(2);
    expect(
      planSummary(
        [line({}), line({ parcelId: 'P9', invtNo: 'I9', ownerCode: '5001000009' })],
        { month: '2026-12' },
        () => 'S',
      ).declarations,
    ).toHaveLength(1);
  });
});

describe('export statistics from released lists', () => {
  it('sums value by destination, HS chapter, corridor and month in the report currency', () => {
    const s = exportStatistics(
      [
        { ...line({}), corridor: 'cr-express' },
        {
          ...line({ parcelId: 'P2', destination: 'PL', gcode: '8517130000', totalMinor: 30000 }),
          corridor: 'air',
        },
        { ...line({ parcelId: 'P3', currency: 'EUR', totalMinor: 1000 }), corridor: 'cr-express' },
        { ...line({ parcelId: 'P4', currency: 'XXX', totalMinor: 5 }), corridor: 'air' },
      ],
      'USD',
      (minor, currency) =>
        currency === 'USD' ? minor : currency === 'EUR' ? Math.round(minor * 1.1) : undefined,
    );
    expect(s.reportValueMinor).toBe(1000 + 30000 + 1100);
    expect(s.unconverted).toBe(1);
    expect(s.by.destination.map((r) => [r.key, r.reportValueMinor])).toEqual([
      ['PL', 30000],
      ['DE', 2100],
    ]);
    expect(s.by.hsChapter.map((r) => [r.key, r.reportValueMinor])).toEqual([
      ['85', 30000],
      ['61', 2100],
    ]);
    expect(s.by.corridor.find((r) => r.key === 'cr-express')!.valueByCurrency).toEqual({
      USD: 1000,
      EUR: 1000,
    });
    expect(s.by.month.map((r) => r.key)).toEqual(['2026-12']);
  });
});
