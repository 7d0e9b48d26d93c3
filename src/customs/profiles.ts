import { z } from 'zod';
import { CountrySchema } from '../domain/codes.ts';
import type { Seller } from '../domain/seller.ts';
import { digitsOf } from './xml.ts';

/**
 * A code registered with China customs: the 10-character customs registration code or the
 * 18-character unified social credit code (USCC) of an enterprise [customs-china.md §6].
 */
export const EnterpriseCodeSchema = z
  .string()
  .regex(
    /^[0-9A-Z]{10}$|^[0-9A-HJ-NPQRTUWXY]{18}$/,
    'must be a 10-character customs code or an 18-character USCC',
  );

const name = z.string().trim().min(1).max(100);

/** The modes of export declaration Landbridge files [customs-china.md §1, §7]. */
export const TRADE_MODES = ['9610', '9710', '9810'] as const;
export type TradeMode = (typeof TRADE_MODES)[number];

/** CEB303 order type of each trade mode: E B2C export, B B2B export, W overseas-warehouse booking. */
export const ORDER_TYPE: Record<TradeMode, 'E' | 'B' | 'W'> = { '9610': 'E', '9710': 'B', '9810': 'W' };

/**
 * What customs know of a seller (the e-commerce enterprise, 电商企业, exporter of record on the list):
 * its codes, the platform it sells on, the payment company that collects for it, and the identifiers
 * destinations ask for (EU IOSS and EORI, UK VAT, US manufacturer id).
 */
export const SellerCustomsProfileSchema = z.object({
  sellerId: z.string().min(1),
  /** 电商企业代码: the seller's customs code or USCC (收发货人 of the list). */
  ebcCode: EnterpriseCodeSchema,
  ebcName: name,
  /** 生产销售单位: the producer or actual consignor; the seller itself by default. */
  ownerCode: EnterpriseCodeSchema,
  ownerName: name,
  /** 电商平台: the marketplace the order was placed on. */
  ebpCode: EnterpriseCodeSchema,
  ebpName: name,
  /** 支付企业: the payment company that received the buyer's payment. */
  payCode: EnterpriseCodeSchema,
  payName: name,
  tradeMode: z.enum(TRADE_MODES).default('9610'),
  /** A: simplified list (no refund, no summary declaration); B: summarised into declarations. */
  statisticsFlag: z.enum(['A', 'B']).default('B'),
  /** EU Import One-Stop Shop number (IM + 10 digits), when the seller (or its marketplace) has one. */
  iossNumber: z
    .string()
    .regex(/^IM\d{10}$/, 'must be an IOSS number IM followed by 10 digits')
    .optional(),
  eori: z
    .string()
    .regex(/^[A-Z]{2}[0-9A-Z]{1,15}$/, 'must be an EORI number such as CN1234567890')
    .optional(),
  ukVatNumber: z
    .string()
    .regex(/^GB\d{9}(\d{3})?$/, 'must be a UK VAT number such as GB123456789')
    .optional(),
  address: z.object({
    street: z.string().trim().min(1).max(200),
    city: z.string().trim().min(1).max(100),
    postcode: z.string().trim().max(20),
    country: CountrySchema,
  }),
  /** Where the profile came from: `derived` for defaults made from the seller record (sample data). */
  source: z.enum(['derived', 'imported']).default('imported'),
});
export type SellerCustomsProfile = z.infer<typeof SellerCustomsProfileSchema>;

/**
 * What customs know of the hub: the customs office it declares at, the declaring agent (申报企业),
 * the logistics enterprise and the supervised-site operator it acts as, the DXP identity of its
 * transfer client, and the codes it writes in the messages.
 */
