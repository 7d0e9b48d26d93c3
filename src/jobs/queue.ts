import { hostname } from 'node:os';

/**
 * Background jobs behind one small interface, so that a job is a plain function whatever runs it:
 * in process beside the API (SQLite, `npm start`), or pg-boss on the same PostgreSQL as the store, taken
 * by any number of `landbridge worker` processes.
 *
 * To add a job: `queue.define({ name: 'webhook-delivery', run: async (data, job) => { … } })` where the
 * queues are set up (`defineJobs` in ./catalog.ts), then `queue.send('webhook-delivery', data)` from
 * anywhere holding the queue. The function must be idempotent where it writes (a job can be retried
 * after a worker died mid-way), should stop early when `job.signal` aborts (its lease is lost or the
 * process is stopping), and throws to fail the attempt (retried with back-off up to `retryLimit`).
 *
 * A periodic job (the customs exchange, the journey's pass) is a definition with `everyMs`, and `every`
 * when it runs per something (per hub): no timer loop of its own, the queue ticks it in every working
 * process and keys keep its runs from piling up or overlapping. `onGiveUp` hears of a job given up.
 */

/** What a running job knows about itself. */
export interface JobContext {
  /** The queue's id of the job. */
  readonly id: string;
  readonly name: string;
  /** 0 on the first attempt, 1 on the first retry, … */
  readonly attempt: number;
  /**
   * Aborted when the job must stop: its lease was lost (another worker may take it over), or the
   * worker is stopping. Writes after an abort are not allowed to win (fence them, see plan jobs).
   */
  readonly signal: AbortSignal;
  /** Who runs it, `host:pid` (kept beside what the job writes, for tracing and tests). */
  readonly workerId: string;
}

/** A kind of job: its name, its function and how it is retried and leased. */
export interface JobDefinition<T> {
  /** Letters, digits, `-` and `_` (pg-boss queue name). */
  readonly name: string;
  readonly run: (data: T, job: JobContext) => Promise<void>;
  /** Retries after a failed attempt (or a lost worker); default 5. */
  readonly retryLimit?: number;
  /** Delay before the first retry, seconds; doubled at each retry (with jitter on pg-boss); default 2. */
  readonly retryDelaySeconds?: number;
  /**
   * How long a worker holds a job without renewing its lease, seconds; the worker renews it every
   * third of that while the job runs. A worker that dies loses the job after this long, then another
   * takes it. Default `LANDBRIDGE_JOB_LEASE_SECONDS` or 30.
   */
  readonly leaseSeconds?: number;
  /** Jobs of this kind run at once in one process; default 1. */
  readonly concurrency?: number;
  /**
   * A periodic job: every this many milliseconds each working process sends the jobs of {@link every}
   * (default one job of `everyData` under the key `every`). A job waiting or running under the same key
   * takes the send's place, so however many processes tick, at most one job per key waits and one runs
   * across all of them (in process: the queue's keys; pg-boss: a `stately` queue's singleton keys).
   */
  readonly everyMs?: number;
  readonly everyData?: T;
  /**
   * The jobs one tick sends, each with its key (e.g. one per hub, keyed by the hub): runs of different
   * keys may overlap, runs of one key never do. A tick whose `every` throws sends nothing.
   */
  readonly every?: () => Promise<readonly PeriodicSend<T>[]> | readonly PeriodicSend<T>[];
  /**
   * Called once when a job is given up: its last attempt failed, or the worker running it died or lost
   * its lease on every attempt (pg-boss: a dead-letter queue `<name>-given-up` runs it, on whichever
   * worker takes it). `why` says what ended the last attempt. Idempotent, like a job.
   */
  readonly onGiveUp?: (data: T, why: string) => Promise<void>;
}

/** One job a periodic tick sends. */
export interface PeriodicSend<T> {
  readonly key: string;
  readonly data: T;
}

/** The jobs a tick of a periodic definition sends (see {@link JobDefinition.every}). */
export async function periodicSends<T>(d: JobDefinition<T>): Promise<readonly PeriodicSend<T>[]> {
  if (d.every) return d.every();
  return [{ key: 'every', data: (d.everyData ?? {}) as T }];
}

/** The dead-letter queue of a job kind on pg-boss: where given-up jobs go (see {@link JobDefinition.onGiveUp}). */
export function givenUpName(name: string): string {
  return `${name}-given-up`;
}

/** How a job is sent. */
export interface SendOptions {
  /**
   * Jobs with the same key (of the same name) never wait twice and never run at once: a send while one
   * waits is dropped (`undefined` returned).
   */
  readonly key?: string;
  /**
   * The job's id, a UUID: a second send with the same id is dropped, which makes sending idempotent
   * (plan jobs use the plan's UUID).
   */
  readonly id?: string;
  /** Not before this many milliseconds from now. */
  readonly delayMs?: number;
}

/** Where jobs are sent and (in a worker) taken from. */
export interface JobQueue {
  /** `in-process` (SQLite, one process) or `pg-boss` (PostgreSQL, any number of workers). */
  readonly engine: 'in-process' | 'pg-boss';
  /** Registers a kind of job. Define every kind before {@link start}. */
  define<T>(definition: JobDefinition<T>): void;
  /** Queues a job; its id, or undefined when dropped as a duplicate (same key waiting, same id). */
  send<T>(name: string, data: T, options?: SendOptions): Promise<string | undefined>;
  /** Connects (pg-boss: installs its schema); with `work`, starts taking jobs of every defined kind. */
  start(options?: { readonly work?: boolean }): Promise<void>;
  /** Stops taking jobs, aborts the running ones (they are retried elsewhere) and waits for them. */
  stop(): Promise<void>;
}

/** Default lease, seconds: `LANDBRIDGE_JOB_LEASE_SECONDS` or 30. */
export function defaultLeaseSeconds(): number {
  const text = process.env.LANDBRIDGE_JOB_LEASE_SECONDS;
  const n = text === undefined ? Number.NaN : Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 86_400 ? n : 30;
}

/** A job name pg-boss accepts (with room for {@link givenUpName}). */
export function checkJobName(name: string): void {
  if (!/^[A-Za-z][\w-]{0,39}$/.test(name))
    throw new Error(`job name "${name}": letters, digits, - and _, at most 40, starting with a letter`);
}

/** `host:pid`, the worker id written beside what a job writes. */
export function workerIdOfProcess(): string {
  return `${hostname()}:${process.pid}`;
}
