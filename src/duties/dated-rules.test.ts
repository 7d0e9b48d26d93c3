import { describe, expect, it } from 'vitest';
import type { ParcelItem } from '../domain/parcel.ts';
import { type LandedCostResult, landedCost } from './landed-cost.ts';
import type { LandedCostRequest } from './request.ts';
import { loadDutyRules, loadFx } from './rule-files.fixture.ts';
import { findVatRate } from './tariff.ts';

/**
 * The day before and the day a rule changes, and consignments just under, exactly at and just over each
 * threshold, for every destination. Values are declared in the threshold's currency where possible, so
 * the comparison is exact.
 */

const rules = loadDutyRules();
const fx = loadFx();

const tee = (
  unitValueMinor: number,
  currency: ParcelItem['currency'],
  hsCode = '610910',
  origin = 'CN',
): ParcelItem => ({
  description: 'T-shirt, cotton, knitted',
  hsCode,
  quantity: 1,
  unitValueMinor,
  currency,
  originCountry: origin,
});

function answer(request: LandedCostRequest): LandedCostResult {
  const r = landedCost(request, rules, fx);
  if (!r.ok) throw new Error(`${request.destination} ${request.date}: ${r.kind}: ${r.message}`);
  return r;
}

interface Case {
  readonly name: string;
  readonly request: LandedCostRequest;
  readonly ruleSet: string;
  readonly tier: string;
  /** Expected duty, VAT/GST and fee totals in the rule set's currency, where the case pins them. */
  readonly duty?: number;
  readonly vat?: number;
  readonly fees?: number;
}

