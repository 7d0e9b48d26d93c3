/**
 * Background jobs: plan runs and re-plans, the customs exchange, the journey's pass, and the queue they
 * run on (in process with SQLite, pg-boss on PostgreSQL; see ./queue.ts for how to add a job).
 */

export {
  defineJobs,
  definePeriodicJobs,
  type HubList,
  JOB_NAMES,
  type JobsDeps,
  type PeriodicJobsDeps,
  PLAN_RETRY_LIMIT,
  type PlanJobData,
  planJob,
  planJobId,
  reconcilePlansJob,
  sendPlanJob,
} from './catalog.ts';
export {
  CustomsExchangeJob,
  type CustomsExchangeOptions,
  customsExchangeJob,
  hubExchangeDir,
  runCustomsExchange,
} from './customs-exchange.ts';
export { InProcessQueue } from './in-process-queue.ts';
export { JourneyJob, type JourneyJobOptions, journeyJob } from './journey-job.ts';
export { PgBossQueue, type PgBossQueueOptions } from './pg-boss-queue.ts';
export { computePlanJob, PlanComputationError, type PlanJobDeps } from './plan-execute.ts';
export {
  disruptionProblems,
  PlanDisruptionSchema,
  type PlanParams,
  PlanParamsSchema,
  runPlan,
} from './plan-job.ts';
export { type ReplanResult, runReplan } from './plan-replan.ts';
export { defaultPlanSlots, fairClaim, PlanRunner, type PlanRunnerOptions } from './plan-runner.ts';
export { closeSparePlanWorker, hasSparePlanWorker, keepSparePlanWorker } from './plan-worker-spare.ts';
export {
  defaultLeaseSeconds,
  type JobContext,
  type JobDefinition,
  type JobQueue,
  type PeriodicSend,
  type SendOptions,
} from './queue.ts';
