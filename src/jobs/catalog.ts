import { randomUUID } from 'node:crypto';
import { type Store, withHub } from '../store/index.ts';
import { type CustomsExchangeJob, customsExchangeJob } from './customs-exchange.ts';
import { type JourneyJob, journeyJob } from './journey-job.ts';
import { JOB_NAMES } from './names.ts';
import {
  computePlanJobJson,
  PlanComputationError,
  type PlanJobDeps,
  progressWriter,
} from './plan-execute.ts';
import { defaultPlanSlots } from './plan-runner.ts';
import type { JobDefinition, JobQueue } from './queue.ts';

export { JOB_NAMES };

/** What a plan job carries: the plan's id; everything else is in its `plans` row. */
export interface PlanJobData {
  readonly planId: string;
}

/** Retries of a plan job whose worker died or whose store failed (a plan that cannot be made fails at once). */
export const PLAN_RETRY_LIMIT = 3;

/**
 * The plan job as a queue job: claims the plan's row with a fresh token (counting the attempt), computes
 * in a worker thread, and writes the outcome only while its claim holds, so a worker that lost its lease
 * cannot overwrite the one that took over, and a retry of a finished plan does nothing. When the queue
 * gives the job up (the worker running it died on every attempt), the plan is failed with the reason.
 */
export function planJob(
  deps: PlanJobDeps,
  /** Retries (default {@link PLAN_RETRY_LIMIT}; tests use fewer). */
  retryLimit = PLAN_RETRY_LIMIT,
): JobDefinition<PlanJobData> {
  return {
    name: JOB_NAMES.plan,
    // A worker computes as many plans at once as a server's plan runner: LANDBRIDGE_PLAN_SLOTS (2).
    concurrency: defaultPlanSlots(),
    retryLimit,
    retryDelaySeconds: 1,
    async run({ planId }, job) {
      const token = randomUUID();
      const claimed = await deps.store.plans.claim(planId, { token, workerId: job.workerId });
      if (!claimed) return;
      let outcome: Parameters<Store['plans']['finish']>[2];
      try {
        const { json } = await computePlanJobJson(
          deps,
          claimed,
          progressWriter(deps.store, planId),
          job.signal,
        );
        outcome = { status: 'done', progress: 1, resultJson: json, error: null };
      } catch (e) {
        // Lost lease or stopping: the next holder writes. A store or worker failure: retried.
        if (job.signal.aborted) throw e;
        if (!(e instanceof PlanComputationError) && job.attempt < retryLimit) throw e;
        outcome = { status: 'failed', error: (e as Error).message };
      }
      if (job.signal.aborted) throw job.signal.reason;
      await deps.store.plans.finish(planId, token, outcome);
    },
    async onGiveUp({ planId }, why) {
      await deps.store.plans.failUnfinished(
        planId,
        `the plan job was given up after ${retryLimit + 1} attempts: ${why}`,
      );
    },
  };
}

/** The plan id's UUID, the plan job's id in the queue (so sending a plan twice queues it once). */
export function planJobId(planId: string): string | undefined {
  const m = /^plan-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(planId);
  return m?.[1];
}

/** Sends the plan job of a queued plan; sending it again is harmless. */
export async function sendPlanJob(queue: JobQueue, planId: string): Promise<void> {
  const id = planJobId(planId);
  await queue.send<PlanJobData>(JOB_NAMES.plan, { planId }, { ...(id ? { id } : {}), key: planId });
}

/** The hubs periodic jobs run for. */
export type HubList = () => readonly string[] | Promise<readonly string[]>;

/**
 * Every few seconds, per hub, one worker sends the job of every plan of the hub still `queued`
 * (sending is idempotent by the plan's id): a plan whose process died between storing the row and
 * sending its job is not lost.
 */
export function reconcilePlansJob(
  store: Store,
  queue: JobQueue,
  hubs: HubList,
  everyMs = 5_000,
): JobDefinition<{ readonly hubId: string }> {
  return {
    name: JOB_NAMES.reconcilePlans,
    everyMs,
    every: async () => (await hubs()).map((hubId) => ({ key: hubId, data: { hubId } })),
    retryLimit: 0,
    async run({ hubId }) {
      const queued = await withHub(hubId, () => store.plans.list({ status: 'queued' }));
      for (const p of queued) await sendPlanJob(queue, p.id);
    },
  };
}

/** What the periodic jobs of {@link definePeriodicJobs} need. */
export interface PeriodicJobsDeps {
  /** The hubs to run them for: every hub with an active network (read fresh or cached by the caller). */
  readonly hubs: HubList;
  /** The customs exchange of every hub; without it no exchange job runs. */
  readonly customs?: CustomsExchangeJob;
  /** The journey's pass (webhook deliveries due, re-plans adopted); without it no journey job runs. */
  readonly journey?: JourneyJob;
}

/** What {@link defineJobs} needs. */
export interface JobsDeps extends PeriodicJobsDeps {
  readonly plans: PlanJobDeps;
}

/**
 * Defines the periodic jobs, for every hub: the customs exchange every 2 s and the journey's pass every
 * second, each one at a time per hub over all processes. On an in-process queue (SQLite) and on pg-boss
 * alike: no timer loop of their own.
 */
export function definePeriodicJobs(queue: JobQueue, deps: PeriodicJobsDeps): void {
  if (deps.customs) queue.define(customsExchangeJob(deps.customs, deps.hubs));
  if (deps.journey) queue.define(journeyJob(deps.journey, deps.hubs));
}

/**
 * Defines Landbridge's jobs on a queue (pg-boss): plan runs and re-plans, the plan reconciler, and the
 * periodic jobs. Other jobs (simulation, …) plug in here the same way: `queue.define({ name, run })`
 * with a plain function, `everyMs` (and `every`, per hub) for a periodic one.
 */
export function defineJobs(queue: JobQueue, deps: JobsDeps): void {
  queue.define(planJob(deps.plans));
  queue.define(reconcilePlansJob(deps.plans.store, queue, deps.hubs));
  definePeriodicJobs(queue, deps);
}
