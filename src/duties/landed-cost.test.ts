import { describe, expect, it } from 'vitest';
import type { ParcelItem } from '../domain/parcel.ts';
import { convert } from './fx.ts';
import { type LandedCostFailure, type LandedCostResult, landedCost } from './landed-cost.ts';
import { landedCostRequestForParcel } from './parcel.ts';
import { type LandedCostRequest, LandedCostRequestSchema } from './request.ts';
import { loadDutyRules, loadFx } from './rule-files.fixture.ts';
import { DutyComponentSchema, parseDutyRules } from './schema.ts';

const rules = loadDutyRules();
const fx = loadFx();

const item = (
  hsCode: string,
  unitValueMinor: number,
  currency: ParcelItem['currency'] = 'EUR',
  quantity = 1,
  originCountry = 'CN',
): ParcelItem => ({
  description: `item ${hsCode}`,
  hsCode,
  quantity,
  unitValueMinor,
  currency,
  originCountry,
});

function run(request: LandedCostRequest): LandedCostResult | LandedCostFailure {
  return landedCost(request, rules, fx);
}

function ok(request: LandedCostRequest): LandedCostResult {
  const r = run(request);
  if (!r.ok) throw new Error(`expected an answer, got ${r.kind}: ${r.message}`);
  return r;
}

const dutyMinor = (r: LandedCostResult) => r.totals.duty.minor;
const vatMinor = (r: LandedCostResult) => r.totals.vat.minor;

describe('EU: EUR 3 per distinct subheading from 2026-07-01 (worked examples)', () => {
  it('Glopal, France: two T-shirts and a pair of shoes = 2 x EUR 3 duty, and VAT 20 % on it is EUR 1.20', () => {
    const r = ok({
      destination: 'FR',
      date: '2026-11-24',
      items: [item('610910', 1000, 'EUR', 2), item('640411', 3000)],
      shippingMinor: 500,
    });
    expect(r.ruleSet.id).toBe('eu-2026-07-01');
    expect(r.tier.id).toBe('ioss');
    expect(r.duties).toHaveLength(1);
    expect(r.duties[0]).toMatchObject({
      kind: 'flat-per-subheading',
      count: 2,
      amount: { minor: 600 },
      payer: 'seller',
    });
    // VAT at checkout on price + delivery + duty: 20 % × (50.00 + 5.00 + 6.00); the part on the duty is 1.20.
    expect(vatMinor(r)).toBe(1220);
    expect(vatMinor(r) - Math.round(0.2 * 5500)).toBe(120);
    expect(r.vat[0]?.collector).toBe('seller-at-sale');
  });

  it.each([
    ['Baker McKenzie: 5 T-shirts = one item = EUR 3', [item('610910', 800, 'EUR', 5)], 300],
    [
      'Baker McKenzie: 1 T-shirt + 1 watch = two items = EUR 6',
      [item('610910', 800), item('910211', 2500)],
      600,
    ],
    [
      'Council: one silk blouse and two wool blouses = two subheadings = EUR 6',
      [item('620610', 4000), item('620620', 3000, 'EUR', 2)],
      600,
    ],
  ])('%s', (_name, items, expected) => {
    expect(dutyMinor(ok({ destination: 'DE', date: '2026-07-01', items }))).toBe(expected);
  });

  it('counts lines of the same 6-digit subheading once, even with different national digits', () => {
    const r = ok({
      destination: 'DE',
      date: '2026-07-01',
      items: [item('61091000', 1000), item('6109100010', 1000)],
    });
    expect(r.duties[0]?.count).toBe(1);
  });
});

