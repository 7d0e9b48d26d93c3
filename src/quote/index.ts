/**
 * Instant multimodal quotes: the Pareto set of itineraries over delivery time, cost and CO2e for a
 * parcel, loose cargo or full containers, from dated departures of the network.
 */
export { paretoIndices } from './pareto.ts';
export { enumeratePatterns, type PatternLimits, type PatternStep, type RoutePattern } from './patterns.ts';
export {
  DEFAULT_CONSOLIDATION_FILL,
  hubHandlingMinor,
  lastMileMinor,
  lastMileRefusal,
  lineHaulMinor,
  shareChargeMinor,
} from './pricing.ts';
export {
  type CostComponent,
  type CostKind,
  type LandedCostHook,
  type OptionLabel,
  type OptionLandedCost,
  type OptionLeg,
  type QuoteAnswer,
  type QuoteFailureCode,
  type QuoteOption,
  type QuoteSettings,
  quoteItineraries,
  zoneFor,
} from './quote.ts';
export {
  type Load,
  loadOf,
  type QuoteRequest,
  type QuoteRequestInput,
  QuoteRequestSchema,
  type Shipment,
  type ShipmentInput,
  ShipmentSchema,
} from './request.ts';
export {
  earliestRun,
  lowerBound,
  patternsFrom,
  prepareQuoteIndex,
  type QuoteIndex,
  type QuoteIndexOptions,
  type ServiceTimetable,
} from './timetable.ts';
