import type { Worker } from 'node:worker_threads';
import type { CurrencyConverter, Network } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import { type PlanJob, type Store, withHub } from '../store/index.ts';
import {
  loadPlanInputs,
  type PhaseListener,
  type PlanParams,
  PlanParamsSchema,
  planWindow,
  READ_BATCH,
  runPlan,
} from './plan-job.ts';
import { loadReplanInputs, runReplan } from './plan-replan.ts';
import type { EndOfParcels, ParcelBatch, PlanTask, PlanTaskMessage } from './plan-worker.ts';
import type { PlanWorkerData } from './plan-worker-read.ts';
import { planWorkerEnded, takePlanWorker } from './plan-worker-spare.ts';

/** What computing a plan job needs besides the job. */
export interface PlanJobDeps {
  readonly store: Store;
  /** The network in force at a hub (the plan's). */
  readonly network: (hubId: string) => Network;
  readonly fx: CurrencyConverter;
  readonly nowMs: () => number;
  /** Landed-cost rules: DDP parcels' import charges join the plan's cost. */
  readonly landed?: { readonly rules: DutyRules; readonly fx: FxTables };
  /** Plan in a worker thread, with these exchange-rate tables (the `fx` converter's data). */
  readonly worker?: { readonly fxTables: FxTables };
}

/**
 * An error of the plan itself (bad parameters, an unfinished base plan, the planner's failure): the
 * same job would fail again, so it is not retried.
 */
export class PlanComputationError extends Error {}

/**
 * Loads a plan job's inputs from the store and computes its document (a plan or a re-plan), in a worker
 * thread when `deps.worker` is set. Stores nothing. Rejects with {@link PlanComputationError} when the
 * plan cannot be made, with the abort reason when `signal` aborts (the worker thread is terminated).
 */