const cases: Case[] = [
  // EU: the EUR 3 duty and the end of the EUR 150 relief, 2026-07-01.
  {
    name: 'EU day before the EUR 3 duty',
    request: { destination: 'DE', date: '2026-06-30', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    duty: 0,
    vat: 1900,
  },
  {
    name: 'EU first day of the EUR 3 duty',
    request: { destination: 'DE', date: '2026-07-01', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2026-07-01',
    tier: 'ioss',
    duty: 300,
    vat: 1957,
  },
  {
    name: 'EU just under EUR 150',
    request: { destination: 'DE', date: '2026-11-24', items: [tee(14_999, 'EUR')] },
    ruleSet: 'eu-2026-07-01',
    tier: 'ioss',
    duty: 300,
  },
  {
    name: 'EU exactly EUR 150',
    request: { destination: 'DE', date: '2026-11-24', items: [tee(15_000, 'EUR')] },
    ruleSet: 'eu-2026-07-01',
    tier: 'ioss',
    duty: 300,
  },
  {
    name: 'EU just over EUR 150: CCT 12 %',
    request: { destination: 'DE', date: '2026-11-24', items: [tee(15_001, 'EUR')] },
    ruleSet: 'eu-2026-07-01',
    tier: 'standard',
    duty: 1800,
    vat: 3192,
  },
  {
    name: 'EU without IOSS up to EUR 150 after 2026-07-01',
    request: {
      destination: 'DE',
      date: '2026-11-24',
      sellerRegisteredForScheme: false,
      items: [tee(10_000, 'EUR')],
    },
    ruleSet: 'eu-2026-07-01',
    tier: 'low-value-b2c',
    duty: 300,
    vat: 1957,
  },
  {
    name: 'EU without IOSS up to EUR 150 before 2026-07-01',
    request: {
      destination: 'DE',
      date: '2026-06-30',
      sellerRegisteredForScheme: false,
      items: [tee(10_000, 'EUR')],
    },
    ruleSet: 'eu-2021-07-01',
    tier: 'low-value',
    duty: 0,
    vat: 1900,
  },
  // EU member-state VAT rate changes.
  {
    name: 'FI VAT 24 % on 2024-08-31',
    request: { destination: 'FI', date: '2024-08-31', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 2400,
  },
  {
    name: 'FI VAT 25.5 % on 2024-09-01',
    request: { destination: 'FI', date: '2024-09-01', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 2550,
  },
  {
    name: 'SK VAT 20 % on 2024-12-31',
    request: { destination: 'SK', date: '2024-12-31', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 2000,
  },
  {
    name: 'SK VAT 23 % on 2025-01-01',
    request: { destination: 'SK', date: '2025-01-01', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 2300,
  },
  {
    name: 'EE VAT 20 % on 2023-12-31',
    request: { destination: 'EE', date: '2023-12-31', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 2000,
  },
  {
    name: 'EE VAT 22 % on 2024-01-01',
    request: { destination: 'EE', date: '2024-01-01', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 2200,
  },
  {
    name: 'EE VAT 22 % on 2025-06-30',
    request: { destination: 'EE', date: '2025-06-30', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 2200,
  },
  {
    name: 'EE VAT 24 % on 2025-07-01',
    request: { destination: 'EE', date: '2025-07-01', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 2400,
  },
  {
    name: 'RO VAT 19 % on 2025-07-31',
    request: { destination: 'RO', date: '2025-07-31', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 1900,
  },
  {
    name: 'RO VAT 21 % on 2025-08-01',
    request: { destination: 'RO', date: '2025-08-01', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    vat: 2100,
  },
  // EU national fees.
  {
    name: 'IT: no contribution on 2025-12-31',
    request: { destination: 'IT', date: '2025-12-31', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    fees: 0,
  },
  {
    name: 'IT: EUR 2 contribution from 2026-01-01',
    request: { destination: 'IT', date: '2026-01-01', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    fees: 200,
  },
  {
    name: 'IT: contribution on 2026-03-12',
    request: { destination: 'IT', date: '2026-03-12', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    fees: 200,
  },
  {
    name: 'IT: contribution postponed from 2026-03-13',
    request: { destination: 'IT', date: '2026-03-13', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    fees: 0,
  },
  {
    name: 'IT: contribution again from 2026-07-01',
    request: { destination: 'IT', date: '2026-07-01', items: [tee(10_000, 'EUR')] },
    ruleSet: 'eu-2026-07-01',
    tier: 'ioss',
    fees: 200,
  },
  {
    name: 'IT: no contribution at EUR 150.00 customs value',
    request: { destination: 'IT', date: '2026-11-24', items: [tee(14_000, 'EUR')], shippingMinor: 1000 },
    ruleSet: 'eu-2026-07-01',
    tier: 'ioss',
    fees: 0,
  },
  {
    name: 'FR: no small-parcel tax on 2026-02-28',
    request: {
      destination: 'FR',
      date: '2026-02-28',
      items: [tee(10_000, 'EUR'), tee(1000, 'EUR', '392690')],
    },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    fees: 0,
  },
  {
    name: 'FR: EUR 2 per article from 2026-03-01',
    request: {
      destination: 'FR',
      date: '2026-03-01',
      items: [tee(10_000, 'EUR'), tee(1000, 'EUR', '392690')],
    },
    ruleSet: 'eu-2021-07-01',
    tier: 'ioss',
    fees: 400,
  },
  {
    name: 'FR: tax just under EUR 150 customs value',
    request: { destination: 'FR', date: '2026-11-24', items: [tee(13_999, 'EUR')], shippingMinor: 1000 },
    ruleSet: 'eu-2026-07-01',
    tier: 'ioss',
    fees: 200,
  },
  {
    name: 'FR: no tax at EUR 150.00 customs value',
    request: { destination: 'FR', date: '2026-11-24', items: [tee(14_000, 'EUR')], shippingMinor: 1000 },
    ruleSet: 'eu-2026-07-01',
    tier: 'ioss',
    fees: 0,
  },
  // United Kingdom, GBP 135.
  {
    name: 'GB just under GBP 135',
    request: { destination: 'GB', date: '2026-11-24', items: [tee(13_499, 'GBP')] },
    ruleSet: 'gb-2021-01-01',
    tier: 'low-value',
    duty: 0,
  },
  {
    name: 'GB exactly GBP 135',
    request: { destination: 'GB', date: '2026-11-24', items: [tee(13_500, 'GBP')] },
    ruleSet: 'gb-2021-01-01',
    tier: 'low-value',
    duty: 0,
    vat: 2700,
  },
  {
    name: 'GB just over GBP 135',
    request: { destination: 'GB', date: '2026-11-24', items: [tee(13_501, 'GBP')] },
    ruleSet: 'gb-2021-01-01',
    tier: 'standard',
    duty: 1620,
    vat: 3024,
  },
  // United States.
  {
    name: 'US exactly USD 800 on 2025-05-01 (de minimis)',
    request: { destination: 'US', date: '2025-05-01', items: [tee(80_000, 'USD')] },
    ruleSet: 'us-2016-03-10',
    tier: 'de-minimis',
    duty: 0,
  },
  {
    name: 'US just over USD 800 on 2025-05-01',
    request: { destination: 'US', date: '2025-05-01', items: [tee(80_001, 'USD')] },
    ruleSet: 'us-2016-03-10',
    tier: 'standard',
  },
  {
    name: 'US Chinese goods on 2025-05-02: no de minimis',
    request: { destination: 'US', date: '2025-05-02', items: [tee(2000, 'USD')] },
    ruleSet: 'us-2025-05-02',
    tier: 'standard',
  },
  {
    name: 'US Vietnamese goods on 2025-08-28: de minimis',
    request: { destination: 'US', date: '2025-08-28', items: [tee(2000, 'USD', '610910', 'VN')] },
    ruleSet: 'us-2025-05-02',
    tier: 'de-minimis',
    duty: 0,
  },
  {
    name: 'US Vietnamese goods on 2025-08-29: no de minimis',
    request: { destination: 'US', date: '2025-08-29', items: [tee(2000, 'USD', '610910', 'VN')] },
    ruleSet: 'us-2025-08-29',
    tier: 'standard',
    duty: 730,
  },
  {
    name: 'US 2026-02-23: IEEPA still in force',
    request: { destination: 'US', date: '2026-02-23', items: [tee(2000, 'USD')] },
    ruleSet: 'us-2025-08-29',
    tier: 'standard',
    duty: 880,
  },
  {
    name: 'US 2026-02-24: Section 122 instead',
    request: { destination: 'US', date: '2026-02-24', items: [tee(2000, 'USD')] },
    ruleSet: 'us-2026-02-24',
    tier: 'standard',
    duty: 680,
    // FY2026 informal-entry MPF, USD 2.69 from 2025-10-01 (90 FR 34665).
    fees: 269,
  },
  {
    name: 'US 2026-07-23: last day of Section 122',
    request: { destination: 'US', date: '2026-07-23', items: [tee(2000, 'USD')] },
    ruleSet: 'us-2026-02-24',
    tier: 'standard',
    duty: 680,
  },
  {
    name: 'US 2026-07-24: after Section 122',
    request: { destination: 'US', date: '2026-07-24', items: [tee(2000, 'USD')] },
    ruleSet: 'us-2026-07-24',
    tier: 'standard',
    duty: 480,
  },
  // Canada, CAD 20; Nova Scotia HST cut.
  {
    name: 'CA exactly CAD 20',
    request: { destination: 'CA', date: '2026-11-24', items: [tee(2000, 'CAD')] },
    ruleSet: 'ca-2020-07-01',
    tier: 'low-value',
    duty: 0,
    vat: 0,
  },
  {
    name: 'CA just over CAD 20, Ontario HST 13 %',
    request: { destination: 'CA', subdivision: 'CA-ON', date: '2026-11-24', items: [tee(2001, 'CAD')] },
    ruleSet: 'ca-2020-07-01',
    tier: 'standard',
    duty: 360,
    vat: 307,
  },
  {
    name: 'CA Nova Scotia HST 15 % on 2025-03-31',
    request: { destination: 'CA', subdivision: 'CA-NS', date: '2025-03-31', items: [tee(10_000, 'CAD')] },
    ruleSet: 'ca-2020-07-01',
    tier: 'standard',
    duty: 1800,
    vat: 1770,
  },
  {
    name: 'CA Nova Scotia HST 14 % on 2025-04-01',
    request: { destination: 'CA', subdivision: 'CA-NS', date: '2025-04-01', items: [tee(10_000, 'CAD')] },
    ruleSet: 'ca-2020-07-01',
    tier: 'standard',
    duty: 1800,
    vat: 1652,
  },
  {
    name: 'CA no province: GST 5 % only',
    request: { destination: 'CA', date: '2025-04-01', items: [tee(10_000, 'CAD')] },
    ruleSet: 'ca-2020-07-01',
    tier: 'standard',
    vat: 590,
  },
  // Australia, AUD 1,000.
  {
    name: 'AU exactly AUD 1,000: GST at checkout',
    request: { destination: 'AU', date: '2026-11-24', items: [tee(100_000, 'AUD')] },
    ruleSet: 'au-2018-07-01',
    tier: 'low-value-registered',
    duty: 0,
    vat: 10_000,
  },
  {
    name: 'AU just over AUD 1,000: duty, GST and processing charge',
    request: { destination: 'AU', date: '2026-11-24', items: [tee(100_001, 'AUD')] },
    ruleSet: 'au-2018-07-01',
    tier: 'standard',
    duty: 5000,
    vat: 10_500,
    fees: 5000,
  },
  {
    name: 'AU seller not registered: nothing collected',
    request: {
      destination: 'AU',
      date: '2026-11-24',
      sellerRegisteredForScheme: false,
      items: [tee(50_000, 'AUD')],
    },
    ruleSet: 'au-2018-07-01',
    tier: 'low-value',
    duty: 0,
    vat: 0,
  },
  // New Zealand, NZD 1,000.
  {
    name: 'NZ exactly NZD 1,000: GST at checkout',
    request: { destination: 'NZ', date: '2026-11-24', items: [tee(100_000, 'NZD')] },
    ruleSet: 'nz-2019-12-01',
    tier: 'low-value-registered',
    vat: 15_000,
  },
  {
    name: 'NZ just over NZD 1,000: duty, GST and fees',
    request: { destination: 'NZ', date: '2026-11-24', items: [tee(100_001, 'NZD')] },
    ruleSet: 'nz-2019-12-01',
    tier: 'standard',
    duty: 10_000,
    vat: 16_500,
    // Import Entry Transaction Fee NZD 53.44 (from 2025-07-01) and biosecurity levy NZD 19.98.
    fees: 7342,
  },
  // Japan, JPY 10,000 of customs value (60 % of the retail price).
  {
    name: 'JP bag at exactly JPY 10,000 customs value',
    request: { destination: 'JP', date: '2026-11-24', items: [tee(16_667, 'JPY', '420222')] },
    ruleSet: 'jp-2019-10-01',
    tier: 'small-value',
    duty: 0,
    vat: 0,
  },
  {
    name: 'JP bag just over JPY 10,000 customs value',
    request: { destination: 'JP', date: '2026-11-24', items: [tee(16_668, 'JPY', '420222')] },
    ruleSet: 'jp-2019-10-01',
    tier: 'standard',
    duty: 800,
    vat: 1000,
  },
  // South Korea, USD 150.
  {
    name: 'KR exactly USD 150',
    request: { destination: 'KR', date: '2026-11-24', items: [tee(15_000, 'USD')] },
    ruleSet: 'kr-2019-01-01',
    tier: 'personal-allowance',
    duty: 0,
    vat: 0,
  },
  {
    name: 'KR just over USD 150',
    request: { destination: 'KR', date: '2026-11-24', items: [tee(15_001, 'USD')] },
    ruleSet: 'kr-2019-01-01',
    tier: 'standard',
  },
  // Brazil.
  {
    name: 'BR certified on 2024-07-31: no import tax up to USD 50',
    request: { destination: 'BR', date: '2024-07-31', items: [tee(23_000, 'BRL')] },
    ruleSet: 'br-2023-08-01',
    tier: 'certified-up-to-50',
    duty: 0,
    vat: 4711,
  },
  {
    name: 'BR certified on 2024-08-01: 20 % import tax',
    request: { destination: 'BR', date: '2024-08-01', items: [tee(23_000, 'BRL')] },
    ruleSet: 'br-2024-08-01',
    tier: 'certified-up-to-50',
    duty: 4600,
    vat: 5653,
  },
  {
    name: 'BR Minas Gerais ICMS 17 % on 2025-03-31',
    request: { destination: 'BR', subdivision: 'BR-MG', date: '2025-03-31', items: [tee(25_000, 'BRL')] },
    ruleSet: 'br-2024-08-01',
    tier: 'certified-up-to-50',
    duty: 5000,
    vat: 6145,
  },
  {
    name: 'BR Minas Gerais ICMS 20 % on 2025-04-01',
    request: { destination: 'BR', subdivision: 'BR-MG', date: '2025-04-01', items: [tee(25_000, 'BRL')] },
    ruleSet: 'br-2024-08-01',
    tier: 'certified-up-to-50',
    duty: 5000,
    vat: 7500,
  },
  {
    name: 'BR not certified: 60 % at import',
    request: {
      destination: 'BR',
      date: '2026-11-24',
      sellerRegisteredForScheme: false,
      items: [tee(25_000, 'BRL')],
    },
    ruleSet: 'br-2024-08-01',
    tier: 'not-certified',
    duty: 15_000,
  },
  // Mexico.
  {
    name: 'MX up to USD 50 free on 2024-12-31',
    request: { destination: 'MX', date: '2024-12-31', items: [tee(50_000, 'MXN')] },
    ruleSet: 'mx-2023-01-01',
    tier: 'up-to-50',
    duty: 0,
  },
  {
    name: 'MX 19 % from the first peso on 2025-01-01',
    request: { destination: 'MX', date: '2025-01-01', items: [tee(50_000, 'MXN')] },
    ruleSet: 'mx-2025-01-01',
    tier: 'courier',
    duty: 9500,
  },
  {
    name: 'MX 19 % on 2025-08-14',
    request: { destination: 'MX', date: '2025-08-14', items: [tee(100_000, 'MXN')] },
    ruleSet: 'mx-2025-01-01',
    tier: 'courier',
    duty: 19_000,
  },
  {
    name: 'MX 33.5 % from 2025-08-15',
    request: { destination: 'MX', date: '2025-08-15', items: [tee(100_000, 'MXN')] },
    ruleSet: 'mx-2025-08-15',
    tier: 'courier',
    duty: 33_500,
  },
  // Chile.
  {
    name: 'CL exactly USD 41 on 2025-10-24: exempt',
    request: { destination: 'CL', date: '2025-10-24', items: [tee(4100, 'USD')] },
    ruleSet: 'cl-2022-01-01',
    tier: 'up-to-41',
    duty: 0,
    vat: 0,
  },
  {
    name: 'CL just over USD 41 on 2025-10-24: 6 % and IVA',
    request: { destination: 'CL', date: '2025-10-24', items: [tee(4101, 'USD')] },
    ruleSet: 'cl-2022-01-01',
    tier: 'standard',
  },
  {
    name: 'CL 2025-10-25: IVA at checkout by a registered platform',
    request: { destination: 'CL', date: '2025-10-25', items: [tee(4100, 'USD')] },
    ruleSet: 'cl-2025-10-25',
    tier: 'registered-up-to-500',
    duty: 0,
  },
  // Saudi Arabia (strictly under SAR 1,000) and the UAE (AED 1,000).
  {
    name: 'SA SAR 999.99 with shipping: no duty, VAT 15 %',
    request: { destination: 'SA', date: '2026-11-24', items: [tee(99_000, 'SAR')], shippingMinor: 999 },
    ruleSet: 'sa-2020-07-01',
    tier: 'personal-under-1000',
    duty: 0,
    vat: 15_000,
  },
  {
    name: 'SA exactly SAR 1,000: duty 5 %',
    request: { destination: 'SA', date: '2026-11-24', items: [tee(99_000, 'SAR')], shippingMinor: 1000 },
    ruleSet: 'sa-2020-07-01',
    tier: 'standard',
    duty: 5000,
  },
  {
    name: 'AE AED 300 limit on 2023-02-28',
    request: { destination: 'AE', date: '2023-02-28', items: [tee(50_000, 'AED')] },
    ruleSet: 'ae-2023-01-01',
    tier: 'standard',
    duty: 2500,
  },
  {
    name: 'AE AED 1,000 limit again on 2023-03-01',
    request: { destination: 'AE', date: '2023-03-01', items: [tee(50_000, 'AED')] },
    ruleSet: 'ae-2023-03-01',
    tier: 'low-value',
    duty: 0,
    vat: 2500,
  },
  {
    name: 'AE just over AED 1,000',
    request: { destination: 'AE', date: '2026-11-24', items: [tee(100_001, 'AED')] },
    ruleSet: 'ae-2023-03-01',
    tier: 'standard',
    duty: 5000,
  },
  // Israel.
  {
    name: 'IL USD 100 on 2025-12-23: VAT',
    request: { destination: 'IL', date: '2025-12-23', items: [tee(10_000, 'USD')] },
    ruleSet: 'il-2014-11-12',
    tier: 'vat-only',
  },
  {
    name: 'IL USD 100 on 2025-12-24: exempt under the USD 150 order',
    request: { destination: 'IL', date: '2025-12-24', items: [tee(10_000, 'USD')] },
    ruleSet: 'il-2025-12-24',
    tier: 'exempt',
    vat: 0,
  },
  {
    name: 'IL USD 100 on 2026-02-24: VAT again',
    request: { destination: 'IL', date: '2026-02-24', items: [tee(10_000, 'USD')] },
    ruleSet: 'il-2026-02-24',
    tier: 'vat-only',
  },
  {
    name: 'IL exactly USD 75: exempt',
    request: { destination: 'IL', date: '2026-11-24', items: [tee(7500, 'USD')] },
    ruleSet: 'il-2026-02-24',
    tier: 'exempt',
  },
  // Türkiye.
  {
    name: 'TR 2024-08-05: EUR 100 within EUR 150, flat 18 %',
    request: { destination: 'TR', date: '2024-08-05', items: [tee(10_000, 'TRY')] },
    ruleSet: 'tr-2023-01-01',
    tier: 'flat-tax',
    duty: 1800,
  },
  {
    name: 'TR 2024-08-06: exactly EUR 30, flat 60 %',
    request: { destination: 'TR', date: '2024-08-06', items: [tee(3000, 'EUR')] },
    ruleSet: 'tr-2024-08-06',
    tier: 'flat-tax',
  },
  {
    name: 'TR 2026-02-06: EU-origin goods at 30 %',
    request: { destination: 'TR', date: '2026-02-06', items: [tee(100_000, 'TRY', '610910', 'DE')] },
    ruleSet: 'tr-2026-02-06',
    tier: 'flat-tax',
    duty: 30_000,
  },
  {
    name: 'TR 2026-02-06: phone at 60 % plus 20 %',
    request: { destination: 'TR', date: '2026-02-06', items: [tee(100_000, 'TRY', '851713')] },
    ruleSet: 'tr-2026-02-06',
    tier: 'flat-tax',
    duty: 80_000,
  },
  // Switzerland.
  {
    name: 'CH 2024-12-31: registered seller',
    request: { destination: 'CH', date: '2024-12-31', items: [tee(10_000, 'CHF')] },
    ruleSet: 'ch-2024-01-01',
    tier: 'registered-seller',
    duty: 0,
    vat: 810,
  },
  {
    name: 'CH 2025-01-01: platform rules',
    request: { destination: 'CH', date: '2025-01-01', items: [tee(10_000, 'CHF')] },
    ruleSet: 'ch-2025-01-01',
    tier: 'registered-seller',
    duty: 0,
    vat: 810,
  },
  // Norway.
  {
    name: 'NO 2023-09-30: under NOK 350 free',
    request: {
      destination: 'NO',
      date: '2023-09-30',
      sellerRegisteredForScheme: false,
      items: [tee(34_999, 'NOK')],
    },
    ruleSet: 'no-2020-04-01',
    tier: 'under-350',
    vat: 0,
  },
  {
    name: 'NO 2023-10-01: NOK 350 relief abolished',
    request: {
      destination: 'NO',
      date: '2023-10-01',
      sellerRegisteredForScheme: false,
      items: [tee(34_999, 'NOK')],
    },
    ruleSet: 'no-2023-10-01',
    tier: 'standard',
    duty: 3745,
    vat: 9686,
  },
  {
    name: 'NO VOEC item just under NOK 3,000',
    request: { destination: 'NO', date: '2026-11-24', items: [tee(299_999, 'NOK')] },
    ruleSet: 'no-2023-10-01',
    tier: 'voec',
    duty: 0,
    vat: 75_000,
  },
  {
    name: 'NO item of exactly NOK 3,000: declared at the border',
    request: { destination: 'NO', date: '2026-11-24', items: [tee(300_000, 'NOK')] },
    ruleSet: 'no-2023-10-01',
    tier: 'standard',
    duty: 32_100,
  },
  // EAEU (Russia, Kazakhstan).
  {
    name: 'RU 2024-03-31: EUR 300 within the EUR 1,000 limit',
    request: { destination: 'RU', date: '2024-03-31', items: [tee(30_000, 'EUR')], grossWeightG: 1000 },
    ruleSet: 'ru-2022-04-15',
    tier: 'duty-free',
    duty: 0,
  },
  {
    name: 'RU 2024-04-01: EUR 300 over the EUR 200 limit',
    request: { destination: 'RU', date: '2024-04-01', items: [tee(30_000, 'EUR')], grossWeightG: 1000 },
    ruleSet: 'ru-2024-04-01',
    tier: 'single-rate',
  },
  {
    name: 'RU 2026-06-30: single rate on the excess',
    request: { destination: 'RU', date: '2026-06-30', items: [tee(30_000, 'EUR')], grossWeightG: 1000 },
    ruleSet: 'ru-2024-04-01',
    tier: 'single-rate',
  },
  {
    name: 'RU 2026-07-01: 5 % duty and 22 % VAT on the whole value',
    request: { destination: 'RU', date: '2026-07-01', items: [tee(30_000, 'EUR')], grossWeightG: 1000 },
    ruleSet: 'ru-2026-07-01',
    tier: 'ecommerce',
  },
  {
    name: 'KZ 2026-07-01: exactly EUR 200 free',
    request: { destination: 'KZ', date: '2026-07-01', items: [tee(20_000, 'EUR')], grossWeightG: 1000 },
    ruleSet: 'kz-2026-07-01',
    tier: 'duty-free',
    duty: 0,
  },
  // Singapore.
  {
    name: 'SG by sea on 2023-12-31: GST 8 %',
    request: { destination: 'SG', date: '2023-12-31', channel: 'freight', items: [tee(10_000, 'SGD')] },
    ruleSet: 'sg-2023-01-01',
    tier: 'standard',
    vat: 800,
  },
  {
    name: 'SG by sea on 2024-01-01: GST 9 %',
    request: { destination: 'SG', date: '2024-01-01', channel: 'freight', items: [tee(10_000, 'SGD')] },
    ruleSet: 'sg-2023-01-01',
    tier: 'standard',
    vat: 900,
  },
  {
    name: 'SG OVR item at exactly SGD 400',
    request: { destination: 'SG', date: '2026-11-24', items: [tee(40_000, 'SGD')] },
    ruleSet: 'sg-2023-01-01',
    tier: 'lvg-ovr',
    vat: 3600,
  },
  {
    name: 'SG item just over SGD 400',
    request: { destination: 'SG', date: '2026-11-24', items: [tee(40_001, 'SGD')] },
    ruleSet: 'sg-2023-01-01',
    tier: 'standard',
  },
  // Malaysia.
  {
    name: 'MY 2023-12-31: de minimis by air',
    request: { destination: 'MY', date: '2023-12-31', items: [tee(10_000, 'MYR')] },
    ruleSet: 'my-2017-04-01',
    tier: 'de-minimis',
    vat: 0,
  },
  {
    name: 'MY 2024-01-01: LVG sales tax at checkout',
    request: { destination: 'MY', date: '2024-01-01', items: [tee(10_000, 'MYR')] },
    ruleSet: 'my-2024-01-01',
    tier: 'lvg',
    vat: 1000,
  },
  // Thailand.
  {
    name: 'TH 2024-07-04: THB 1,500 exempt',
    request: { destination: 'TH', date: '2024-07-04', items: [tee(150_000, 'THB')] },
    ruleSet: 'th-2018-07-31',
    tier: 'low-value',
    duty: 0,
    vat: 0,
  },
  {
    name: 'TH 2024-07-05: VAT 7 % on THB 1,500',
    request: { destination: 'TH', date: '2024-07-05', items: [tee(150_000, 'THB')] },
    ruleSet: 'th-2024-07-05',
    tier: 'low-value',
    duty: 0,
    vat: 10_500,
  },
  {
    name: 'TH 2025-12-31: still no duty',
    request: { destination: 'TH', date: '2025-12-31', items: [tee(150_000, 'THB')] },
    ruleSet: 'th-2024-07-05',
    tier: 'low-value',
    duty: 0,
  },
  {
    name: 'TH 2026-01-01: duty and VAT on all',
    request: { destination: 'TH', date: '2026-01-01', items: [tee(150_000, 'THB')] },
    ruleSet: 'th-2026-01-01',
    tier: 'standard',
    duty: 45_000,
    vat: 13_650,
  },
  {
    name: 'TH just over THB 1,500 on 2024-07-05',
    request: { destination: 'TH', date: '2024-07-05', items: [tee(150_001, 'THB')] },
    ruleSet: 'th-2024-07-05',
    tier: 'standard',
  },
  // Viet Nam.
  {
    name: 'VN 2025-02-17: express VND 1,000,000 exempt',
    request: { destination: 'VN', date: '2025-02-17', items: [tee(1_000_000, 'VND')] },
    ruleSet: 'vn-2011-01-01',
    tier: 'express-low-value',
    duty: 0,
    vat: 0,
  },
  {
    name: 'VN 2025-02-18: exemption repealed; VAT 8 %',
    request: { destination: 'VN', date: '2025-02-18', items: [tee(1_000_000, 'VND')] },
    ruleSet: 'vn-2025-02-18',
    tier: 'standard',
    duty: 200_000,
    vat: 96_000,
  },
  {
    name: 'VN metal goods keep VAT at 10 %',
    request: { destination: 'VN', date: '2026-11-24', items: [tee(1_000_000, 'VND', '732393')] },
    ruleSet: 'vn-2025-02-18',
    tier: 'standard',
    duty: 150_000,
    vat: 115_000,
  },
];

describe.each(cases)('$name', ({ request, ruleSet, tier, duty, vat, fees }) => {
  it(`is answered by ${ruleSet}, tier ${tier}`, () => {
    const r = answer(request);
    expect([r.ruleSet.id, r.tier.id]).toEqual([ruleSet, tier]);
    if (duty !== undefined) expect(r.totals.duty.minor).toBe(duty);
    if (vat !== undefined) expect(r.totals.vat.minor).toBe(vat);
    if (fees !== undefined) expect(r.totals.fees.minor).toBe(fees);
  });
});

describe('VAT rates that change inside a rule set', () => {
  const kz = rules.byDestination.get('KZ');
  const ru = rules.byDestination.get('RU');
  it.each([
    ['KZ', kz, '2025-12-31', 1200],
    ['KZ', kz, '2026-01-01', 1600],
    ['RU', ru, '2025-12-31', 2000],
    ['RU', ru, '2026-01-01', 2200],
  ] as const)('%s on %s', (country, book, date, bp) => {
    expect(book && findVatRate(book, country, undefined, '610910', date)?.rate).toBe(bp);
  });
});
