import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, LandbridgeError, type Problem } from '../domain/index.ts';
import type { TaskInput, TaskName, TaskOutput } from './tasks.ts';

/** A task that ran past its time limit: its worker was terminated (and is replaced for the next task). */
export class TaskTimeoutError extends LandbridgeError {
  constructor(name: string, limitMs: number) {
    super(
      'unavailable',
      `${name} did not finish within its time limit (${Math.round(limitMs)} ms); it was stopped`,
      [],
      {
        retryAfterSeconds: 5,
      },
    );
  }
}

/**
 * Contexts a worker keeps, the newest by when they were sent; the pool forgets a worker's oldest as the
 * worker does, so that it sends a context again rather than name one the worker dropped.
 */
export const WORKER_CONTEXTS = 6;

/** Options of one task. */
export interface RunOptions {
  /**
   * Terminate the worker and reject with {@link TaskTimeoutError} after this many ms, counted from when
   * a loaded worker takes the task (time queued does not count).
   */
  readonly timeoutMs?: number;
  /**
   * Data the task reads from its worker's cache by `key` (a network, rate tables, rules): sent once to
   * each worker, then only named. Change the key when the data changes.
   */
  readonly context?: { readonly key: string; readonly value: () => unknown };
}

/** Sizes and counts, for health and tests. */
export interface TaskPoolStats {
  readonly size: number;
  readonly started: number;
  /** Workers loaded and listening. */
  readonly ready: number;
  readonly busy: number;
  readonly queued: number;
  readonly timedOut: number;
}

export interface TaskPoolOptions {
  /** Worker threads (default: `LANDBRIDGE_WORKERS`, else the number of cores, at most 8). */
  readonly size?: number;
  /** Tasks waiting beyond these are refused at once with 503 (default 256). */
  readonly maxQueued?: number;
  /** The nice value each worker thread gives itself as it starts (default 0: the creating thread's). */
  readonly nice?: number;
}