describe('EU: the standard regime over EUR 150 (multi-item parcel)', () => {
  // Laptop 0 %, textile handbag 3.7 %, leather shoes 8 %; shipping EUR 21 spread 120:50:40 → 12/5/4.
  const request: LandedCostRequest = {
    destination: 'DE',
    date: '2025-06-01',
    items: [item('847130', 12_000), item('420222', 5000), item('640399', 4000)],
    shippingMinor: 2100,
  };

  it('charges each line its tariff rate on its CIF share and VAT on value plus duty', () => {
    const r = ok(request);
    expect(r.tier.id).toBe('standard');
    expect(r.customsValue.minor).toBe(23_100);
    expect(r.items.map((i) => i.customsValue.minor)).toEqual([13_200, 5500, 4400]);
    expect(r.duties.map((d) => [d.hsCode, d.rate, d.amount.minor])).toEqual([
      ['847130', '0%', 0],
      ['420222', '3.7%', 204], // 55.00 × 3.7 % = 2.035 → 2.04 (half-up)
      ['640399', '8%', 352],
    ]);
    // VAT 19 % per line: 132.00 → 25.08; 57.04 → 10.8376 → 10.84; 47.52 → 9.0288 → 9.03.
    expect(vatMinor(r)).toBe(2508 + 1084 + 903);
    expect(r.duties.every((d) => d.source.id === 'eu-cct-assumption')).toBe(true);
  });

  it('puts import charges on the buyer at the door under DAP and on the seller under DDP', () => {
    const dap = ok(request);
    const ddp = ok({ ...request, incoterm: 'DDP' });
    expect(dap.totals.buyerAtDoor.minor).toBe(dap.totals.total.minor);
    expect(dap.totals.seller.minor).toBe(0);
    expect(ddp.totals.seller.minor).toBe(ddp.totals.total.minor);
    expect(ddp.totals.buyerAtDoor.minor).toBe(0);
  });

  it('answers in a second currency with lines that add up to the totals', () => {
    const r = ok({ ...request, currency: 'USD' });
    expect(r.answerCurrency).toBe('USD');
    const parts = r.totals.duty.answerMinor + r.totals.vat.answerMinor + r.totals.fees.answerMinor;
    expect(r.totals.total.answerMinor).toBe(parts);
    expect(r.totals.duty.answerMinor).toBe(r.duties.reduce((s, d) => s + d.amount.answerMinor, 0));
    // Each amount is converted at the ECB rate of the latest table on or before the date (2025-05-09).
    expect(r.fx[0]).toMatchObject({ from: 'EUR', to: 'USD', rate: '1.1252', tableDate: '2025-05-09' });
    const vat = convert(r.totals.vat.minor, 'EUR', 'USD', '2025-06-01', fx);
    expect(vat.ok && vat.minor).toBe(r.vat[0]?.amount.answerMinor);
  });

  it('converts items declared in several currencies, each currency total once', () => {
    // EUR 60.00 + USD 50.00 (= EUR 44.44 at 1.1252) = EUR 104.44: within EUR 150, IOSS.
    const r = ok({
      destination: 'DE',
      date: '2025-06-01',
      items: [item('610910', 6000, 'EUR'), item('611020', 5000, 'USD')],
      costsCurrency: 'EUR',
    });
    expect(r.goodsValue.minor).toBe(6000 + 4444);
    expect(r.tier.id).toBe('ioss');
    expect(r.totals.vat.minor).toBe(Math.round(0.19 * 10_444));
  });
});

describe('United Kingdom: GBP 135 (HMRC)', () => {
  it('up to GBP 135: no duty, 20 % VAT charged by the seller at checkout on price and delivery', () => {
    const r = ok({
      destination: 'GB',
      date: '2026-11-24',
      items: [item('610910', 13_500, 'GBP')],
      shippingMinor: 500,
    });
    expect(r.tier.id).toBe('low-value');
    expect(r.duties).toHaveLength(0);
    expect(r.vat[0]).toMatchObject({ rate: '20%', amount: { minor: 2800 }, collector: 'seller-at-sale' });
  });

  it('one penny over: duty at the UK Global Tariff rate and import VAT at the border', () => {
    const r = ok({
      destination: 'GB',
      date: '2026-11-24',
      items: [item('610910', 13_501, 'GBP')],
      shippingMinor: 500,
    });
    expect(r.tier.id).toBe('standard');
    expect(dutyMinor(r)).toBe(1680); // 12 % × 140.01
    expect(vatMinor(r)).toBe(3136); // 20 % × (140.01 + 16.80)
    expect(r.vat[0]?.collector).toBe('carrier-at-import');
  });

  it('adds the postal handling fee only where import charges are collected', () => {
    const high = ok({
      destination: 'GB',
      date: '2026-11-24',
      channel: 'postal',
      items: [item('610910', 20_000, 'GBP')],
    });
    const low = ok({
      destination: 'GB',
      date: '2026-11-24',
      channel: 'postal',
      items: [item('610910', 2000, 'GBP')],
    });
    expect(high.fees.map((f) => f.id)).toEqual(['royal-mail-handling']);
    expect(low.fees).toHaveLength(0);
  });
});

