import { Worker } from 'node:worker_threads';
import type { CurrencyConverter, Network } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import type { ClaimFilter, PlanJob, Store } from '../store/index.ts';
import {
  loadPlanInputs,
  loadReplanInputs,
  type PlanParams,
  PlanParamsSchema,
  runPlan,
  runReplan,
} from './plan-job.ts';
import type { PlanTask, PlanTaskMessage } from './plan-worker.ts';

/** How a runner shares its slots among tenants. */
export interface PlanRunnerOptions {
  /**
   * Jobs computed at once (default `LANDBRIDGE_PLAN_SLOTS`, else 2). With two or more, one slot is the
   * operator's alone: sellers' jobs take at most `slots − 1`, so an operator's plan starts at once
   * unless another operator plan holds every slot.
   */
  readonly slots?: number;
}

/** The default number of plan slots: `LANDBRIDGE_PLAN_SLOTS` when a whole number 1–16, else 2. */
export function defaultPlanSlots(): number {
  const env = process.env.LANDBRIDGE_PLAN_SLOTS;
  return env && /^\d+$/.test(env) && Number(env) >= 1 && Number(env) <= 16 ? Number(env) : 2;
}

/**
 * What the next claim may take under the fairness rules, given the slots and the jobs running (each
 * its seller, undefined for the operator's): undefined when no slot is free; the operator's jobs only
 * when the sellers fill every slot but the operator's; else any job but those of sellers running one.
 */
export function fairClaim(slots: number, running: readonly (string | undefined)[]): ClaimFilter | undefined {
  if (running.length >= slots) return undefined;
  const sellers = running.filter((s): s is string => s !== undefined);
  const sellerSlots = slots >= 2 ? slots - 1 : 1;
  if (sellers.length >= sellerSlots) return { operatorOnly: true };
  return sellers.length > 0 ? { exceptSellers: sellers } : {};
}

/**
 * Runs queued plan jobs, fairly: the operator's jobs are taken first and always have a slot of their
 * own; a seller runs one job at a time, and sellers' jobs share the other slots oldest first. Jobs
 * live in the store, so a job queued or running when the server stopped is picked up again at the
 * next start. With `worker` (the server's way), each job's computation runs in a worker thread and
 * the event loop stays free; without, in this thread.
 */
export class PlanRunner {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #claiming = false;
  readonly #slots: number;
  /** Jobs computing now, with their worker thread when they have one. */
  readonly #running = new Map<string, { readonly sellerId?: string; worker?: Worker; done: Promise<void> }>();

  constructor(
    private readonly store: Store,
    private readonly network: () => Network,
    private readonly fx: CurrencyConverter,
    private readonly nowMs: () => number = Date.now,
    private readonly pollMs = 250,
    private readonly landed?: { readonly rules: DutyRules; readonly fx: FxTables },
    /** Plan in worker threads, with these exchange-rate tables (the `fx` converter's data). */
    private readonly worker?: { readonly fxTables: FxTables },
    options: PlanRunnerOptions = {},
  ) {
    this.#slots = Math.max(1, options.slots ?? defaultPlanSlots());
  }

  /** Requeues jobs a previous process left running, then starts polling. */
  async start(): Promise<void> {
    await this.store.plans.requeueRunning();
    this.#schedule(0);
  }

  /** Stops polling; jobs computing in workers are stopped too and stay running, requeued at the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.all([...this.#running.values()].map((r) => r.worker?.terminate()));
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  /** Runs every queued job now, one at a time (for tests and the CLI); resolves when the queue is empty. */
  async drain(): Promise<void> {
    for (;;) {
      const job = await this.store.plans.claimNext();
      if (!job) return;
      await this.#track(job);
    }
  }

