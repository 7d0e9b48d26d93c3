import { describe, expect, it } from 'vitest';
import {
  arrivalMessages,
  type CebMessage,
  containerNumberOf,
  type DepartureManifest,
  departureMessages,
  listMessages,
  masterListMessages,
  orderMessages,
  paymentMessages,
  summaryMessages,
  waybillMessages,
  wrapInEnvelope,
} from '../src/customs/index.ts';
import { DXP_ENVELOPE_XSD, validateXml } from '../src/eport/xsd.ts';
import { conveyance, departure, hubProfile, sampleDeclarations } from './fixtures/customs.ts';

const ctx = { hub: hubProfile, nowMs: Date.parse('2026-12-02T08:00:00Z') };
const decls = sampleDeclarations(130);
const manifest: DepartureManifest = {
  departureId: departure.id,
  copNo: 'LBD0001',
  trafMode: conveyance.trafMode,
  trafName: conveyance.trafName,
  voyageNo: conveyance.voyageNo,
  billNo: conveyance.billNo,
  domesticTrafNo: conveyance.domesticTrafNo,
  departAtMs: conveyance.departAtMs,
  grossWeightG: decls.reduce((a, d) => a + d.list.grossWeightG, 0),
  parcels: decls.map((d) => ({
    parcelId: d.parcelId,
    logisticsNo: d.list.logisticsNo,
    containerNo: containerNumberOf(d.list.totalPackageNo!),
  })),
};

async function expectValid(messages: CebMessage[]) {
  const verdicts = await validateXml(messages.map((m, i) => ({ name: `${m.type}-${i}`, xml: m.xml })));
  for (const v of verdicts) expect(v.errors, v.name).toEqual([]);
  expect(verdicts.every((v) => v.valid)).toBe(true);
}

describe('generated CEB messages validate against the official 202205 XSD', () => {
  it('CEB303 orders, batched 100 a message', async () => {
    const m = orderMessages(decls, ctx);
    expect(m.map((x) => x.parcelIds.length)).toEqual([100, 30]);
    await expectValid(m);
  });
  it('CEB403 payment receipts', async () => expectValid(paymentMessages(decls, ctx)));
  it('CEB505 waybills', async () => expectValid(waybillMessages(decls, ctx)));
  it('CEB603 lists (9610)', async () => expectValid(listMessages(decls, ctx)));
  it('CEB607 master list, CEB507 arrival and CEB509 departure reports', async () => {
    await expectValid([
      ...masterListMessages(manifest, ctx),
      ...arrivalMessages(manifest, ctx),
      ...departureMessages(manifest, ctx),
    ]);
  });
  it('CEB701 summary requests', async () =>
    expectValid(
      summaryMessages(
        [
          {
            copNo: 'LBS1',
            ebcCode: '5001000001',
            ebcName: 'A',
            invtNos: ['80132026E000000001'],
            summaryFlag: '1',
            itemNameFlag: '1',
          },
        ],
        ctx,
      ),
    ));
  it('the DxpMsg envelope validates against the envelope schema and carries the message in Base64', async () => {
    const m = listMessages(decls.slice(0, 2), ctx)[0]!;
    const env = wrapInEnvelope(hubProfile, m, `${m.type}-${m.guid}`, ctx.nowMs);
    const [v] = await validateXml([{ name: 'envelope', xml: env }], DXP_ENVELOPE_XSD);
    expect(v!.errors).toEqual([]);
    expect(env).toContain('<dxp:MsgType>CEB603Message</dxp:MsgType>');
    expect(env).toContain('<dxp:CreatTime>2026-12-02T16:00:00</dxp:CreatTime>');
    const data = /<dxp:Data>([^<]+)</.exec(env)![1]!;
    expect(Buffer.from(data, 'base64').toString('utf8')).toContain(m.xml);
  });

  it('a message the schema refuses is reported with the reason', async () => {
    const m = listMessages(decls.slice(0, 1), ctx)[0]!;
    const broken = m.xml.replace(/<ceb:portCode>\d{4}<\/ceb:portCode>/, '<ceb:portCode>80131</ceb:portCode>');
    const [v] = await validateXml([{ name: 'broken', xml: broken }]);
    expect(v!.valid).toBe(false);
    expect(v!.errors.join('\n')).toMatch(/portCode/);
  });
});
