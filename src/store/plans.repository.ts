import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, gunzipSync, gzip } from 'node:zlib';
import { type Selectable, sql } from 'kysely';
import type { StoreContext } from './context.ts';
import type { PlanStatus, PlansTable } from './database.ts';
import { hubOf } from './hub-context.ts';

/** A plan job: the planner's parameters, where it is, and its result or error once finished. */
export interface PlanJob {
  readonly id: string;
  readonly status: PlanStatus;
  /** The parameters as given to {@link PlansRepository.create}, after a JSON round trip. */
  readonly params: unknown;
  /** Fraction done, 0 to 1. */
  readonly progress: number;
  /** The plan as JSON value, once `done`. */
  readonly result?: unknown;
  /** Why the job failed, once `failed`. */
  readonly error?: string;
  /** UTC epoch ms. */
  readonly createdAtMs: number;
  /** UTC epoch ms. */
  readonly updatedAtMs: number;
  /** The seller that asked for the plan; absent for the operator. */
  readonly sellerId?: string;
  /** How many times a worker claimed the job. */
  readonly attempts: number;
  /** The worker holding or last holding the job, `host:pid`. */
  readonly workerId?: string;
  /** The hub whose parcels the plan is of. */
  readonly hubId: string;
}

/** Changes to a plan job; `updatedAtMs` is set to now. */
export interface PlanJobPatch {
  readonly status?: PlanStatus;
  /** Fraction done, 0 to 1. */
  readonly progress?: number;
  /** Any JSON-serialisable value; null clears it. */
  readonly result?: unknown;
  /**
   * The result as JSON text already serialised (a big plan serialised in a worker thread), stored as
   * it is; `update` then answers the job without its result, to spare parsing it again.
   */
  readonly resultJson?: string;
  /** Null clears it. */
  readonly error?: string | null;
}

/**
 * A job with its plan as stored, not parsed (for a reader in another thread): the JSON text, or for a
 * big plan its gzip (`resultGzip`, gunzipped where it is read).
 */
export type StoredPlanText = Omit<PlanJob, 'result'> & {
  readonly resultJson?: string;
  readonly resultGzip?: Uint8Array;
};

/**
 * Plans of at least this many characters of JSON are stored gzip-compressed. Writing a 100,000-parcel
 * plan (30 MB of text) held the API's event loop 0.2–0.3 s, and reading it back 0.1 s; its gzip (level 1,
 * computed on libuv's thread pool, off the loop) is about a tenth.
 */
const COMPRESS_FROM_CHARS = 256 * 1024;
const gzipAsync = promisify(gzip);

/** Which queued jobs a claim may take. */
export interface ClaimFilter {
  /** Only the operator's jobs (no seller's). */
  readonly operatorOnly?: boolean;
  /** Not the jobs of these sellers (those with a job running already). */
  readonly exceptSellers?: readonly string[];
}

/**
 * Plan jobs, kept in the store so they survive restarts. A worker takes the oldest queued job with
 * {@link PlansRepository.claimNext}; many workers may claim at once, each gets a different job.
 */
