/**
 * Helper threads of one plan job: started when the job starts (they load while it plans), fed with
 * the landed-cost rules once, then given shares of the job's DDP import charges and container proofs.
 * A helper that fails or dies leaves its share to the job's own thread: the answer is the same.
 */
import type { Worker } from 'node:worker_threads';
import type { Currency, Equipment } from '../domain/index.ts';
import {
  type ContainerProof,
  type ContainerToProve,
  type LandedRules,
  proveAll,
  proveContainer,
} from '../plan/index.ts';
import { startHelperThread, takeHelpersAhead } from './plan-helper-threads.ts';
import {
  floorOf,
  type PlanHelperAnswer,
  type PlanHelperRequest,
  type SharedWork,
  takeShare,
  tripChargeOf,
} from './plan-helper-worker.ts';

export { defaultHelperCount } from './plan-helper-threads.ts';

type Distributed<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Helper {
  readonly worker: Worker;
  alive: boolean;
  readonly waiting: Map<number, (a: PlanHelperAnswer | undefined) => void>;
}

/** The helper threads of one job. `close()` when the job ends. */
export class PlanHelpers {
  readonly #helpers: Helper[] = [];
  #next = 1;

  constructor(count: number, landed: LandedRules | undefined) {
    const ahead = takeHelpersAhead(count);
    for (let i = 0; i < count; i++) {
      const worker = ahead[i] ?? startHelperThread();
      const helper: Helper = { worker, alive: true, waiting: new Map() };
      const fail = () => {
        helper.alive = false;
        for (const resolve of helper.waiting.values()) resolve(undefined);
        helper.waiting.clear();
      };
      worker.on('message', (m: PlanHelperAnswer) => {
        if (m.id === undefined) return;
        const resolve = helper.waiting.get(m.id);
        helper.waiting.delete(m.id);
        resolve?.(m.kind === 'error' ? undefined : m);
      });
      worker.on('error', fail);
      worker.on('exit', fail);
      this.#helpers.push(helper);
      if (landed) void this.#ask(helper, { kind: 'init', landed });
    }
  }

  get size(): number {
    return this.#helpers.length;
  }

  /** Sends a request to helper `i`; its answer, or undefined when the helper failed. */
  ask(i: number, request: Distributed<PlanHelperRequest>): Promise<PlanHelperAnswer | undefined> {
    const helper = this.#helpers[i % this.#helpers.length];
    return helper ? this.#ask(helper, request) : Promise.resolve(undefined);
  }

  #ask(helper: Helper, request: Distributed<PlanHelperRequest>): Promise<PlanHelperAnswer | undefined> {
    if (!helper.alive) return Promise.resolve(undefined);
    const id = this.#next++;
    return new Promise((resolve) => {
      helper.waiting.set(id, resolve);
      helper.worker.postMessage({ ...request, id } as PlanHelperRequest);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#helpers.map((h) => h.worker.terminate().catch(() => 0)));
  }
}

/**
 * Figures of many tasks shared between the helpers and, once it calls `finish()`, the job's thread:
 * the helpers start at once (while the job's thread plans, say), and every thread takes the next chunk
 * from a counter in shared memory, so that none waits while work is left. NaN where a parcel cannot
 * be charged.
 */
export class SharedFigures<T> {
  readonly #work: SharedWork;
  readonly #running: Promise<unknown>[];

  constructor(
    helpers: PlanHelpers,
    private readonly kind: 'floors' | 'trip-charges',
    private readonly tasks: readonly T[],
    currency: Currency,
    private readonly landed: LandedRules,
    chunk = 250,
  ) {
    this.#work = {
      currency,
      next: new SharedArrayBuffer(4),
      out: new SharedArrayBuffer(8 * Math.max(1, tasks.length)),
      chunk,
    };
    this.#running =
      tasks.length === 0
        ? []
        : Array.from({ length: helpers.size }, (_, i) =>
            helpers.ask(i, { kind, tasks, ...this.#work } as Distributed<PlanHelperRequest>),
          );
  }

  get #one(): (t: T, currency: Currency, landed: LandedRules) => number {
    return (this.kind === 'floors' ? floorOf : tripChargeOf) as (
      t: T,
      currency: Currency,
      landed: LandedRules,
    ) => number;
  }

