import { Worker } from 'node:worker_threads';
import type { CurrencyConverter, Network } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import type { Store } from '../store/index.ts';
import {
  loadPlanInputs,
  loadReplanInputs,
  type PlanParams,
  PlanParamsSchema,
  runPlan,
  runReplan,
} from './plan-job.ts';
import type { PlanTask, PlanTaskMessage } from './plan-worker.ts';

/**
 * Runs queued plan jobs one at a time. Jobs live in the store, so a job queued or running when the
 * server stopped is picked up again at the next start. With `worker` (the server's way), each job's
 * computation runs in a worker thread and the event loop stays free; without, in this thread.
 */
export class PlanRunner {
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #stopped = false;
  #worker: Worker | undefined;

  constructor(
    private readonly store: Store,
    private readonly network: () => Network,
    private readonly fx: CurrencyConverter,
    private readonly nowMs: () => number = Date.now,
    private readonly pollMs = 250,
    private readonly landed?: { readonly rules: DutyRules; readonly fx: FxTables },
    /** Plan in worker threads, with these exchange-rate tables (the `fx` converter's data). */
    private readonly worker?: { readonly fxTables: FxTables },
  ) {}

  /** Requeues jobs a previous process left running, then starts polling. */
  async start(): Promise<void> {
    await this.store.plans.requeueRunning();
    this.#schedule(0);
  }

  /** Stops polling; a job computing in a worker is stopped too and stays queued for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#worker?.terminate();
    while (this.#busy) await new Promise((r) => setTimeout(r, 20));
  }

  /** Runs every queued job now (for tests and the CLI); resolves when the queue is empty. */
  async drain(): Promise<void> {
    while (await this.#runNext()) {
      /* next */
    }
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(async () => {
      const ran = await this.#runNext().catch(() => false);
      this.#schedule(ran ? 0 : this.pollMs);
    }, delay);
  }

  async #runNext(): Promise<boolean> {
    if (this.#busy) return false;
    this.#busy = true;
    try {
      const job = await this.store.plans.claimNext();
      if (!job) return false;
      try {
        const params: PlanParams = PlanParamsSchema.parse(job.params);
        let last = 0;
        const onProgress = (f: number) => {
          if (f - last >= 0.05) {
            last = f;
            void this.store.plans.update(job.id, { progress: Math.round(f * 100) / 100 });
          }
        };
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
          const doc = this.worker
            ? await this.#inWorker(
                {
                  kind: 'replan',
                  inputs: await loadReplanInputs(this.store, this.network(), params, previous, seller),
                  params,
                  fxTables: this.worker.fxTables,
                  previous,
                },
                onProgress,
              )
            : await runReplan(this.store, this.network(), this.fx, params, previous, seller);
          if (this.#stopped) return true;
          await this.store.plans.update(job.id, { status: 'done', progress: 1, result: doc });
          return true;
        }
        const options = {
          ...(job.sellerId ? { sellerId: job.sellerId } : {}),
          nowMs: this.nowMs(),
          ...(this.landed ? { landed: this.landed } : {}),
          onProgress,
        };
        const doc = this.worker
          ? await this.#inWorker(
              {
                kind: 'plan',
                inputs: await loadPlanInputs(this.store, this.network(), params, options),
                params,
                fxTables: this.worker.fxTables,
                ...(this.landed ? { landed: this.landed } : {}),
              },
              onProgress,
            )
          : await runPlan(this.store, this.network(), this.fx, params, options);
        if (this.#stopped) return true;
        await this.store.plans.update(job.id, { status: 'done', progress: 1, result: doc });
      } catch (e) {
        // Stopped mid-job: the job stays running in the store and is requeued at the next start.
        if (this.#stopped) return true;
        await this.store.plans.update(job.id, { status: 'failed', error: (e as Error).message });
      }
      return true;
    } finally {
      this.#busy = false;
    }
  }

  /** Runs a task in a fresh worker thread; resolves with its document. */
  #inWorker(task: PlanTask, onProgress: (f: number) => void): Promise<PlanDocument> {
    // The worker's entry registers tsx, then loads the TypeScript that plans.
    const worker = new Worker(new URL('./plan-worker.mjs', import.meta.url));
    this.#worker = worker;
    return new Promise<PlanDocument>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.#worker = undefined;
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
