/**
 * Helper threads started ahead: the plan worker starts them as it starts itself, before it loads the
 * planner, so that they load theirs meanwhile (each thread loads its modules anew, seconds on a busy
 * machine); the job's {@link PlanHelpers} takes them when it begins. Only Node built-ins here, so that
 * this file loads at once.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Helper threads for a job: one fewer than the cores (the job's thread is busy too), 1 to 3. */
export function defaultHelperCount(): number {
  const env = process.env.LANDBRIDGE_PLAN_HELPERS;
  if (env && /^\d+$/.test(env) && Number(env) <= 8) return Number(env);
  return Math.max(1, Math.min(3, availableParallelism() - 1));
}

/**
 * The young generation of a plan job's threads, MB (V8's default is a few MB a semi-space): the job
 * allocates hundreds of MB of short-lived objects (parcels read, landed-cost figures, load blocks), and
 * with small semi-spaces most of them outlive a scavenge and are promoted, to be collected by the far
 * dearer full collections of a large heap.
 */
export const PLAN_YOUNG_GENERATION_MB = 96;

/** A new helper thread (its entry registers tsx, then loads the TypeScript that computes). */
export function startHelperThread(): Worker {
  return new Worker(new URL('./plan-helper-worker.mjs', import.meta.url), {
    env: { ...process.env, LANDBRIDGE_PLAN_HELPER: '1' },
    resourceLimits: { maxYoungGenerationSizeMb: PLAN_YOUNG_GENERATION_MB },
  });
}

let ahead: Worker[] = [];

/** Starts the default number of helper threads now, for the job this thread will compute. */
export function startHelpersAhead(): void {
  ahead = Array.from({ length: defaultHelperCount() }, startHelperThread);
}

/** Up to `count` helper threads started ahead (they are this caller's now); fewer when fewer were. */
export function takeHelpersAhead(count: number): Worker[] {
  const taken = ahead.slice(0, count);
  for (const w of ahead.slice(count)) void w.terminate();
  ahead = [];
  return taken;
}