describe('United States: duties by origin, date and channel', () => {
  const tee = (
    date: string,
    origin = 'CN',
    value = 2000,
    channel: LandedCostRequest['channel'] = 'express',
  ) => ok({ destination: 'US', date, channel, items: [item('610910', value, 'USD', 1, origin)] });
  const lines = (r: LandedCostResult) => r.duties.map((d) => [d.ruleId, d.amount.minor]);

  it('2025-05-02: no de minimis for Chinese goods; MFN 16.5 %, Section 301 7.5 %, IEEPA 20 % and 125 %', () => {
    expect(lines(tee('2025-05-02'))).toEqual([
      ['us-hts', 330],
      ['us-301-china', 150],
      ['us-ieepa-fentanyl-china', 400],
      ['us-ieepa-reciprocal', 2500],
    ]);
  });

  it('Vietnamese goods keep the USD 800 de minimis until 2025-08-28, pay MFN and 20 % reciprocal from 2025-08-29', () => {
    expect(tee('2025-08-28', 'VN').tier.id).toBe('de-minimis');
    expect(lines(tee('2025-08-29', 'VN'))).toEqual([
      ['us-hts', 330],
      ['us-ieepa-reciprocal', 400],
    ]);
  });

  it('IEEPA duties end and the 10 % Section 122 surcharge starts on 2026-02-24; it ends on 2026-07-24', () => {
    expect(dutyMinor(tee('2026-02-23'))).toBe(330 + 150 + 200 + 200);
    expect(lines(tee('2026-02-24'))).toEqual([
      ['us-hts', 330],
      ['us-301-china', 150],
      ['us-s122', 200],
    ]);
    expect(dutyMinor(tee('2026-07-23'))).toBe(680);
    expect(dutyMinor(tee('2026-07-24'))).toBe(480);
    expect(tee('2026-07-24').ruleSet.sources[0]?.kind).toBe('assumption');
  });

  it('postal items pay the IEEPA rate instead of regular duties (EO 14324), then the Section 122 rate', () => {
    expect(lines(tee('2025-09-01', 'CN', 2000, 'postal'))).toEqual([
      ['us-ieepa-fentanyl-china', 400],
      ['us-ieepa-reciprocal', 200],
    ]);
    expect(lines(tee('2026-03-01', 'CN', 2000, 'postal'))).toEqual([['us-s122', 200]]);
    expect(tee('2025-06-01', 'CN', 2000, 'postal').tier.id).toBe('postal-china');
  });

  it('Section 301 on lithium-ion batteries rises from 7.5 % to 25 % on 2026-01-01', () => {
    const battery = (date: string) =>
      ok({ destination: 'US', date, items: [item('850760', 4000, 'USD')] }).duties.find(
        (d) => d.ruleId === 'us-301-china',
      );
    expect(battery('2025-12-31')?.rate).toBe('7.5%');
    expect(battery('2026-01-01')).toMatchObject({ rate: '25%', amount: { minor: 1000 } });
  });

  it('Section 301 on solar modules rises from 25 % to 50 % on 2024-09-27', () => {
    const solar = (date: string) =>
      ok({ destination: 'US', date, items: [item('854143', 100_000, 'USD')] }).duties.find(
        (d) => d.ruleId === 'us-301-china',
      );
    expect(solar('2024-09-26')?.rate).toBe('25%');
    expect(solar('2024-09-27')?.rate).toBe('50%');
  });

  it('EU-origin goods pay the reciprocal duty only up to 15 % all-in', () => {
    const r = ok({
      destination: 'US',
      date: '2025-09-01',
      items: [item('950300', 10_000, 'USD', 1, 'DE'), item('610910', 10_000, 'USD', 1, 'DE')],
    });
    const reciprocal = r.duties.filter((d) => d.ruleId === 'us-ieepa-reciprocal');
    expect(reciprocal.map((d) => [d.hsCode, d.rate, d.amount.minor])).toEqual([
      ['950300', '15%', 1500],
      ['610910', '0%', 0],
    ]);
  });

  it('Section 232 auto parts exclude the reciprocal duty but stack with Section 301 and the fentanyl duty', () => {
    const r = ok({ destination: 'US', date: '2025-09-01', items: [item('870830', 10_000, 'USD')] });
    expect(lines(r)).toEqual([
      ['us-hts', 250],
      ['us-232-auto-parts', 2500],
      ['us-301-china', 2500],
      ['us-ieepa-fentanyl-china', 2000],
    ]);
  });

  it('charges the informal-entry processing fee on non-postal entries', () => {
    expect(tee('2026-11-24').fees.map((f) => [f.id, f.amount.minor])).toEqual([
      ['us-mpf-informal-fy2026', 269],
    ]);
  });

  it('dates the informal-entry processing fee by US fiscal year (1 October): 2.37, 2.53, 2.62, 2.69', () => {
    // Above the USD 800 de minimis before 2025, so the consignment is entered and pays the fee.
    const mpf = (date: string) => {
      const r = ok({ destination: 'US', date, items: [item('610910', 100_000, 'USD')] });
      return r.fees.map((f) => [f.id, f.amount.minor]);
    };
    expect(mpf('2023-09-30')).toEqual([['us-mpf-informal-fy2023', 237]]);
    expect(mpf('2023-10-01')).toEqual([['us-mpf-informal-fy2024', 253]]);
    expect(mpf('2024-09-30')).toEqual([['us-mpf-informal-fy2024', 253]]);
    expect(mpf('2024-10-01')).toEqual([['us-mpf-informal-fy2025', 262]]);
    expect(mpf('2025-09-30')).toEqual([['us-mpf-informal-fy2025', 262]]);
    expect(mpf('2025-10-01')).toEqual([['us-mpf-informal-fy2026', 269]]);
    const fy2026 = ok({ destination: 'US', date: '2025-10-01', items: [item('610910', 100_000, 'USD')] });
    expect(fy2026.fees[0]?.source.url).toContain('FR-2025-07-23');
  });
});

