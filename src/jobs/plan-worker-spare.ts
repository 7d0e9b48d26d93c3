/**
 * Plan worker threads, and one kept loaded ahead of the next job. A fresh worker spends its first
 * second (more on a busy machine) loading the planner's modules and starting its helper threads; a
 * spare started when the server is up, and again after each job, has done that before the job comes.
 * A job takes the spare and tells it where to read its parcels (what a fresh worker gets as its
 * `workerData`); the spare is unreferenced, so it never keeps a process alive.
 */
import { Worker } from 'node:worker_threads';
import { PLAN_YOUNG_GENERATION_MB } from './plan-helper-threads.ts';
import type { PlanWorkerData, StartRead } from './plan-worker-read.ts';

/**
 * A fresh plan worker thread: its entry registers tsx, then loads the TypeScript that plans; with
 * `data.read`, it reads its parcels itself meanwhile. Its young generation is the helpers' (see
 * {@link PLAN_YOUNG_GENERATION_MB}).
 */
function startPlanWorker(data?: PlanWorkerData): Worker {
  return new Worker(new URL('./plan-worker.mjs', import.meta.url), {
    ...(data ? { workerData: data } : {}),
    resourceLimits: { maxYoungGenerationSizeMb: PLAN_YOUNG_GENERATION_MB },
  });
}

let spare: Worker | undefined;
let keeping = false;

/** Drops the spare when it ends on its own (it failed to load): the next job starts a fresh one. */
function dropOnExit(worker: Worker): void {
  const drop = () => {
    if (spare === worker) spare = undefined;
  };
  worker.once('error', drop);
  worker.once('exit', drop);
}

/** Starts a spare now if spares are kept and there is none. */
function refill(): void {
  if (!keeping || spare) return;
  const worker = startPlanWorker();
  worker.unref();
  dropOnExit(worker);
  // an error event with no listener would end the process; dropOnExit listens
  spare = worker;
}

/**
 * Keeps a plan worker loaded ahead of the next job from now on (a server or a `landbridge worker`);
 * `LANDBRIDGE_PLAN_SPARE=0` turns it off. Processes that run one plan and end (the CLI) do not call it.
 */
export function keepSparePlanWorker(env: NodeJS.ProcessEnv = process.env): void {
  if (env.LANDBRIDGE_PLAN_SPARE === '0') return;
  keeping = true;
  refill();
}

/** Stops keeping a spare and ends the one kept (the server is stopping). */
export async function closeSparePlanWorker(): Promise<void> {
  keeping = false;
  const worker = spare;
  spare = undefined;
  await worker?.terminate();
}

/** Whether a spare is kept now (for tests). */
export function hasSparePlanWorker(): boolean {
  return spare !== undefined;
}

/**
 * A plan worker for a job: the spare when there is one (told where to read, if `data` says), else a
 * fresh one. The next spare starts once this job's worker has ended ({@link planWorkerEnded}).
 */
export function takePlanWorker(data?: PlanWorkerData): Worker {
  const worker = spare;
  spare = undefined;
  if (!worker) return startPlanWorker(data);
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  worker.ref();
  if (data?.read) worker.postMessage({ startRead: data.read } satisfies StartRead);
  return worker;
}

/** A job's worker has ended: start the next spare (when spares are kept). */
export function planWorkerEnded(): void {
  refill();
}