interface Pending {
  readonly id: number;
  readonly name: string;
  readonly input: unknown;
  readonly options: RunOptions;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  /** Loaded and listening (a fresh worker takes a moment to load its TypeScript). */
  ready: boolean;
  readonly contexts: Set<string>;
  job: Pending | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** What a worker answers. */
export type TaskReply =
  | { readonly id: number; readonly ok: true; readonly output: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: {
        readonly message: string;
        readonly code?: ErrorCode;
        readonly problems?: readonly Problem[];
      };
    };

/** The pool size: `LANDBRIDGE_WORKERS` when set to a whole number 1–64, else the cores (at most 8). */
export function defaultPoolSize(): number {
  const env = process.env.LANDBRIDGE_WORKERS;
  if (env && /^\d+$/.test(env) && Number(env) >= 1 && Number(env) <= 64) return Number(env);
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * A small pool of worker threads for CPU-heavy work that must not hold the event loop: load plans,
 * big quote batches, parsing big imports, statistics. Tasks queue first in, first out; a task past its
 * `timeoutMs` has its worker terminated (the time limit holds even when the task does not stop itself)
 * and a fresh worker takes its place. Workers start on first use (or {@link warm}) and stay.
 */
export class TaskPool {
  readonly size: number;
  readonly #maxQueued: number;
  readonly #nice: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #timedOut = 0;
  #closed = false;

  constructor(options: TaskPoolOptions = {}) {
    this.size = options.size ?? defaultPoolSize();
    this.#maxQueued = options.maxQueued ?? 256;
    this.#nice = options.nice ?? 0;
  }

  /** Runs task `name` on `input` in a worker; resolves with its output, rejects with its error. */
  run<N extends TaskName>(name: N, input: TaskInput<N>, options: RunOptions = {}): Promise<TaskOutput<N>> {
    if (this.#closed) return Promise.reject(new LandbridgeError('unavailable', 'the server is stopping'));
    if (this.#queue.length >= this.#maxQueued)
      return Promise.reject(
        new LandbridgeError('unavailable', 'the server is busy with heavy requests; try again shortly', [], {
          retryAfterSeconds: 2,
        }),
      );
    return new Promise<TaskOutput<N>>((resolve, reject) => {
      this.#queue.push({
        id: this.#nextId++,
        name,
        input,
        options,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.#dispatch();
    });
  }

  /** Starts `count` workers (default: every one) now, so that the first tasks do not wait for a thread to load. */
  warm(count = this.size): void {
    while (!this.#closed && this.#slots.length < Math.min(count, this.size)) this.#spawn();
  }

  get stats(): TaskPoolStats {
    return {
      size: this.size,
      started: this.#slots.length,
      ready: this.#slots.filter((s) => s.ready).length,
      busy: this.#slots.filter((s) => s.job).length,
      queued: this.#queue.length,
      timedOut: this.#timedOut,
    };
  }

  /** Refuses new tasks, fails the queued ones and terminates the workers. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0))
      p.reject(new LandbridgeError('unavailable', 'the server is stopping'));
    await Promise.all(
      this.#slots.splice(0).map((s) => {
        if (s.timer) clearTimeout(s.timer);
        s.job?.reject(new LandbridgeError('unavailable', 'the server is stopping'));
        return s.worker.terminate();
      }),
    );
  }

  #spawn(): Slot {
    // The entry registers tsx, then loads the TypeScript of the tasks.
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { nice: this.#nice } });
    worker.unref();
    const slot: Slot = { worker, ready: false, contexts: new Set(), job: undefined, timer: undefined };
    worker.on('message', (m: TaskReply | { readonly ready: true }) => {
      if ('ready' in m) {
        slot.ready = true;
        this.#dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      this.#finish(slot);
      if (m.ok) job.resolve(m.output);
      else
        job.reject(
          m.error.code
            ? new LandbridgeError(m.error.code, m.error.message, m.error.problems ?? [])
            : new Error(m.error.message),
        );
      this.#dispatch();
    });
    const lost = (why: string) => {
      const job = slot.job;
      if (!this.#slots.includes(slot)) return;
      this.#remove(slot);
      job?.reject(new Error(`a worker thread stopped: ${why}`));
      this.#dispatch();
    };
    worker.on('error', (e) => lost(e.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.#slots.push(slot);
    return slot;
  }

  #finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    slot.worker.unref();
  }

  #remove(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    slot.job = undefined;
  }

  #dispatch(): void {
    while (!this.#closed && this.#queue.length > 0) {
      const slot = this.#slots.find((s) => s.ready && !s.job);
      if (!slot) {
        // start workers up to the pool's size: each takes the queue's head once loaded
        const loading = this.#slots.filter((s) => !s.ready).length;
        for (let i = loading; i < this.#queue.length && this.#slots.length < this.size; i++) this.#spawn();
        return;
      }
      const job = this.#queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      const ctx = job.options.context;
      const contexts: [string, unknown][] = [];
      if (ctx && !slot.contexts.has(ctx.key)) {
        contexts.push([ctx.key, ctx.value()]);
        slot.contexts.add(ctx.key);
        if (slot.contexts.size > WORKER_CONTEXTS) slot.contexts.delete(slot.contexts.values().next().value!);
      }
      if (job.options.timeoutMs !== undefined) {
        const limit = job.options.timeoutMs;
        slot.timer = setTimeout(() => {
          if (slot.job !== job) return;
          this.#timedOut++;
          this.#remove(slot);
          void slot.worker.terminate();
          job.reject(new TaskTimeoutError(job.name, limit));
          // keep the pool at its size: the replacement loads while the next task waits
          if (!this.#closed) this.#spawn();
          this.#dispatch();
        }, limit);
      }
      try {
        slot.worker.postMessage({ id: job.id, name: job.name, input: job.input, contexts });
      } catch (e) {
        this.#finish(slot);
        job.reject(e);
      }
    }
  }
}
