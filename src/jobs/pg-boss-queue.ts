import PgBoss from 'pg-boss';
import {
  checkJobName,
  defaultLeaseSeconds,
  givenUpName,
  type JobContext,
  type JobDefinition,
  type JobQueue,
  periodicSends,
  type SendOptions,
  workerIdOfProcess,
} from './queue.ts';

/** Options of {@link PgBossQueue}. */
export interface PgBossQueueOptions {
  /** The PostgreSQL URL (the store's `DATABASE_URL`). */
  readonly connectionString: string;
  /** The schema pg-boss keeps its tables in; default `pgboss`. */
  readonly schema?: string;
  /** How often an idle worker asks for a job, seconds; default 1 (pg-boss's minimum is 0.5). */
  readonly pollSeconds?: number;
  /**
   * How often one of the workers expires jobs whose lease ran out (a dead worker's) and archives old
   * ones, seconds; default the least lease of the defined jobs (at least 1).
   */
  readonly maintenanceSeconds?: number;
  /** Connections of pg-boss's pool; default 4. */
  readonly poolSize?: number;
  /** Told about failures of the queue itself (lost connection, a lease renewal that failed). */
  readonly onError?: (error: Error) => void;
}

interface Running {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * Jobs on pg-boss 10 on the store's PostgreSQL. Each defined kind is a pg-boss queue; a worker fetches
 * one job at a time per slot (`FOR UPDATE SKIP LOCKED`, so two workers never get the same job), holds it
 * by a lease it renews while the job runs (the job's `expire_in` is pushed forward every third of the
 * lease), and completes or fails it. A worker killed mid-job stops renewing: when the lease runs out,
 * pg-boss's maintenance (run by whichever worker's turn it is) puts the job back for a retry with
 * back-off, and another worker takes it. A renewal that finds the job no longer active aborts the run.
 */
export class PgBossQueue implements JobQueue {
  readonly engine = 'pg-boss' as const;
  #boss: PgBoss | undefined;
  readonly #definitions = new Map<string, JobDefinition<unknown>>();
  readonly #running = new Map<string, Running>();
  readonly #loops: Promise<void>[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #schema: string;
  readonly #pollMs: number;
  readonly #workerId = workerIdOfProcess();
  #stopped = false;
  #releaseOnStop = true;
  #started = false;
  readonly #wakers = new Set<() => void>();

  constructor(private readonly options: PgBossQueueOptions) {
    this.#schema = options.schema ?? 'pgboss';
    this.#pollMs = Math.max(500, (options.pollSeconds ?? 1) * 1000);
  }

