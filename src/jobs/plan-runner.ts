import type { CurrencyConverter, Network } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import type { ClaimFilter, PlanJob, Store } from '../store/index.ts';
import { computePlanJobJson, progressWriter } from './plan-execute.ts';

/** How a runner shares its slots among tenants. */
export interface PlanRunnerOptions {
  /**
   * Jobs computed at once (default `LANDBRIDGE_PLAN_SLOTS`, else 2). With two or more, one slot is the
   * operator's alone: sellers' jobs take at most `slots − 1`, so an operator's plan starts at once
   * unless another operator plan holds every slot.
   */
  readonly slots?: number;
  /** Hears each finished job's stages and their times (ms), the store's write last (`store`). */
  readonly onPhases?: (
    jobId: string,
    phases: readonly { readonly phase: string; readonly ms: number }[],
  ) => void;
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
  readonly #onPhases: PlanRunnerOptions['onPhases'];
  /** Jobs computing now, with their worker thread when they have one. */
  readonly #running = new Map<
    string,
    { readonly sellerId?: string; abort: AbortController; done: Promise<void> }
  >();

  constructor(
    private readonly store: Store,
    /** The network in force at a hub (a plan job's). */
    private readonly network: (hubId: string) => Network,
    private readonly fx: CurrencyConverter,
    private readonly nowMs: () => number = Date.now,
    private readonly pollMs = 250,
    private readonly landed?: { readonly rules: DutyRules; readonly fx: FxTables },
    /** Plan in worker threads, with these exchange-rate tables (the `fx` converter's data). */
    private readonly worker?: { readonly fxTables: FxTables },
    options: PlanRunnerOptions = {},
  ) {
    this.#slots = Math.max(1, options.slots ?? defaultPlanSlots());
    this.#onPhases = options.onPhases;
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
    for (const r of this.#running.values()) r.abort.abort(new Error('the plan runner is stopping'));
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
    const entry: { sellerId?: string; abort: AbortController; done: Promise<void> } = {
      ...(job.sellerId ? { sellerId: job.sellerId } : {}),
      abort: new AbortController(),
      done: Promise.resolve(),
    };
    entry.done = this.#run(job, entry.abort.signal);
    this.#running.set(job.id, entry);
    try {
      await entry.done;
    } finally {
      this.#running.delete(job.id);
    }
  }

  async #run(job: PlanJob, signal: AbortSignal): Promise<void> {
    const phases: { phase: string; ms: number }[] = [];
    try {
      const { json } = await computePlanJobJson(
        {
          store: this.store,
          network: this.network,
          fx: this.fx,
          nowMs: this.nowMs,
          ...(this.landed ? { landed: this.landed } : {}),
          ...(this.worker ? { worker: this.worker } : {}),
        },
        job,
        progressWriter(this.store, job.id),
        signal,
        (phase, ms) => phases.push({ phase, ms }),
      );
      if (this.#stopped) return;
      // Stored as the text the worker serialised: no copy of the object, no serialising here.
      const t = performance.now();
      await this.store.plans.update(job.id, { status: 'done', progress: 1, resultJson: json });
      phases.push({ phase: 'store', ms: performance.now() - t });
      this.#onPhases?.(job.id, phases);
    } catch (e) {
      // Stopped mid-job: the job stays running in the store and is requeued at the next start.
      if (this.#stopped) return;
      await this.store.plans
        .update(job.id, { status: 'failed', error: (e as Error).message })
        .catch(() => {});
    }
  }
}