  /** Jobs computing now. */
  get running(): number {
    return this.#running.size;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(async () => {
      const started = await this.#fill().catch(() => 0);
      this.#schedule(started > 0 ? 0 : this.pollMs);
    }, delay);
  }

  #filter(): ClaimFilter | undefined {
    return fairClaim(
      this.#slots,
      [...this.#running.values()].map((r) => r.sellerId),
    );
  }

  /** Claims jobs into the free slots; returns how many started. */
  async #fill(): Promise<number> {
    if (this.#claiming) return 0;
    this.#claiming = true;
    let started = 0;
    try {
      for (;;) {
        if (this.#stopped) return started;
        const filter = this.#filter();
        if (!filter) return started;
        const job = await this.store.plans.claimNext(filter);
        if (!job) return started;
        started++;
        void this.#track(job).then(() => this.#schedule(0));
      }
    } finally {
      this.#claiming = false;
    }
  }

  /** Runs a claimed job, counted in its slot until it ends. */
  async #track(job: PlanJob): Promise<void> {
    const entry: { sellerId?: string; worker?: Worker; done: Promise<void> } = {
      ...(job.sellerId ? { sellerId: job.sellerId } : {}),
      done: Promise.resolve(),
    };
    entry.done = this.#run(job, (w) => {
      entry.worker = w;
    });
    this.#running.set(job.id, entry);
    try {
      await entry.done;
    } finally {
      this.#running.delete(job.id);
    }
  }

  async #run(job: PlanJob, onWorker: (w: Worker) => void): Promise<void> {
    try {
      const params: PlanParams = PlanParamsSchema.parse(job.params);
      let last = 0;
      const onProgress = (f: number) => {
        if (f - last >= 0.05) {
          last = f;
          void this.store.plans.update(job.id, { progress: Math.round(f * 100) / 100 }).catch(() => {});
        }
      };
      let doc: PlanDocument;
      if (params.basePlanId) {
        const base = await this.store.plans.get(params.basePlanId);
        if (
          base?.status !== 'done' ||
          !base.result ||
          (job.sellerId !== undefined && base.sellerId !== job.sellerId)
        ) {
          throw new Error(`plan ${params.basePlanId} is not a finished plan of this caller`);
        }
        const previous = base.result as PlanDocument;
        const seller = job.sellerId ? { sellerId: job.sellerId } : {};
        doc = this.worker
          ? await this.#inWorker(
              {
                kind: 'replan',
                inputs: await loadReplanInputs(this.store, this.network(), params, previous, seller),
                params,
                fxTables: this.worker.fxTables,
                previous,
              },
              onProgress,
              onWorker,
            )
          : await runReplan(this.store, this.network(), this.fx, params, previous, seller);
      } else {
        const options = {
          ...(job.sellerId ? { sellerId: job.sellerId } : {}),
          nowMs: this.nowMs(),
          ...(this.landed ? { landed: this.landed } : {}),
          onProgress,
        };
        doc = this.worker
          ? await this.#inWorker(
              {
                kind: 'plan',
                inputs: await loadPlanInputs(this.store, this.network(), params, options),
                params,
                fxTables: this.worker.fxTables,
                ...(this.landed ? { landed: this.landed } : {}),
              },
              onProgress,
              onWorker,
            )
          : await runPlan(this.store, this.network(), this.fx, params, options);
      }
      if (this.#stopped) return;
      await this.store.plans.update(job.id, { status: 'done', progress: 1, result: doc });
    } catch (e) {
      // Stopped mid-job: the job stays running in the store and is requeued at the next start.
      if (this.#stopped) return;
      await this.store.plans
        .update(job.id, { status: 'failed', error: (e as Error).message })
        .catch(() => {});
    }
  }

  /** Runs a task in a fresh worker thread; resolves with its document. */
  #inWorker(
    task: PlanTask,
    onProgress: (f: number) => void,
    onWorker: (w: Worker) => void,
  ): Promise<PlanDocument> {
    // The worker's entry registers tsx, then loads the TypeScript that plans.
    const worker = new Worker(new URL('./plan-worker.mjs', import.meta.url));
    onWorker(worker);
    return new Promise<PlanDocument>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
        void worker.terminate();
      };
      worker.on('message', (m: PlanTaskMessage) => {
        if ('progress' in m) onProgress(m.progress);
        else if ('document' in m) settle(() => resolve(m.document));
        else settle(() => reject(new Error(m.error)));
      });
      worker.on('error', (e) => settle(() => reject(e)));
      worker.on('exit', (code) =>
        settle(() => reject(new Error(`the plan worker stopped before it finished (exit code ${code})`))),
      );
      worker.postMessage(task);
    });
  }
}
