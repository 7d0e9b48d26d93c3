/** Plan jobs: queued in the store, run by a runner in the server process, resumed after a restart. */

export { CustomsExchangeJob, type CustomsExchangeOptions, runCustomsExchange } from './customs-exchange.ts';
export { JourneyJob, type JourneyJobOptions } from './journey-job.ts';
export { type PlanParams, PlanParamsSchema, type ReplanResult, runPlan, runReplan } from './plan-job.ts';
export { defaultPlanSlots, fairClaim, PlanRunner, type PlanRunnerOptions } from './plan-runner.ts';