export interface PlansRepository {
  /** Queues a job with `params` (any JSON-serialisable value). */
  create(params: unknown, sellerId?: string): Promise<PlanJob>;
  /** The job of the current hub, or undefined. (`claim`, `finish`, `update`, `claimNext` go by id alone.) */
  get(id: string): Promise<PlanJob | undefined>;
  /** Applies `patch`; the updated job, or undefined when there is none. */
  update(id: string, patch: PlanJobPatch): Promise<PlanJob | undefined>;
  /** Jobs, newest first; with `sellerId`, that seller's only. */
  list(options?: { readonly sellerId?: string; readonly status?: PlanStatus }): Promise<PlanJob[]>;
  /** Like {@link list} without reading the plans themselves (a stored plan may be tens of MB). */
  listSummaries(options?: {
    readonly sellerId?: string;
    readonly status?: PlanStatus;
  }): Promise<(Omit<PlanJob, 'result'> & { readonly hasResult: boolean })[]>;
  /** The job with its plan as the stored JSON text, not parsed (for a reader in another thread). */
  getText(id: string): Promise<StoredPlanText | undefined>;
  /**
   * The newest finished plan of the current hub in a scope (the operator's with no `sellerId`, else
   * that seller's), with its plan as stored, not parsed.
   */
  newestDone(sellerId: string | undefined): Promise<StoredPlanText | undefined>;
  /**
   * Moves the next queued job to `running` and returns it, atomically: two workers never get the same
   * job (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: a single writing statement). The operator's jobs
   * come first, then the oldest; `filter` narrows the choice (a runner's fairness rules). Undefined when
   * none is queued (or none passes the filter).
   */
  claimNext(filter?: ClaimFilter): Promise<PlanJob | undefined>;
  /**
   * Puts every `running` job back to `queued` with its progress back at 0 (the re-run starts afresh);
   * returns how many. For start-up of a single process,
   * whose running jobs died with it; with several workers, use a queue engine's leases instead.
   */
  requeueRunning(): Promise<number>;
  /**
   * Claims the job for one run by a queue's worker: moves it from `queued` (or `running`, when the
   * previous holder's lease ran out) to `running` with a new `token`, counts the attempt, records the
   * worker. Undefined when the job is unknown or finished (a retry of a finished job does nothing).
   */
  claim(
    id: string,
    claim: { readonly token: string; readonly workerId: string },
  ): Promise<PlanJob | undefined>;
  /**
   * Writes a claimed job's outcome only while `token` is still its claim: false when another claim took
   * over (the outcome is dropped) or the job is no longer running.
   */
  finish(id: string, token: string, patch: PlanJobPatch): Promise<boolean>;
  /**
   * Fails a job that is still `queued` or `running` with `error` (its queue gave it up: every attempt's
   * worker died); false when it had finished already. By id alone, like `claim`.
   */
  failUnfinished(id: string, error: string): Promise<boolean>;
}

