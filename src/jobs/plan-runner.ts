import type { CurrencyConverter, Network } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import type { Store } from '../store/index.ts';
import { PlanParamsSchema, runPlan, runReplan } from './plan-job.ts';

/**
 * Runs queued plan jobs one at a time, in this process. Jobs live in the store, so a job queued or
 * running when the server stopped is picked up again at the next start. The solver blocks the event
 * loop while it runs (seconds for a day of the sample hub).
 */
export class PlanRunner {
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #stopped = false;

  constructor(
    private readonly store: Store,
    private readonly network: () => Network,
    private readonly fx: CurrencyConverter,
    private readonly nowMs: () => number = Date.now,
    private readonly pollMs = 250,
    private readonly landed?: { readonly rules: DutyRules; readonly fx: FxTables },
  ) {}

  /** Requeues jobs a previous process left running, then starts polling. */
  async start(): Promise<void> {
    await this.store.plans.requeueRunning();
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
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
        const params = PlanParamsSchema.parse(job.params);
        let last = 0;
        if (params.basePlanId) {
          const base = await this.store.plans.get(params.basePlanId);
          if (
            base?.status !== 'done' ||
            !base.result ||
            (job.sellerId !== undefined && base.sellerId !== job.sellerId)
          ) {
            throw new Error(`plan ${params.basePlanId} is not a finished plan of this caller`);
          }
          const doc = await runReplan(
            this.store,
            this.network(),
            this.fx,
            params,
            base.result as PlanDocument,
            {
              ...(job.sellerId ? { sellerId: job.sellerId } : {}),
            },
          );
          await this.store.plans.update(job.id, { status: 'done', progress: 1, result: doc });
          return true;
        }
        const doc = await runPlan(this.store, this.network(), this.fx, params, {
          ...(job.sellerId ? { sellerId: job.sellerId } : {}),
          nowMs: this.nowMs(),
          ...(this.landed ? { landed: this.landed } : {}),
          onProgress: (f) => {
            if (f - last >= 0.05) {
              last = f;
              void this.store.plans.update(job.id, { progress: Math.round(f * 100) / 100 });
            }
          },
        });
        await this.store.plans.update(job.id, { status: 'done', progress: 1, result: doc });
      } catch (e) {
        await this.store.plans.update(job.id, { status: 'failed', error: (e as Error).message });
      }
      return true;
    } finally {
      this.#busy = false;
    }
  }
}