  define<T>(definition: JobDefinition<T>): void {
    checkJobName(definition.name);
    if (this.#started) throw new Error(`define job ${definition.name} before the queue starts`);
    this.#definitions.set(definition.name, definition as JobDefinition<unknown>);
  }

  async send<T>(name: string, data: T, options: SendOptions = {}): Promise<string | undefined> {
    if (!this.#definitions.has(name)) throw new Error(`no job ${name} is defined`);
    const id = await this.boss.send(name, (data ?? {}) as object, {
      ...(options.id === undefined ? {} : { id: options.id }),
      ...(options.key === undefined ? {} : { singletonKey: options.key }),
      ...(options.delayMs === undefined ? {} : { startAfter: new Date(Date.now() + options.delayMs) }),
    });
    return id ?? undefined;
  }

  async start(options: { readonly work?: boolean } = {}): Promise<void> {
    const leases = [...this.#definitions.values()].map((d) => this.#lease(d));
    const maintenance = this.options.maintenanceSeconds ?? Math.max(1, Math.min(60, ...leases));
    const boss = new PgBoss({
      connectionString: this.options.connectionString,
      schema: this.#schema,
      max: this.options.poolSize ?? 4,
      application_name: 'landbridge-jobs',
      // Expiring dead workers' jobs and archiving: only where jobs are worked.
      supervise: options.work === true,
      maintenanceIntervalSeconds: maintenance,
      monitorStateIntervalSeconds: Math.max(maintenance, 60),
      // Cron scheduling is not used: periodic jobs are sent by the working processes (everyMs).
      schedule: false,
    });
    boss.on('error', (e: Error) => this.options.onError?.(e));
    await boss.start();
    this.#boss = boss;
    this.#started = true;
    for (const d of this.#definitions.values()) {
      // A job given up (last attempt failed, or its worker lost on every attempt, expired by the
      // maintenance) is copied by pg-boss into this dead-letter queue, whose job runs `onGiveUp`.
      const dead = d.onGiveUp ? givenUpName(d.name) : undefined;
      if (dead)
        await this.#ensureQueue(dead, {
          name: dead,
          policy: 'standard' as const,
          retryLimit: 5,
          retryDelay: 2,
          retryBackoff: true,
          expireInSeconds: this.#lease(d),
        });
      // Stately: per key at most one job waits and one runs; without a key the queue behaves as standard.
      await this.#ensureQueue(d.name, {
        name: d.name,
        policy: 'stately' as const,
        retryLimit: d.retryLimit ?? 5,
        retryDelay: d.retryDelaySeconds ?? 2,
        retryBackoff: true,
        expireInSeconds: this.#lease(d),
        ...(dead ? { deadLetter: dead } : {}),
      });
    }
    if (!options.work) return;
    for (const d of this.#definitions.values()) {
      for (let slot = 0; slot < (d.concurrency ?? 1); slot++) this.#loops.push(this.#loop(d));
      const giveUp = d.onGiveUp;
      if (giveUp)
        this.#loops.push(
          this.#loop(givenUpDefinition(d.name, giveUp, this.#lease(d)) as JobDefinition<unknown>, true),
        );
      if (d.everyMs !== undefined) {
        const every = d.everyMs;
        const tick = async () => {
          if (this.#stopped) return;
          try {
            for (const s of await periodicSends(d)) await this.send(d.name, s.data, { key: s.key });
          } catch (e) {
            this.options.onError?.(e as Error);
          }
          this.#later(() => void tick(), every);
        };
        void tick();
      }
    }
  }

  async #ensureQueue(name: string, queue: PgBoss.Queue): Promise<void> {
    const boss = this.boss;
    if (await boss.getQueue(name)) await boss.updateQueue(name, queue);
    else
      await boss.createQueue(name, queue).catch(async (e: Error) => {
        // Another process created it meanwhile.
        if (!(await boss.getQueue(name))) throw e;
      });
  }

  /**
   * Stops taking jobs and aborts the running ones, which go back to the queue at once (see `#release`).
   * `{ release: false }` leaves them active for their lease to run out, as a process that dies leaves
   * them (the fault tests' way of dying without a kill).
   */
  async stop(options: { readonly release?: boolean } = {}): Promise<void> {
    this.#releaseOnStop = options.release ?? true;
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    for (const wake of this.#wakers) wake();
    for (const r of this.#running.values()) r.controller.abort(new Error('the worker is stopping'));
    await Promise.all(this.#loops);
    await this.#boss?.stop({ graceful: false, wait: true }).catch(() => {});
  }

  /** The pg-boss instance once started (for tests and status output). */
  get boss(): PgBoss {
    if (!this.#boss) throw new Error('the job queue is not started');
    return this.#boss;
  }

  #lease(d: JobDefinition<unknown>): number {
    return d.leaseSeconds ?? defaultLeaseSeconds();
  }

  #later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** Takes jobs of `d` one after another; `givenUp`: a dead-letter queue, whose jobs carry their output. */
  async #loop(d: JobDefinition<unknown>, givenUp = false): Promise<void> {
    while (!this.#stopped) {
      let jobs: PgBoss.JobWithMetadata<unknown>[] = [];
      try {
        jobs = await this.boss.fetch<unknown>(d.name, { batchSize: 1, includeMetadata: true });
      } catch (e) {
        this.options.onError?.(e as Error);
      }
      const job = jobs[0];
      if (!job) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            this.#wakers.delete(wake);
            resolve();
          };
          this.#wakers.add(wake);
          this.#later(wake, this.#pollMs);
        });
        continue;
      }
      await this.#runOne(
        d,
        givenUp
          ? { ...job, data: { data: job.data, why: outputMessage(job.output) } satisfies GivenUp }
          : job,
      );
    }
  }

  async #runOne(d: JobDefinition<unknown>, job: PgBoss.JobWithMetadata<unknown>): Promise<void> {
    const controller = new AbortController();
    const lease = this.#lease(d);
    let leaseLost = false;
    const renew = setInterval(
      () => {
        void this.#renew(d.name, job.id, lease)
          .then((held) => {
            if (held) return;
            leaseLost = true;
            controller.abort(new Error(`the lease of job ${d.name} ${job.id} was lost`));
          })
          .catch((e: Error) => this.options.onError?.(e));
      },
      Math.max(250, (lease * 1000) / 3),
    );
    const ctx: JobContext = {
      id: job.id,
      name: d.name,
      attempt: job.retryCount,
      signal: controller.signal,
      workerId: this.#workerId,
    };
    const done = (async () => {
      try {
        await d.run(job.data, ctx);
        // Done, even if the worker began stopping meanwhile; not when another worker holds it now.
        if (!leaseLost) await this.boss.complete(d.name, job.id);
      } catch (e) {
        if (leaseLost) return;
        // Stopping (a deploy, SIGTERM): the job goes back to the queue at once, not counted as an
        // attempt, for another worker to take now rather than when its lease would have run out.
        if (this.#stopped) {
          if (this.#releaseOnStop)
            await this.#release(d.name, job.id).catch((x: Error) => this.options.onError?.(x));
          return;
        }
        await this.boss
          .fail(d.name, job.id, { message: (e as Error).message })
          .catch((x: Error) => this.options.onError?.(x));
      } finally {
        clearInterval(renew);
      }
    })();
    this.#running.set(job.id, { controller, done });
    try {
      await done;
    } finally {
      this.#running.delete(job.id);
    }
  }

  /**
   * Puts a job this worker holds back in the queue, due now, without counting the attempt (pg-boss
   * counts one when it hands out a job that has `started_on`). When that cannot be done (another copy
   * of the key waits in the retry state), the job stays active and its lease running out retries it.
   */
  async #release(name: string, id: string): Promise<void> {
    const db = (this.boss as unknown as { getDb(): PgBoss.Db }).getDb();
    await db.executeSql(
      `update ${this.#schema}.job set state = 'retry', start_after = now(), started_on = null
       where name = $1 and id = $2 and state = 'active'`,
      [name, id],
    );
  }

  /**
   * Pushes the job's expiry to `lease` seconds from now while it is still active here; false when it is
   * not (expired and retried, or cancelled): this worker no longer holds it.
   */
  async #renew(name: string, id: string, lease: number): Promise<boolean> {
    const db = (this.boss as unknown as { getDb(): PgBoss.Db }).getDb();
    const { rows } = await db.executeSql(
      `update ${this.#schema}.job set expire_in = (now() - started_on) + make_interval(secs => $3)
       where name = $1 and id = $2 and state = 'active' returning id`,
      [name, id, lease],
    );
    return rows.length > 0;
  }
}

/** What a given-up job's dead-letter copy carries to `onGiveUp`: its data, and why the last attempt ended. */
interface GivenUp {
  readonly data: unknown;
  readonly why: string;
}

/** The job of a kind's dead-letter queue: `onGiveUp` with the data and the last attempt's error. */
function givenUpDefinition(
  name: string,
  onGiveUp: (data: unknown, why: string) => Promise<void>,
  leaseSeconds: number,
): JobDefinition<GivenUp> {
  return {
    name: givenUpName(name),
    leaseSeconds,
    async run(g) {
      await onGiveUp(g.data, g.why);
    },
  };
}

/** The message pg-boss kept of a failed job (`{ value: { message } }`, or what `fail` was given). */
function outputMessage(output: unknown): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null | undefined;
  const m = o?.message ?? o?.value?.message;
  if (m === 'job failed by timeout in active state')
    return 'the worker running it stopped or lost its lease (it was not heard of within the lease)';
  return typeof m === 'string' && m !== '' ? m : 'failed';
}