describe('Japan: 60 % personal-use value, designated articles, whole-yen rounding', () => {
  it('exempts a handbag whose customs value is exactly JPY 10,000 (15,000 × 60 % + 1,000 freight)', () => {
    const r = ok({
      destination: 'JP',
      date: '2026-11-24',
      items: [item('420222', 15_000, 'JPY')],
      shippingMinor: 1000,
    });
    expect(r.customsValue.minor).toBe(10_000);
    expect(r.tier.id).toBe('small-value');
    expect(r.totals.total.minor).toBe(0);
  });

  it('taxes a knitted T-shirt even under JPY 10,000: 7.4 % of 7,000 = 518 → 500; tax 10 % of 7,500 → 7,000 → 700', () => {
    const r = ok({
      destination: 'JP',
      date: '2026-11-24',
      items: [item('610910', 10_000, 'JPY')],
      shippingMinor: 1000,
    });
    expect(r.tier.id).toBe('small-value');
    expect(dutyMinor(r)).toBe(500);
    expect(vatMinor(r)).toBe(700);
  });

  it('one yen over JPY 10,000: duty 8 % of 32,000 = 2,560 → 2,500; tax 10 % of 34,500 → 34,000 → 3,400', () => {
    const over = ok({
      destination: 'JP',
      date: '2026-11-24',
      items: [item('420222', 15_000, 'JPY')],
      shippingMinor: 1001,
    });
    expect(over.tier.id).toBe('standard');
    const r = ok({
      destination: 'JP',
      date: '2026-11-24',
      items: [item('420222', 50_000, 'JPY')],
      shippingMinor: 2000,
    });
    expect(r.customsValue.minor).toBe(32_000);
    expect(dutyMinor(r)).toBe(2500);
    expect(vatMinor(r)).toBe(3400);
  });
});