  /** Takes the chunks left, in this thread (they are done when it returns). */
  takeHere(): void {
    takeShare(this.tasks, this.#work, this.#one, this.landed);
  }

  /** Takes the chunks left here, waits for the helpers' last ones; each task's figure, in order. */
  async finish(): Promise<Float64Array> {
    const one = this.#one;
    this.takeHere();
    const answers = await Promise.all(this.#running);
    const out = new Float64Array(this.#work.out, 0, this.tasks.length);
    // A helper that died may have left its chunk half done: those figures are computed again here.
    if (answers.some((a) => a === undefined))
      for (let i = 0; i < this.tasks.length; i++)
        out[i] = one(this.tasks[i]!, this.#work.currency, this.landed);
    return Float64Array.from(out);
  }
}

/**
 * 3D proofs of a plan's containers, on the helpers and this thread, in the containers' order: each
 * thread proves the next container none has taken (a counter in shared memory), so that none waits
 * while containers are left. A helper that fails leaves the containers it took to this thread. The
 * helpers start now (they take containers as soon as they are free); `finish()` takes the containers
 * left in this thread and answers the proofs.
 */
export function startProofs(
  helpers: PlanHelpers,
  containers: readonly ContainerToProve[],
  equipment: readonly Equipment[],
  timeLimitMs: number,
): { finish(): Promise<ContainerProof[]> } {
  if (helpers.size === 0 || containers.length < 4)
    return { finish: async () => proveAll(containers, equipment, timeLimitMs) };
  // The threads take the containers with the most parcels first (longest first): the biggest takes
  // seconds where most take 0.1 s, and taken last it alone would run on after the others (at 100,000
  // parcels, 4.4 s of a proof stage of 6.8 s).
  const order = containers
    .map((_, i) => i)
    .sort((a, b) => containers[b]!.boxes.length - containers[a]!.boxes.length || a - b);
  const started = startProofsInOrder(
    helpers,
    order.map((i) => containers[i]!),
    equipment,
    timeLimitMs,
  );
  return {
    async finish() {
      const proofs = await started.finish();
      const back: ContainerProof[] = new Array(containers.length);
      order.forEach((i, k) => {
        back[i] = proofs[k]!;
      });
      return back;
    },
  };
}

/** {@link startProofs} over the containers in the order given. */
function startProofsInOrder(
  helpers: PlanHelpers,
  containers: readonly ContainerToProve[],
  equipment: readonly Equipment[],
  timeLimitMs: number,
): { finish(): Promise<ContainerProof[]> } {
  const next = new SharedArrayBuffer(4);
  const pending = Array.from({ length: helpers.size }, (_, i) =>
    helpers.ask(i, { kind: 'prove-shared', containers, equipment, timeLimitMs, next }),
  );
  return {
    async finish() {
      const counter = new Int32Array(next);
      const byType = new Map(equipment.map((e) => [e.type as string, e]));
      const proofs: (ContainerProof | undefined)[] = new Array(containers.length);
      for (;;) {
        const at = Atomics.add(counter, 0, 1);
        if (at >= containers.length) break;
        const c = containers[at]!;
        proofs[at] = proveContainer(c, byType.get(c.type)!, { timeLimitMs, maxRounds: 1 });
      }
      for (const a of await Promise.all(pending))
        if (a?.kind === 'prove-shared') for (const { at, proof } of a.proofs) proofs[at] = proof;
      // Containers a failed helper took are proven here.
      return proofs.map((p, i) => p ?? proveAll([containers[i]!], equipment, timeLimitMs)[0]!);
    },
  };
}
