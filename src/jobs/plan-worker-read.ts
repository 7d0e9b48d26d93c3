/**
 * The plan worker thread's own read of its job's parcels: started by the thread's entry as soon as it
 * starts (from its `workerData`), while the planner's modules load, on a connection of its own; the
 * job's computation takes the batches read so far when its task comes, and the rest as they are read.
 * Only the reader's small module is loaded here, so that the read starts at once.
 */
import { workerData } from 'node:worker_threads';
import { type PlanningParcel, type PlanningSource, readPlanningSource } from '../store/planning-read.ts';

/** What the plan worker is started with when it reads its parcels itself. */
export interface PlanWorkerData {
  readonly read?: { readonly source: PlanningSource; readonly batchSize: number };
}

/** A read going on in this thread: the batches so far, then each as it comes; its time once it ends. */
export class OwnRead {
  readonly #batches: PlanningParcel[][] = [];
  #onBatch: ((batch: PlanningParcel[]) => void) | undefined;
  /** The read's time (ms) once every batch has been read; rejects when the read fails. */
  readonly done: Promise<number>;

  constructor(source: PlanningSource, batchSize: number) {
    const t = performance.now();
    this.done = (async () => {
      for await (const batch of readPlanningSource(source, batchSize)) {
        if (this.#onBatch) this.#onBatch(batch);
        else this.#batches.push(batch);
        // A turn between batches: the modules that load meanwhile, and the helpers' answers.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return performance.now() - t;
    })();
    // Its failure is the taker's to answer.
    this.done.catch(() => {});
  }

  /**
   * Hands every batch to `onBatch`, those read already first, in the order read; resolves with the
   * read's time once the last has been handed over.
   */
  take(onBatch: (batch: PlanningParcel[]) => void): Promise<number> {
    for (const batch of this.#batches.splice(0)) onBatch(batch);
    this.#onBatch = onBatch;
    return this.done;
  }
}

let started: OwnRead | undefined;

/** What a spare plan worker is sent before its task: where to read the job's parcels. */
export interface StartRead {
  readonly startRead: NonNullable<PlanWorkerData['read']>;
}

/** Starts the read this thread's `workerData` asks for, if any. */
export function startOwnRead(): void {
  const read = (workerData as PlanWorkerData | undefined)?.read;
  if (read) startRead(read);
}

/**
 * Starts a read: a spare worker's (see plan-worker-spare.ts) when it is sent a {@link StartRead} just
 * before its task. The plan worker's one message listener passes it on: a listener here, attached
 * while the worker loads, would take the messages sent before the worker's own is attached.
 */
export function startRead(read: NonNullable<PlanWorkerData['read']>): void {
  started = new OwnRead(read.source, read.batchSize);
}

/** The read this thread started (once: it is the caller's then). */
export function takeOwnRead(): OwnRead | undefined {
  const read = started;
  started = undefined;
  return read;
}