/** The plans repository over `ctx`. */
export function plansRepository(ctx: StoreContext): PlansRepository {
  const { db } = ctx;
  return {
    async create(params, sellerId) {
      const nowMs = ctx.nowMs();
      const row = await db
        .insertInto('plans')
        .values({
          id: `plan-${randomUUID()}`,
          status: 'queued',
          params: JSON.stringify(params ?? null),
          progress: 0,
          result: null,
          error: null,
          created_at_ms: nowMs,
          updated_at_ms: nowMs,
          seller_id: sellerId ?? null,
          hub_id: hubOf(ctx),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toJob(row);
    },

    async get(id) {
      const row = await db
        .selectFrom('plans')
        .selectAll()
        .where('id', '=', id)
        .where('hub_id', '=', hubOf(ctx))
        .executeTakeFirst();
      return row === undefined ? undefined : toJob(row);
    },

    async update(id, patch) {
      if (patch.resultJson !== undefined) {
        const row = await db
          .updateTable('plans')
          .set(await patchColumns(ctx, patch))
          .where('id', '=', id)
          .returning(SUMMARY_COLUMNS)
          .executeTakeFirst();
        return row === undefined ? undefined : toJob({ ...row, result: null, result_gz: null });
      }
      const row = await db
        .updateTable('plans')
        .set(await patchColumns(ctx, patch))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toJob(row);
    },

    async list(options = {}) {
      const rows = await db
        .selectFrom('plans')
        .selectAll()
        .where('hub_id', '=', hubOf(ctx))
        .$if(options.sellerId !== undefined, (qb) => qb.where('seller_id', '=', options.sellerId!))
        .$if(options.status !== undefined, (qb) => qb.where('status', '=', options.status!))
        .orderBy('created_at_ms', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toJob);
    },

    async listSummaries(options = {}) {
      const rows = await db
        .selectFrom('plans')
        .select([
          ...SUMMARY_COLUMNS,
          sql<number>`case when result is null and result_gz is null then 0 else 1 end`.as('has_result'),
        ])
        .where('hub_id', '=', hubOf(ctx))
        .$if(options.sellerId !== undefined, (qb) => qb.where('seller_id', '=', options.sellerId!))
        .$if(options.status !== undefined, (qb) => qb.where('status', '=', options.status!))
        .orderBy('created_at_ms', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map((row) => ({
        ...toJob({ ...row, result: null, result_gz: null }),
        hasResult: Number(row.has_result) === 1,
      }));
    },

    async getText(id) {
      const row = await db
        .selectFrom('plans')
        .selectAll()
        .where('id', '=', id)
        .where('hub_id', '=', hubOf(ctx))
        .executeTakeFirst();
      return row === undefined ? undefined : toStoredText(row);
    },

    async newestDone(sellerId) {
      const row = await db
        .selectFrom('plans')
        .selectAll()
        .where('status', '=', 'done')
        .where('hub_id', '=', hubOf(ctx))
        .where((eb) =>
          sellerId === undefined ? eb('seller_id', 'is', null) : eb('seller_id', '=', sellerId),
        )
        .orderBy('updated_at_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : toStoredText(row);
    },

    async claimNext(filter = {}) {
      const except = filter.exceptSellers ?? [];
      const row = await db
        .updateTable('plans')
        .set({ status: 'running', updated_at_ms: ctx.nowMs() })
        .where('status', '=', 'queued')
        .where('id', '=', (eb) =>
          eb
            .selectFrom('plans')
            .select('id')
            .where('status', '=', 'queued')
            .$if(filter.operatorOnly === true, (qb) => qb.where('seller_id', 'is', null))
            .$if(except.length > 0, (qb) =>
              qb.where((w) => w.or([w('seller_id', 'is', null), w('seller_id', 'not in', except)])),
            )
            .orderBy(sql`case when seller_id is null then 0 else 1 end`)
            .orderBy('created_at_ms')
            .orderBy('id')
            .limit(1)
            .$if(ctx.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked()),
        )
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toJob(row);
    },

    async requeueRunning() {
      const result = await db
        .updateTable('plans')
        .set({ status: 'queued', progress: 0, updated_at_ms: ctx.nowMs() })
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async claim(id, claim) {
      const row = await db
        .updateTable('plans')
        .set((eb) => ({
          status: 'running',
          attempts: eb('attempts', '+', 1),
          run_token: claim.token,
          worker_id: claim.workerId,
          updated_at_ms: ctx.nowMs(),
        }))
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toJob(row);
    },

    async finish(id, token, patch) {
      const result = await db
        .updateTable('plans')
        .set(await patchColumns(ctx, patch))
        .where('id', '=', id)
        .where('run_token', '=', token)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async failUnfinished(id, error) {
      const result = await db
        .updateTable('plans')
        .set(await patchColumns(ctx, { status: 'failed', error }))
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

/** Every column of a plan row but its result. */
const SUMMARY_COLUMNS = [
  'id',
  'status',
  'params',
  'progress',
  'error',
  'created_at_ms',
  'updated_at_ms',
  'seller_id',
  'hub_id',
  'attempts',
  'run_token',
  'worker_id',
] as const;

async function patchColumns(ctx: StoreContext, patch: PlanJobPatch) {
  const json =
    patch.resultJson ??
    (patch.result === undefined ? undefined : patch.result === null ? null : JSON.stringify(patch.result));
  return {
    updated_at_ms: ctx.nowMs(),
    ...(patch.status === undefined ? {} : { status: patch.status }),
    ...(patch.progress === undefined ? {} : { progress: patch.progress }),
    ...(json === undefined ? {} : await resultColumns(json)),
    ...(patch.error === undefined ? {} : { error: patch.error }),
  };
}

/** A plan's JSON as stored: as it is, or compressed when it is big. */
async function resultColumns(
  json: string | null,
): Promise<{ result: string | null; result_gz: string | null }> {
  if (json === null || json.length < COMPRESS_FROM_CHARS) return { result: json, result_gz: null };
  const packed = await gzipAsync(json, { level: constants.Z_BEST_SPEED });
  return { result: null, result_gz: packed.toString('base64') };
}

/** A row as a job with its plan as stored (JSON text, or a big plan's gzip). */
function toStoredText(row: Selectable<PlansTable>): StoredPlanText {
  return {
    ...toJob({ ...row, result: null, result_gz: null }),
    ...(row.result === null ? {} : { resultJson: row.result }),
    ...(row.result_gz === null ? {} : { resultGzip: Buffer.from(row.result_gz, 'base64') }),
  };
}

function toJob(row: Selectable<PlansTable>): PlanJob {
  return {
    id: row.id,
    status: row.status,
    params: JSON.parse(row.params) as unknown,
    progress: row.progress,
    ...(row.result !== null
      ? { result: JSON.parse(row.result) as unknown }
      : row.result_gz !== null
        ? { result: JSON.parse(gunzipSync(Buffer.from(row.result_gz, 'base64')).toString('utf8')) as unknown }
        : {}),
    ...(row.error === null ? {} : { error: row.error }),
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    ...(row.seller_id === null ? {} : { sellerId: row.seller_id }),
    attempts: row.attempts,
    ...(row.worker_id === null ? {} : { workerId: row.worker_id }),
    hubId: row.hub_id,
  };
}