describe('Brazil: Remessa Conforme with ICMS "por dentro"', () => {
  it('BRL 250.00 CIF (about USD 44): import tax 20 % = 50.00; ICMS 17 % of 300.00 / 0.83 = 61.45', () => {
    const r = ok({
      destination: 'BR',
      subdivision: 'BR-SP',
      date: '2026-11-24',
      items: [item('610910', 23_000, 'BRL')],
      shippingMinor: 2000,
    });
    expect(r.tier.id).toBe('certified-up-to-50');
    expect(dutyMinor(r)).toBe(5000);
    expect(r.vat[0]).toMatchObject({
      rate: '17%',
      grossUp: true,
      amount: { minor: 6145 },
      collector: 'seller-at-sale',
    });
  });

  it('exactly USD 50.00 CIF is taxed at 20 %; USD 50.01 at 60 % less USD 20', () => {
    const at = ok({
      destination: 'BR',
      date: '2026-11-24',
      items: [item('610910', 4500, 'USD')],
      shippingMinor: 500,
    });
    const over = ok({
      destination: 'BR',
      date: '2026-11-24',
      items: [item('610910', 4501, 'USD')],
      shippingMinor: 500,
    });
    expect(at.tier.id).toBe('certified-up-to-50');
    expect(at.duties[0]?.rate).toBe('20%');
    expect(over.tier.id).toBe('certified-up-to-3000');
    expect(over.duties[0]).toMatchObject({ rate: '60%' });
    expect(over.duties[0]?.note).toBe('60% of the base less USD 20.00 deducted from the duty');
    // The tax is continuous at USD 50: 20 % of 50.00 is USD 10.00, 60 % of 50.01 less 20 is USD 10.006.
    const jump = dutyMinor(over) - dutyMinor(at);
    expect(jump).toBeGreaterThanOrEqual(0);
    expect(jump).toBeLessThan(10);
  });

  it('USD 100 to São Paulo: import tax 60 % of the value less USD 20 of tax (Portaria MF 1.086/2024), ICMS on it', () => {
    const r = ok({
      destination: 'BR',
      subdivision: 'BR-SP',
      date: '2026-11-24',
      items: [item('610910', 10_000, 'USD')],
    });
    const value = convert(10_000, 'USD', 'BRL', '2026-11-24', fx);
    const deduction = convert(2_000, 'USD', 'BRL', '2026-11-24', fx);
    if (!value.ok || !deduction.ok) throw new Error('no USD/BRL rate');
    // BRL 565.65 at the table's 5.6565: 339.39 - 113.13 = 226.26 (not 60 % of 565.65 - 113.13 = 271.51).
    expect(value.minor).toBe(56_565);
    expect(dutyMinor(r)).toBe(Math.round(value.minor * 0.6) - deduction.minor);
    expect(dutyMinor(r)).toBe(22_626);
    // ICMS 17 % "por dentro" on customs value plus import tax: (565.65 + 226.26) / 0.83 × 0.17 = 162.20.
    expect(vatMinor(r)).toBe(Math.round(((56_565 + 22_626) / 0.83) * 0.17));
  });

  it('before 2024-08-01 there was no deduction: 60 % of the whole value above USD 50 (Portaria MF 612/2023)', () => {
    const before = ok({ destination: 'BR', date: '2024-07-31', items: [item('610910', 10_000, 'USD')] });
    const after = ok({ destination: 'BR', date: '2024-08-01', items: [item('610910', 10_000, 'USD')] });
    expect(before.ruleSet.id).toBe('br-2023-08-01');
    expect(before.tier.id).toBe('certified-up-to-3000');
    const v = (date: string, minor: number) => {
      const c = convert(minor, 'USD', 'BRL', date, fx);
      if (!c.ok) throw new Error('no USD/BRL rate');
      return c.minor;
    };
    expect(dutyMinor(before)).toBe(Math.round(v('2024-07-31', 10_000) * 0.6));
    expect(before.duties[0]?.note).toBeUndefined();
    expect(dutyMinor(after)).toBe(Math.round(v('2024-08-01', 10_000) * 0.6) - v('2024-08-01', 2_000));
  });

  it('refuses a rule file that deducts from the base: the deduction is from the tax', () => {
    const parsed = DutyComponentSchema.safeParse({
      kind: 'ad-valorem',
      name: 'II',
      rate: '60%',
      deduction: 'USD 20.00',
      source: 's',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/write deductedFromDuty/);
  });

  it('sends consignments over USD 3,000 to a formal import it does not model, saying so', () => {
    const r = run({ destination: 'BR', date: '2026-11-24', items: [item('847130', 300_001, 'USD')] });
    expect(r).toMatchObject({ ok: false, kind: 'outside-regime', ruleSetId: 'br-2024-08-01' });
  });
});

describe('EAEU personal imports (craneip.com examples)', () => {
  const ru = (date: string, valueEur: number, grossWeightG: number) =>
    ok({ destination: 'RU', date, items: [item('610910', valueEur, 'EUR')], grossWeightG, currency: 'EUR' });

  it('EUR 300 under 31 kg: 15 % of the EUR 100 over the limit = EUR 15', () => {
    const r = ru('2025-06-01', 30_000, 20_000);
    expect(r.tier.id).toBe('single-rate');
    expect(Math.abs(r.totals.duty.answerMinor - 1500)).toBeLessThanOrEqual(1);
  });

  it('EUR 150 at 35 kg: EUR 2 for each of the 4 kg over 31 kg = EUR 8', () => {
    const r = ru('2025-06-01', 15_000, 35_000);
    expect(Math.abs(r.totals.duty.answerMinor - 800)).toBeLessThanOrEqual(1);
  });

  it('exactly EUR 200 and 31 kg is duty-free', () => {
    expect(ru('2025-06-01', 20_000, 31_000).tier.id).toBe('duty-free');
    expect(ru('2025-06-01', 20_001, 31_000).tier.id).toBe('single-rate');
    expect(ru('2025-06-01', 20_000, 31_001).tier.id).toBe('single-rate');
  });

  it('needs the gross weight, and says so', () => {
    const r = run({ destination: 'RU', date: '2025-06-01', items: [item('610910', 1000)] });
    expect(r).toMatchObject({ ok: false, kind: 'missing-input', field: 'grossWeightG' });
  });

  it('does not model business imports', () => {
    const r = run({
      destination: 'KZ',
      date: '2025-06-01',
      saleType: 'b2b',
      items: [item('848210', 1000)],
      grossWeightG: 1000,
    });
    expect(r).toMatchObject({ ok: false, kind: 'outside-regime' });
  });
});

describe('Switzerland: import VAT of CHF 5 or less is not collected', () => {
  const ch = (value: number) =>
    ok({
      destination: 'CH',
      date: '2026-11-24',
      sellerRegisteredForScheme: false,
      items: [item('610910', value, 'CHF')],
    });

  it('CHF 61.00 gives VAT of 4.94: waived', () => {
    const r = ch(6100);
    expect(vatMinor(r)).toBe(0);
    expect(r.notes.join(' ')).toMatch(/not collected/);
  });

  it('CHF 62.00 gives VAT of 5.02: collected; no duty on industrial goods', () => {
    const r = ch(6200);
    expect(vatMinor(r)).toBe(502);
    expect(r.duties[0]).toMatchObject({ rate: '0%', hsMatched: '61' });
  });
});

describe('failures name what is missing', () => {
  it('an unknown destination', () => {
    const r = run({ destination: 'XX', date: '2026-11-24', items: [item('610910', 1000)] });
    expect(r).toMatchObject({ ok: false, kind: 'unknown-destination', destination: 'XX' });
    expect(!r.ok && r.message).toMatch(/no duty rules for destination XX/);
  });

  it('an HS code without a rate in the destination tariff: no guess', () => {
    const r = run({ destination: 'DE', date: '2026-11-24', items: [item('010121', 100_000)] });
    expect(r).toMatchObject({ ok: false, kind: 'unknown-hs-code', hsCode: '010121', table: 'eu-cct' });
    expect(!r.ok && r.message).toMatch(/no duty rate for HS 010121 \(heading 0101\).*eu-cct.*eu\.yaml/);
  });

  it('a date before the first rule set', () => {
    const r = run({ destination: 'CH', date: '2023-12-31', items: [item('610910', 1000, 'CHF')] });
    expect(r).toMatchObject({ ok: false, kind: 'no-rule-in-force', destination: 'CH', date: '2023-12-31' });
  });

  it('a date before the first FX table, when a conversion is needed', () => {
    const r = run({ destination: 'BR', date: '2023-08-15', items: [item('610910', 1000, 'USD')] });
    expect(r).toMatchObject({ ok: false, kind: 'missing-fx-rate', from: 'USD', date: '2023-08-15' });
  });
});

describe('a waiver floor on import charges (New Zealand style), on a small synthetic rule book', () => {
  const book = parseDutyRules([
    {
      file: 'xa.yaml',
      data: {
        destinations: ['XA'],
        name: 'Testland',
        sources: [{ id: 'law', title: 'Testland customs law', date: '2025-01-01', kind: 'official' }],
        tariffs: { t: { name: 'Testland tariff', source: 'law', rates: [{ hs: '61', rate: '10%' }] } },
        vatRates: [{ rate: '15%', source: 'law' }],
        fees: [
          {
            id: 'entry-fee',
            name: 'Entry fee',
            amount: 'NZD 30.00',
            per: 'consignment',
            collector: 'carrier-at-import',
            payer: 'incoterm',
            source: 'law',
            onlyIfCollectedAtImport: true,
          },
        ],
        ruleSets: [
          {
            id: 'xa-2025-01-01',
            name: 'Testland',
            validFrom: '2025-01-01',
            sources: ['law'],
            currency: 'NZD',
            valueBasis: 'FOB',
            tiers: [
              {
                id: 'standard',
                name: 'all',
                description: 'duty and GST, waived under NZD 60',
                duties: [{ kind: 'tariff', table: 't' }],
                vat: { kind: 'rate', base: ['customs-value', 'duty'], collector: 'carrier-at-import' },
                chargesWaivedBelow: 'NZD 60.00',
              },
            ],
          },
        ],
      },
    },
  ]);
  if (!book.ok) throw new Error(JSON.stringify(book.problems));
  const quote = (value: number) =>
    landedCost(
      { destination: 'XA', date: '2025-06-01', items: [item('610910', value, 'NZD')] },
      book.rules,
      fx,
    );

  it('waives duty and GST that total less than NZD 60, and charges no entry fee', () => {
    const r = quote(22_600); // duty 22.60, GST 15 % of 248.60 = 37.29: 59.89 in all
    expect(r.ok && r.totals.duty.minor + r.totals.vat.minor).toBe(0);
    expect(r.ok && r.totals.total.minor).toBe(0);
    expect(r.ok && r.notes.join(' ')).toMatch(/waived/);
  });

  it('collects everything, with the entry fee, from NZD 60', () => {
    const r = quote(23_000); // duty 23.00, GST 15 % of 253.00 = 37.95 → 60.95
    expect(r.ok && [r.totals.duty.minor, r.totals.vat.minor, r.totals.fees.minor]).toEqual([
      2300, 3795, 3000,
    ]);
  });
});

describe('requests from parcels and from outside', () => {
  it('builds a request from a parcel: destination, items, weight and incoterm', () => {
    const request = landedCostRequestForParcel(
      {
        items: [item('610910', 1000)],
        grossWeightG: 300,
        incoterm: 'DDP',
        consignee: {
          name: 'A',
          address: 'B',
          city: 'Paris',
          postcode: '75001',
          country: 'FR',
          phone: '+33 6 12 34 56 78',
        },
      },
      { date: '2026-11-24', shippingMinor: 500, channel: 'postal' },
    );
    expect(request).toMatchObject({
      destination: 'FR',
      grossWeightG: 300,
      incoterm: 'DDP',
      channel: 'postal',
    });
    const r = ok(request);
    expect(r.totals.seller.minor).toBeGreaterThan(0);
  });

  it('validates a request body with the schema, naming the bad field', () => {
    const bad = LandedCostRequestSchema.safeParse({ destination: 'de', date: '2026-13-01', items: [] });
    expect(bad.success).toBe(false);
    const fields = bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['destination', 'date', 'items']));
  });
});

