/**
 * The Harmonized System, 2022 edition: does a code exist, what it means and what lies above and below
 * it ({@link lookupHs}, {@link checkDeclaredHsCode}), and classification help — ranked suggestions for
 * a description in English or Chinese ({@link searchHs}) and a check that a description fits its code
 * ({@link checkHsFit}). The shell reads data/hs (the nomenclature CSV and the keyword table) and passes
 * the parsed rows to {@link buildNomenclature} and {@link parseHsKeywords}.
 */
export {
  buildHsIndex,
  checkHsFit,
  DEFAULT_TUNING,
  FIT_HEADING_RANK,
  type HsFit,
  type HsIndex,
  type HsSearchOptions,
  type HsSearchResult,
  type HsSuggestion,
  type HsTuning,
  searchHs,
} from './classify.ts';
export {
  type HsKeyword,
  type HsKeywords,
  type HsKeywordsFile,
  HsKeywordsFileSchema,
  type ParseHsKeywordsResult,
  parseHsKeywords,
} from './keywords.ts';
export {
  type BuildNomenclatureResult,
  buildNomenclature,
  checkDeclaredHsCode,
  HS_EDITION,
  type HsEntry,
  type HsLevel,
  type HsLookup,
  type HsNomenclature,
  type HsNotFound,
  type HsRow,
  type HsSectionRow,
  type HsTableProblem,
  lookupHs,
  normalizeHsCode,
} from './nomenclature.ts';
export { englishTokens, hasCjk, hsTextTokens, stem } from './text.ts';
