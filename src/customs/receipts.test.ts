import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { outcomeOfStatus, parseReceipt } from './receipts.ts';

const sample = (type: string) =>
  readFileSync(new URL(`../../test/fixtures/customs/${type}.xml`, import.meta.url), 'utf8');

describe('receipts: the official samples parse', () => {
  const kinds = {
    CEB304Message: ['order', 'orderNo'],
    CEB404Message: ['payment', 'orderNo'],
    CEB506Message: ['waybill', 'logisticsNo'],
    CEB508Message: ['arrival', 'copNo'],
    CEB510Message: ['departure', 'copNo'],
    CEB604Message: ['list', 'invtNo'],
    CEB606Message: ['cancel', 'invtNo'],
    CEB608Message: ['master-list', 'billNo'],
    CEB702Message: ['summary', 'copNo'],
  } as const;
  for (const [type, [kind, key]] of Object.entries(kinds)) {
    it(`${type} → ${kind} entries with their keys, status and time`, () => {
      const r = parseReceipt(sample(type));
      if (!r.ok) throw new Error(r.why);
      expect(r.type).toBe(type);
      if (!('entries' in r)) throw new Error('no entries');
      expect(r.entries.length).toBeGreaterThan(0);
      for (const e of r.entries) {
        expect(e.kind).toBe(kind);
        expect(e.keys[key]).toBeTruthy();
        expect(e.outcome).toBe(outcomeOfStatus(e.returnStatus));
        expect(e.atMs).toBeGreaterThan(Date.parse('2018-01-01'));
      }
    });
  }

  it('CEB792 → declarations with the list lines they hold (for tax refunds)', () => {
    const r = parseReceipt(sample('CEB792Message'));
    if (!r.ok || !('results' in r)) throw new Error('not a summary result');
    const first = r.results[0]!;
    expect(first.sumNo).toBe('S20180507000000001');
    expect(first.declSeqNo).toBe('S20180508000000001');
    expect(first.lines.map((l) => [l.invtNo, l.gnum, l.gcode])).toEqual([
      ['Invt20180507000001', 1, '8541401000'],
      ['Invt20180507000001', 2, '8541401001'],
    ]);
  });
});

describe('receipt statuses', () => {
  it('map to outcomes', () => {
    expect(
      ['1', '2', '3', '4', '100', '120', '300', '500', '399', '800', '899', '-301010', '42'].map(
        outcomeOfStatus,
      ),
    ).toEqual([
      'stored',
      'declaring',
      'sent',
      'send-failed',
      'rejected',
      'accepted',
      'manual-review',
      'inspection',
      'concluded',
      'released',
      'cleared',
      'error',
      'unknown',
    ]);
  });

  it('a receipt inside a DxpMsg envelope is read from its Base64 data', () => {
    const data = Buffer.from(sample('CEB604Message').replace(/^\uFEFF/, '')).toString('base64');
    const wrapped = `<dxp:DxpMsg xmlns:dxp="http://www.chinaport.gov.cn/dxp" ver="1.0"><dxp:TransInfo><dxp:MsgType>CEB604Message</dxp:MsgType></dxp:TransInfo><dxp:Data>${data}</dxp:Data></dxp:DxpMsg>`;
    const r = parseReceipt(wrapped);
    expect(r.ok && r.type).toBe('CEB604Message');
  });

  it('broken receipts say why', () => {
    expect(parseReceipt('<ceb:CEB604Message')).toMatchObject({ ok: false });
    expect(parseReceipt('<CEB999Message guid="x"/>')).toEqual({
      ok: false,
      why: 'CEB999Message is not a receipt Landbridge reads',
    });
    const noStatus = sample('CEB604Message').replace(/<ceb:returnStatus>2<\/ceb:returnStatus>/, '');
    expect(parseReceipt(noStatus)).toEqual({
      ok: false,
      why: 'CEB604Message InventoryReturn 1: returnStatus missing',
    });
    const badTime = sample('CEB506Message').replace(/<ceb:returnTime>\d+</, '<ceb:returnTime>yesterday<');
    expect(parseReceipt(badTime)).toMatchObject({
      ok: false,
      why: expect.stringMatching(/returnTime "yesterday"/),
    });
  });
});
