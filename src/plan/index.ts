/**
 * The consolidation planner: each parcel on an itinerary and in a container, at least cost under
 * capacities, cut-offs and promises, with a lower bound from an exact solver on the aggregated model.
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
export { type CapacityPrices, lagrangianBound, pricesFromDuals } from './bound.ts';
export { candidatesFor, type PlanCandidate, type PlanRide, type RouteClass } from './candidates.ts';
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
  type PlanDocument,
  type PlanLandedCost,
  type PlannedContainer,
  type PlannedDeparture,
  type PlannedParcel,
  type PlanSummary,
  planCsv,
  planDocument,
  planSummary,
  withLandedCost,
} from './document.ts';
export { evaluatePlan, type PlanCosts, type PlanStats } from './evaluate.ts';
export { planGreedy } from './greedy.ts';
export {
  buildModel,
  ConsolidationModel,
  type ModelChange,
  type ModelLayout,
  pruneCandidates,
  unitCostEstimate,
} from './model.ts';
export { epochDay, type PlanParcelInput, type PlanParcels, planParcels } from './parcels.ts';
export {
  fullDepartures,
  type PlanOutcome,
  type PlanRunOptions,
  planConsolidation,
  scarceClasses,
  solveRelaxation,
} from './plan.ts';
export { type Replan, replanConsolidation } from './replan.ts';
export type { LpSession, MipModel, MipResult, MipSolveOptions, MipSolver, MipStatus } from './solver.ts';
export { type PlanVerification, type PlanViolation, verifyPlan } from './verify.ts';