export async function computePlanJob(
  deps: PlanJobDeps,
  job: PlanJob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<PlanDocument> {
  const r = await computePlanJobJson(deps, job, onProgress, signal);
  return r.document ?? (JSON.parse(r.json) as PlanDocument);
}

/**
 * Like {@link computePlanJob}, answering the document as JSON text, serialised where it was computed
 * (in the worker thread with `deps.worker`: the main thread neither copies the object nor serialises
 * it), and the object too when it was computed in this thread. `onPhase` hears each stage's time.
 */
export function computePlanJobJson(
  deps: PlanJobDeps,
  job: PlanJob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
  onPhase?: PhaseListener,
): Promise<{ readonly json: string; readonly document?: PlanDocument }> {
  // The plan's hub: its parcels, its base plan and its network.
  return withHub(job.hubId, async () => {
    const r = await computeInHub(deps, job, onProgress, signal, onPhase);
    if (typeof r === 'string') return { json: r };
    const t = performance.now();
    const json = JSON.stringify(r);
    onPhase?.('serialise', performance.now() - t);
    return { json, document: r };
  });
}

async function computeInHub(
  deps: PlanJobDeps,
  job: PlanJob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
  onPhase?: PhaseListener,
): Promise<PlanDocument | string> {
  const network = () => deps.network(job.hubId);
  let params: PlanParams;
  try {
    params = PlanParamsSchema.parse(job.params);
  } catch (e) {
    throw new PlanComputationError(`the plan's parameters are not valid: ${(e as Error).message}`);
  }
  const { store } = deps;
  if (params.basePlanId) {
    const base = await store.plans.get(params.basePlanId);
    if (
      base?.status !== 'done' ||
      !base.result ||
      (job.sellerId !== undefined && base.sellerId !== job.sellerId)
    )
      throw new PlanComputationError(`plan ${params.basePlanId} is not a finished plan of this caller`);
    const previous = base.result as PlanDocument;
    const seller = job.sellerId ? { sellerId: job.sellerId } : {};
    // A re-plan is costed on its base plan's basis: with DDP import charges when the base had them.
    if (!deps.worker)
      return asComputation(
        runReplan(store, network(), deps.fx, params, previous, {
          ...seller,
          ...(deps.landed ? { landed: deps.landed } : {}),
        }),
      );
    const inputs = await loadReplanInputs(store, network(), params, previous, seller);
    return inWorker(
      {
        kind: 'replan',
        inputs,
        params,
        fxTables: deps.worker.fxTables,
        previous,
        ...(deps.landed ? { landed: deps.landed } : {}),
      },
      onProgress,
      signal,
      onPhase,
    );
  }
  const options = {
    ...(job.sellerId ? { sellerId: job.sellerId } : {}),
    nowMs: deps.nowMs(),
    ...(deps.landed ? { landed: deps.landed } : {}),
    onProgress,
  };
  if (!deps.worker)
    return asComputation(
      runPlan(store, network(), deps.fx, params, { ...options, ...(onPhase ? { onPhase } : {}) }),
    );
  const task = {
    kind: 'plan',
    streamed: true,
    params,
    fxTables: deps.worker.fxTables,
    ...(deps.landed ? { landed: deps.landed } : {}),
  } as const;
  // Where the store can be opened from another thread, the worker reads the parcels itself, on a
  // connection of its own, from its first moment (while its planner loads): this thread neither reads
  // nor copies them.
  const { head, window } = planWindow(network(), params, options);
  const source = store.parcels.planningSource(window);
  if (source) {
    const data: PlanWorkerData = { read: { source, batchSize: READ_BATCH } };
    return inWorker(
      { ...task, ownRead: true, inputs: { ...head, stored: [] } },
      onProgress,
      signal,
      onPhase,
      takePlanWorker(data),
    );
  }
  // Else the worker thread starts (its helpers, the planner's context) while this one reads the
  // parcels, which go to it batch by batch as they are read: no copy of them all at once here.
  const worker = takePlanWorker();
  const t = performance.now();
  let done: Promise<string> | undefined;
  try {
    await loadPlanInputs(store, network(), params, {
      ...options,
      onStart: (head) => {
        done = inWorker({ ...task, inputs: { ...head, stored: [] } }, onProgress, signal, onPhase, worker);
        // Its failure is answered below, or after the read.
        done.catch(() => {});
      },
      onBatch: (parcels) => worker.postMessage({ parcels } satisfies ParcelBatch),
    });
  } catch (e) {
    void worker.terminate();
    throw e;
  }
  onPhase?.('read', performance.now() - t);
  if (!done) {
    void worker.terminate();
    throw new Error('the plan was not started');
  }
  worker.postMessage({ end: true } satisfies EndOfParcels);
  return done;
}

async function asComputation<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new PlanComputationError((e as Error).message);
  }
}

/** Progress reports of at least 5 points, rounded to 1 %, written to the job's row. */
export function progressWriter(store: Store, planId: string): (fraction: number) => void {
  let last = 0;
  return (f: number) => {
    if (f - last >= 0.05) {
      last = f;
      void store.plans.update(planId, { progress: Math.round(f * 100) / 100 }).catch(() => {});
    }
  };
}

/**
 * Runs a task in a fresh worker thread (or `worker`, started already); resolves with its document as
 * JSON text, stops it when `signal` aborts.
 */
function inWorker(
  task: PlanTask,
  onProgress: (f: number) => void,
  signal: AbortSignal | undefined,
  onPhase?: PhaseListener,
  started?: Worker,
): Promise<string> {
  if (signal?.aborted) {
    void started?.terminate();
    return Promise.reject(signal.reason);
  }
  const worker = started ?? takePlanWorker();
  const sent = performance.now();
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate().then(planWorkerEnded);
    };
    const onAbort = () => settle(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    let phases = 0;
    worker.on('message', (m: PlanTaskMessage) => {
      if ('progress' in m) onProgress(m.progress);
      else if ('phase' in m) {
        // The first stage also counts the worker's start and the parcels' way to it.
        if (phases++ === 0) onPhase?.('worker-start', performance.now() - sent - m.ms);
        onPhase?.(m.phase, m.ms);
      } else if ('json' in m) settle(() => resolve(m.json));
      else settle(() => reject(new PlanComputationError(m.error)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the plan worker stopped before it finished (exit code ${code})`))),
    );
    worker.postMessage(task);
  });
}
