import { describe, expect, it } from 'vitest';
import {
  codes,
  conveyance,
  hubProfile,
  sampleDeclarations,
  sampleParcels,
} from '../../test/fixtures/customs.ts';
import { buildDeclaration, type ParcelDeclaration, type ParcelReferences } from './documents.ts';
import { type MatchingRule, matchDeclaration, matchDeclarations } from './matching.ts';
import { deriveSellerProfile } from './profiles.ts';

const clean = sampleDeclarations(40);
const first = clean[0]!;
const id = first.parcelId;

function planted(refs: ParcelReferences): ParcelDeclaration {
  return sampleDeclarations(40, { [id]: refs })[0]!;
}

function only(d: ParcelDeclaration, rule: MatchingRule) {
  const r = matchDeclaration(d);
  expect(r.ok).toBe(false);
  expect(new Set(r.mismatches.map((m) => m.rule))).toEqual(new Set([rule]));
  return r.mismatches;
}

describe('three-document matching', () => {
  it("the hub's own documents of generated parcels all match", () => {
    const r = matchDeclarations(clean);
    expect(r.mismatched).toBe(0);
    expect(r.matched).toBe(40);
  });

  it('a different order number is caught with the field and both values', () => {
    const ms = matchDeclaration(planted({ orderNo: 'AE0000000000000001' })).mismatches;
    const m = ms.find((x) => x.rule === 'order-no');
    expect(m).toMatchObject({
      parcelId: id,
      document: 'order',
      field: 'order.orderNo',
      expected: first.list.orderNo,
      actual: 'AE0000000000000001',
    });
  });

  it('the payment names the same order: a different order number breaks both order and payment keys', () => {
    const r = matchDeclaration(planted({ orderNo: 'X-1' }));
    expect(r.mismatches.map((m) => m.field).sort()).toEqual(['order.orderNo', 'payment.orderNo']);
  });

  it('a different goods value is caught', () => {
    const value = first.order.goodsValueMinor + 100;
    const ms = matchDeclaration(planted({ orderGoodsValueMinor: value, payChargeMinor: value })).mismatches;
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatchObject({
      rule: 'order-value',
      field: 'order.goodsValue',
      actual: (value / 100).toString(),
    });
    expect(Number(ms[0]!.expected) * 100).toBeCloseTo(first.order.goodsValueMinor);
  });

  it('a payment amount other than goods value + freight is caught', () => {
    const [m] = only(planted({ payChargeMinor: 1 }), 'payment-value');
    expect(m).toMatchObject({ field: 'payment.charge', actual: '0.01' });
  });

  it('a payment in another currency is caught', () => {
    const other = first.order.currency === 'EUR' ? 'USD' : 'EUR';
    only(planted({ payCurrency: other }), 'payment-value');
  });

  it('a payment for another enterprise is caught', () => {
    const [m] = only(planted({ payEbcCode: '5001999999' }), 'payment-order');
    expect(m).toMatchObject({ field: 'payment.ebcCode', expected: first.list.ebcCode, actual: '5001999999' });
  });

  it('a different waybill number is caught', () => {
    const [m] = only(planted({ waybillNo: 'LBX000000000000' }), 'waybill-no');
    expect(m).toMatchObject({
      field: 'waybill.logisticsNo',
      expected: first.list.logisticsNo,
      actual: 'LBX000000000000',
    });
  });

  it('a different logistics company is caught', () => {
    only(planted({ waybillLogisticsCode: '1105910159' }), 'waybill-no');
  });

  it('a different enterprise code on the order is caught', () => {
    const [m] = only(planted({ orderEbcCode: '91500000MA5U000000' }), 'order-enterprise');
    expect(m).toMatchObject({
      field: 'order.ebcCode',
      expected: first.list.ebcCode,
      actual: '91500000MA5U000000',
    });
  });

  it('a different platform code is caught', () => {
    only(planted({ orderEbpCode: '1105910159' }), 'order-platform');
  });

  it('an order in another currency is caught', () => {
    const other = first.order.currency === 'EUR' ? 'USD' : 'EUR';
    const ms = matchDeclaration(planted({ orderCurrency: other })).mismatches;
    expect(ms.map((m) => m.field)).toContain('order.currency');
  });

  it('a different gross weight on the waybill is caught', () => {
    const [m] = only(planted({ waybillGrossWeightG: first.list.grossWeightG + 500 }), 'waybill-weight');
    expect(m!.field).toBe('waybill.grossWeight');
  });

  it('an order line with another quantity, or missing, is caught by gnum', () => {
    const l = first.order.lines[0]!;
    const changed = {
      ...first,
      order: { ...first.order, lines: [{ ...l, qty: l.qty + 1 }, ...first.order.lines.slice(1)] },
    };
    expect(only(changed, 'order-lines').map((m) => m.field)).toEqual(['order.lines[1].qty']);
    const missing = { ...first, order: { ...first.order, lines: first.order.lines.slice(1) } };
    expect(only(missing, 'order-lines')[0]).toMatchObject({
      field: 'order.lines[1].gnum',
      actual: '(no such line)',
    });
  });

  it('a waybill for another enterprise is caught', () => {
    const changed = { ...first, waybill: { ...first.waybill, ebcCode: '5001000000' } };
    only(changed, 'waybill-enterprise');
  });

  it('a destination without a customs country code is reported before anything is sent', () => {
    const { parcels, sellers } = sampleParcels(1);
    const d = buildDeclaration({
      parcel: parcels[0]!,
      seller: deriveSellerProfile(sellers.find((s) => s.id === parcels[0]!.sellerId)!),
      hub: hubProfile,
      conveyance,
      codes: { country: (a2) => (a2 === parcels[0]!.consignee.country ? undefined : codes.country(a2)) },
    });
    expect(only(d, 'list-data')[0]!.field).toBe('list.consignee.country');
  });
});
