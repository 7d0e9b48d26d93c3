/**
 * The consolidation planner: each parcel on an itinerary and in a container, at least cost under
 * capacities, cut-offs and promises, with a lower bound from the parcel-level relaxation (HiGHS, by
 * column generation over commodities) and the gap.
 */
export {
  type Aggregation,
  aggregate,
  type Commodity,
  disaggregate,
  type HoldReason,
  mostParcelsIn,
} from './aggregate.ts';
export { type Assignment, assignParcels, candidateKey } from './assign.ts';
export {
  candidatesFor,
  ownChargesMinor,
  type PlanCandidate,
  type PlanRide,
  type RouteClass,
} from './candidates.ts';
export {
  DEFAULT_PLAN_SETTINGS,
  departureKey,
  type PlanContext,
  type PlanDeparture,
  type PlanSettings,
  planDeparture,
  preparePlanContext,
  readyBucket,
} from './context.ts';
export {
  containerNames,
  type PlanCostBasis,
  type PlanDocument,
  type PlanLandedCost,
  type PlannedContainer,
  type PlannedDeparture,
  type PlannedParcel,
  type PlanSummary,
  planCsv,
  planDocument,
  planSummary,
  withBaseline,
  withLandedCost,
} from './document.ts';
export { evaluatePlan, type PlanCosts, type PlanStats } from './evaluate.ts';
export { planGreedy } from './greedy.ts';
export {
  type ImportChargeParcel,
  type ImportChargeResult,
  type ImportChargeTask,
  type ImportTrip,
  importChargeFor,
  importChargeRequest,
  importDateClasses,
  type LandedRules,
  type PlanImportCharges,
  planImportCharges,
} from './import-charges.ts';
export {
  type LoadedProof,
  type LoadMove,
  type LoadMoveHow,
  type LoadMoveOptions,
  type LoadMoves,
  moveUnloadedParcels,
} from './load-moves.ts';
export { boxOfParcel, moveBudgetMs, type ProvenPlan, proveAndMove } from './load-proof.ts';
export { epochDay, type PlanParcelInput, type PlanParcels, planParcels } from './parcels.ts';
export {
  type PlanOutcome,
  type PlanRunOptions,
  planConsolidation,
  STAY_BONUS_MINOR,
} from './plan.ts';
export {
  type CapacityPrices,
  type CommodityChoice,
  type CommodityLink,
  type CommodityTable,
  capacityTerm,
  lagrangianBound,
  type PricingSettings,
  type PricingTable,
  priceCommodity,
  pricingTable,
  zeroPrices,
} from './pricing.ts';
export {
  type ContainerMoves,
  type ContainerProof,
  type ContainerProofEntry,
  type ContainerToProve,
  containersToProve,
  type PlanContainerProof,
  parcelsDigest,
  proofHardLimitMs,
  proveAll,
  proveContainer,
  summariseProofs,
} from './prove.ts';
export {
  type CommodityMix,
  type Relaxation,
  type RelaxationOptions,
  solveRelaxation,
} from './relaxation.ts';
export { freightCostMinor, type Replan, replanConsolidation } from './replan.ts';
export { parcelLevelModel, parcelsFromMixes, type SettledParcels } from './settle.ts';
export type {
  LpSession,
  MipModel,
  MipResult,
  MipSolveOptions,
  MipSolver,
  MipStatus,
  ModelChange,
} from './solver.ts';
export {
  HOLD_REASONS,
  type ImportChargeOf,
  type PlanRule,
  type PlanVerification,
  type PlanViolation,
  type VerifyOptions,
  verifyPlan,
} from './verify.ts';
