import { randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { StoreContext } from './context.ts';
import type { PlanStatus, PlansTable } from './database.ts';

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
}

/** Changes to a plan job; `updatedAtMs` is set to now. */
export interface PlanJobPatch {
  readonly status?: PlanStatus;
  /** Fraction done, 0 to 1. */
  readonly progress?: number;
  /** Any JSON-serialisable value; null clears it. */
  readonly result?: unknown;
  /** Null clears it. */
  readonly error?: string | null;
}

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
  /** The job, or undefined. */
  get(id: string): Promise<PlanJob | undefined>;
  /** Applies `patch`; the updated job, or undefined when there is none. */
  update(id: string, patch: PlanJobPatch): Promise<PlanJob | undefined>;
  /** Jobs, newest first; with `sellerId`, that seller's only. */
  list(options?: { readonly sellerId?: string; readonly status?: PlanStatus }): Promise<PlanJob[]>;
  /**
   * Moves the next queued job to `running` and returns it, atomically: two workers never get the same
   * job (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: a single writing statement). The operator's jobs
   * come first, then the oldest; `filter` narrows the choice (a runner's fairness rules). Undefined when
   * none is queued (or none passes the filter).
   */
  claimNext(filter?: ClaimFilter): Promise<PlanJob | undefined>;
  /**
   * Puts every `running` job back to `queued`; returns how many. For start-up of a single process,
   * whose running jobs died with it; with several workers, use a queue engine's leases instead.
   */
  requeueRunning(): Promise<number>;
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
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toJob(row);
    },

    async get(id) {
      const row = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toJob(row);
    },

    async update(id, patch) {
      const row = await db
        .updateTable('plans')
        .set({
          updated_at_ms: ctx.nowMs(),
          ...(patch.status === undefined ? {} : { status: patch.status }),
          ...(patch.progress === undefined ? {} : { progress: patch.progress }),
          ...(patch.result === undefined
            ? {}
            : { result: patch.result === null ? null : JSON.stringify(patch.result) }),
          ...(patch.error === undefined ? {} : { error: patch.error }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toJob(row);
    },

    async list(options = {}) {
      const rows = await db
        .selectFrom('plans')
        .selectAll()
        .$if(options.sellerId !== undefined, (qb) => qb.where('seller_id', '=', options.sellerId!))
        .$if(options.status !== undefined, (qb) => qb.where('status', '=', options.status!))
        .orderBy('created_at_ms', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toJob);
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
        .set({ status: 'queued', updated_at_ms: ctx.nowMs() })
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

function toJob(row: Selectable<PlansTable>): PlanJob {
  return {
    id: row.id,
    status: row.status,
    params: JSON.parse(row.params) as unknown,
    progress: row.progress,
    ...(row.result === null ? {} : { result: JSON.parse(row.result) as unknown }),
    ...(row.error === null ? {} : { error: row.error }),
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    ...(row.seller_id === null ? {} : { sellerId: row.seller_id }),
  };
}