describe('HS codes that do not exist are refused by name, everywhere', () => {
  // Below these destinations' thresholds no tariff table is consulted, so only the nomenclature can tell.
  const lowValue: [string, number, ParcelItem['currency']][] = [
    ['DE', 2000, 'EUR'],
    ['GB', 2000, 'GBP'],
    ['AU', 2000, 'AUD'],
    ['NO', 2000, 'NOK'],
    ['KR', 2000, 'USD'],
    ['BR', 2000, 'USD'],
    ['MX', 2000, 'USD'],
    ['JP', 2000, 'JPY'],
    ['CA', 1000, 'CAD'],
  ];
  for (const [destination, value, currency] of lowValue) {
    it(`${destination}: 999999 is not an HS 2022 code (item 2 of 2)`, () => {
      const r = run({
        destination,
        date: '2026-11-24',
        items: [item('610910', value, currency), item('999999', value, currency)],
        grossWeightG: 500,
      });
      expect(r).toMatchObject({
        ok: false,
        kind: 'not-an-hs-code',
        field: 'items.1.hsCode',
        hsCode: '999999',
        message: '999999 is not an HS 2022 code (no chapter 99)',
      });
    });
  }

  it('a national line is checked on its subheading: 61091000 passes, 61099900 is refused', () => {
    expect(run({ destination: 'DE', date: '2026-11-24', items: [item('61091000', 2000)] }).ok).toBe(true);
    expect(run({ destination: 'DE', date: '2026-11-24', items: [item('61099900', 2000)] })).toMatchObject({
      ok: false,
      kind: 'not-an-hs-code',
      field: 'items.0.hsCode',
    });
  });

  it('rule files whose HS prefixes do not exist are refused when the rules load', () => {
    const r = parseDutyRules(
      [
        {
          file: 'xx.yaml',
          data: {
            destinations: ['XA'],
            name: 'Test',
            sources: [{ id: 's', title: 'Test source', date: '2026-01-01', kind: 'official' }],
            tariffs: {
              t: {
                name: 'Tariff',
                source: 's',
                rates: [
                  { hs: '61', rate: '5%' },
                  { hs: '77', rate: '0%' },
                  { hs: '61099900', rate: '1%' },
                ],
              },
            },
            vatRates: [{ rate: '20%', source: 's' }],
            ruleSets: [
              {
                id: 'xa-1',
                name: 'One',
                validFrom: '2020-01-01',
                sources: ['s'],
                currency: 'EUR',
                valueBasis: 'CIF',
                tiers: [
                  {
                    id: 'all',
                    name: 'All',
                    description: 'All',
                    when: {},
                    duties: [{ kind: 'tariff', table: 't', exceptHs: ['9999'] }],
                    vat: { kind: 'rate', base: ['customs-value', 'duty'], collector: 'carrier-at-import' },
                  },
                ],
              },
            ],
          },
        },
      ],
      { hs: rules.hs! },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.where.field}: ${p.why}`)).toEqual([
      'tariffs.t.rates.1.hs: 77 is not an HS 2022 code',
      'tariffs.t.rates.2.hs: 61099900 is not an HS 2022 code',
      'ruleSets.0.tiers.0.duties.0.exceptHs.0: 9999 is not an HS 2022 code',
    ]);
  });
});

describe('fees are dated like every other rule', () => {
  it('Australia: one import processing charge for sea, air and post since 2016, AUD 50 below AUD 10,000, AUD 152 from it', () => {
    const fees = (channel: 'freight' | 'postal', aud: number) =>
      ok({ destination: 'AU', date: '2026-11-24', channel, items: [item('610910', aud, 'AUD')] }).fees.map(
        (f) => [f.id, f.amount.minor],
      );
    expect(fees('freight', 500_000)).toEqual([['au-ipc', 5000]]);
    expect(fees('postal', 500_000)).toEqual([['au-ipc', 5000]]);
    expect(fees('freight', 999_999)).toEqual([['au-ipc', 5000]]);
    expect(fees('freight', 1_000_000)).toEqual([['au-ipc-10000', 15_200]]);
  });

  it('New Zealand: the import entry transaction fee of each period (2024-07-01, 2025-07-01)', () => {
    const ietf = (date: string) =>
      ok({ destination: 'NZ', date, items: [item('610910', 200_000, 'NZD')] }).fees.find((f) =>
        f.id.startsWith('nz-ietf'),
      )?.amount.minor;
    expect(ietf('2024-06-30')).toBe(3303);
    expect(ietf('2024-07-01')).toBe(4008);
    expect(ietf('2025-06-30')).toBe(4008);
    expect(ietf('2025-07-01')).toBe(5344);
  });
});

describe('zero-value items say what the rule does with them', () => {
  it('Germany from 2026-07-01: a zero-value item of a new subheading still costs EUR 3 and the VAT on it, and the answer says why', () => {
    const r = ok({
      destination: 'DE',
      date: '2026-11-24',
      items: [item('610910', 2000), item('950300', 0)],
    });
    expect(dutyMinor(r)).toBe(600);
    expect(r.notes.some((n) => n.startsWith('items.1 (HS 950300) declared at zero value'))).toBe(true);
    expect(
      r.notes.some((n) =>
        n.startsWith('EU from 2026-07-01: the EUR 3 per distinct subheading is due whatever'),
      ),
    ).toBe(true);
  });

  it('no note when every item has a value', () => {
    const r = ok({ destination: 'DE', date: '2026-11-24', items: [item('610910', 2000)] });
    expect(r.notes.some((n) => n.includes('zero value'))).toBe(false);
  });

  it('before 2026-07-01 the relief covers it and the note says a business consignment is not a gift', () => {
    const r = ok({ destination: 'DE', date: '2026-06-30', items: [item('950300', 0)] });
    expect(dutyMinor(r)).toBe(0);
    expect(
      r.notes.some((n) => n.startsWith('EU: goods a business sells, or sends free, are not gifts')),
    ).toBe(true);
  });
});
