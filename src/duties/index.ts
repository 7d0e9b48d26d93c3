/**
 * Landed cost: customs value, duties, VAT/GST, fees and de minimis rules per destination and date, each
 * amount with the rule set and source behind it, from rule files in data/duties and a dated FX table in
 * data/fx. The shell reads the files (YAML), passes them to {@link parseDutyRules} and
 * {@link parseFxTables}, then asks {@link landedCost}.
 */
export {
  ecbDate,
  FX_SOURCE_IDS,
  type FxFileProblem,
  type FxSourceId,
  type ImportedFxTable,
  parseEcbCsv,
  parseEcbXml,
  parseFxFile,
  parseRateCsv,
  type ReadFxFileResult,
} from './ecb-files.ts';
export {
  convert,
  type FxConversion,
  type FxFileInput,
  FxFileSchema,
  type FxMissing,
  type FxRateSource,
  type FxSource,
  type FxTables,
  fxDayOn,
  OFFICIAL_FX_SOURCES,
  type OfficialFxSource,
  officialFxDayOn,
  type ParseFxResult,
  parseFxTables,
} from './fx.ts';
export {
  type DutyLine,
  type DutyLineKind,
  type FeeLine,
  type FxUsed,
  type ItemLine,
  type LandedAmount,
  type LandedCostFailure,
  type LandedCostResult,
  type LandedCostTotals,
  landedCost,
  type SourceRef,
  sellerLandedCharges,
  type VatLine,
} from './landed-cost.ts';
export { formatRateBp, parseMoneyText, parseRateText } from './notation.ts';
export { landedCostRequestForParcel, type ParcelCostOptions } from './parcel.ts';
export {
  ecbSource,
  euCustomsTables,
  FX_STALE_AFTER_DAYS,
  type FxFreshness,
  fxFreshness,
  mergeFxDocument,
  penultimateWednesday,
} from './rate-tables.ts';
export { type LandedCostRequest, LandedCostRequestSchema } from './request.ts';
export {
  CHANNELS,
  type Channel,
  COLLECTORS,
  type Collector,
  type DutyRuleBook,
  type DutyRules,
  type DutyRulesDocument,
  DutyRulesFileSchema,
  inForce,
  PAYERS,
  type ParseDutyRulesResult,
  type Payer,
  parseDutyRules,
  type RuleSet,
  SALE_TYPES,
  type SaleType,
  type Source,
  type Tier,
} from './schema.ts';