export const HubCustomsProfileSchema = z.object({
  hubId: z.string().min(1),
  /** 4-digit customs office code (JGS/T 18) where lists are declared. */
  customsCode: z.string().regex(/^\d{4}$/, 'must be a 4-digit customs office code'),
  /** 4-digit customs office of exit, by service id; `customsCode` where a service is not listed. */
  exitPortCodes: z.record(z.string(), z.string().regex(/^\d{4}$/)).default({}),
  /** Supervised-site code (监管场所代码), when the office has several cross-border e-commerce sites. */
  loctNo: z.string().max(10).optional(),
  agentCode: EnterpriseCodeSchema,
  agentName: name,
  logisticsCode: EnterpriseCodeSchema,
  logisticsName: name,
  operatorCode: EnterpriseCodeSchema,
  operatorName: name,
  /** The customs broker that files the declarations summarised from lists (CEB701 declAgent). */
  declAgentCode: EnterpriseCodeSchema,
  declAgentName: name,
  /** DXP identity of the hub's transfer client (BaseTransfer and the envelope's SenderId). */
  dxpId: z.string().min(1).max(16),
  /** DXP id of customs for export messages [customs-china.md §2, community source, confirm at onboarding]. */
  receiverId: z.string().min(1).max(16).default('DXPEDCCEB0000003'),
  /** Prefix of the hub's waybill (logistics) numbers; digits follow. */
  waybillPrefix: z.string().regex(/^[A-Z]{2,6}$/),
  /** JGS-20 transport mode code of each network mode [customs-china.md §10]. */
  transportModes: z
    .object({ rail: z.string(), sea: z.string(), river: z.string(), air: z.string(), road: z.string() })
    .default({ rail: '3', sea: '2', river: '2', air: '5', road: '4' }),
  /** 1-digit packaging code of a parcel (CEB wrapType) [customs-china.md §10: mapping unconfirmed]. */
  wrapType: z.string().length(1).default('2'),
  /** Declared unit of a line (JGS-20; 007 个) and the legal first unit (035 千克). */
  unit: z.string().length(3).default('007'),
  legalUnit: z.string().length(3).default('035'),
  /** Net weight as a share of gross weight, per mille, where only gross weight is known. */
  netWeightPerMille: z.number().int().min(1).max(1000).default(900),
  source: z.enum(['derived', 'imported']).default('imported'),
});
export type HubCustomsProfile = z.infer<typeof HubCustomsProfileSchema>;

/** Marketplaces of the sample sellers and the synthetic codes their orders carry. */
const SAMPLE_PLATFORMS: Record<string, { readonly code: string; readonly name: string }> = {
  AE: { code: '3301960XK1', name: 'AliExpress (sample platform code)' },
  PO: { code: '3101960TM2', name: 'Temu (sample platform code)' },
  WS: { code: '5001960WS3', name: 'Seller web shop (sample platform code)' },
  '11': { code: '3101960AM4', name: 'Amazon (sample platform code)' },
  '57': { code: '3101960TT5', name: 'TikTok Shop (sample platform code)' },
};

/**
 * A seller's customs profile made from its seller record when none was imported: synthetic codes,
 * clearly marked `derived`, deterministic for the seller id (sample and generated sellers). The platform
 * follows the seller's order-number format (`AE…` AliExpress, `PO-…` Temu, …) when `orderNo` is given.
 */
export function deriveSellerProfile(seller: Seller, orderNo?: string): SellerCustomsProfile {
  const code =
    seller.customsCode && /^[0-9A-Z]{10}$/.test(seller.customsCode)
      ? seller.customsCode
      : `5001${digitsOf(`ebc:${seller.id}`, 6)}`;
  const platform = SAMPLE_PLATFORMS[(orderNo ?? '').slice(0, 2)] ?? SAMPLE_PLATFORMS.WS!;
  return {
    sellerId: seller.id,
    ebcCode: code,
    ebcName: seller.name.slice(0, 100),
    ownerCode: code,
    ownerName: seller.name.slice(0, 100),
    ebpCode: platform.code,
    ebpName: platform.name,
    payCode: '3101960PY9',
    payName: 'Sample Cross-border Payment Co. (sample code)',
    tradeMode: '9610',
    statisticsFlag: 'B',
    iossNumber: `IM156${digitsOf(`ioss:${seller.id}`, 7)}`,
    address: {
      street: `${1 + Number(digitsOf(`st:${seller.id}`, 3))} Keyuan Road`,
      city: 'Chongqing',
      postcode: '401332',
      country: 'CN',
    },
    source: 'derived',
  };
}

/**
 * The sample hub's customs profile: the Xiyong consolidation centre declaring at Chongqing. The codes
 * are **sample values**: the real customs office code (JGS/T 18), enterprise codes and DXP id come from
 * customs registration and E-port onboarding and are entered by the operator.
 */
export function sampleHubProfile(hubId: string): HubCustomsProfile {
  return HubCustomsProfileSchema.parse({
    hubId,
    customsCode: '8013',
    loctNo: 'XY001',
    agentCode: '5001980AG1',
    agentName: 'Xiyong Customs Brokerage (sample)',
    logisticsCode: '5001980LG2',
    logisticsName: 'Xiyong Consolidation Centre Logistics (sample)',
    operatorCode: '5001980OP3',
    operatorName: 'Xiyong Supervised Site Operator (sample)',
    declAgentCode: '5001980AG1',
    declAgentName: 'Xiyong Customs Brokerage (sample)',
    dxpId: 'DXPENT0000XY0001',
    waybillPrefix: 'LBX',
    source: 'derived',
  });
}
