import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { LandbridgeError } from '../domain/errors.ts';
import { chunksOf, inTransaction, type StoreContext } from './context.ts';
import type {
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookSubscriptionsTable,
} from './journey.tables.ts';

/** `last_error` of a delivery queued again by hand: its next attempt is logged as a replay. */
export const REPLAY_MARK = 'replay requested';

/** A seller's webhook subscription as shown: never its secrets. */
export interface WebhookSubscription {
  readonly id: string;
  readonly hubId: string;
  readonly sellerId: string;
  readonly url: string;
  readonly description: string | null;
  readonly eventTypes: readonly string[];
  /** Event codes `parcel.event` is limited to; null: every code. */
  readonly codes: readonly string[] | null;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly lastSuccessMs: number | null;
  readonly lastFailureMs: number | null;
  /** While set, messages are also signed with the secret before the last rotation. */
  readonly previousSecretUntilMs: number | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** A subscription with its secrets, for signing. */
export interface WebhookSubscriptionWithSecrets extends WebhookSubscription {
  readonly secret: string;
  readonly previousSecret: string | null;
}

export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;

/** A new subscription. */
export interface NewWebhookSubscription {
  readonly hubId: string;
  readonly sellerId: string;
  readonly url: string;
  readonly description?: string;
  readonly eventTypes: readonly string[];
  readonly codes?: readonly string[] | null;
  readonly secret: string;
}

/** Changes to a subscription. */
export interface WebhookSubscriptionPatch {
  readonly url?: string;
  readonly description?: string | null;
  readonly eventTypes?: readonly string[];
  readonly codes?: readonly string[] | null;
  readonly enabled?: boolean;
  readonly disabledReason?: string | null;
}

/** Webhook subscriptions, their queued deliveries and the log of attempts. */
export interface WebhooksRepository {
  create(sub: NewWebhookSubscription): Promise<WebhookSubscription>;
  /** The subscription (with `sellerId`: only when it is that seller's). */
  get(
    id: string,
    options?: { readonly sellerId?: string },
  ): Promise<WebhookSubscriptionWithSecrets | undefined>;
  list(hubId: string, options?: { readonly sellerId?: string }): Promise<WebhookSubscription[]>;
  update(id: string, patch: WebhookSubscriptionPatch): Promise<WebhookSubscription | undefined>;
  /** Puts `secret` in force; the old one keeps signing (beside it) until `previousUntilMs`. */
  rotateSecret(id: string, secret: string, previousUntilMs: number): Promise<WebhookSubscription | undefined>;
  /** Deletes the subscription with its deliveries and log; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** The enabled subscriptions of these sellers. */
  enabledFor(hubId: string, sellerIds: readonly string[]): Promise<WebhookSubscriptionWithSecrets[]>;
  /** Pending deliveries due at `nowMs`, oldest first. */
  due(hubId: string, nowMs: number, limit: number): Promise<DeliveryRow[]>;
  /** Records an attempt and the delivery's new state, in one transaction. */
  recordAttempt(
    attempt: AttemptRow,
    delivery: Partial<DeliveryRow> & Pick<DeliveryRow, 'subscription_id' | 'message_id'>,
  ): Promise<void>;
  /** Sets the success or failure instants of a subscription (and disables it with a reason). */
  noteOutcome(
    id: string,
    outcome: { readonly successMs?: number; readonly failureMs?: number; readonly disable?: string },
  ): Promise<void>;
  /** A subscription's deliveries, newest first, by cursor (created instant, message id). */
  deliveries(
    subscriptionId: string,
    options: {
      readonly status?: DeliveryRow['status'];
      readonly limit: number;
      readonly cursor?: readonly [number, string];
    },
  ): Promise<DeliveryRow[]>;
  delivery(subscriptionId: string, messageId: string): Promise<DeliveryRow | undefined>;
  attempts(subscriptionId: string, messageIds: readonly string[]): Promise<AttemptRow[]>;
  /** Queues a delivery again now (a manual replay); false when there is none. */
  replay(subscriptionId: string, messageId: string, nowMs: number): Promise<boolean>;
  /** Queues again every delivery of a subscription created in [fromMs, toMs); returns how many. */
  replayRange(subscriptionId: string, fromMs: number, toMs: number, nowMs: number): Promise<number>;
  /** Fixes the bodies of deliveries queued without one. */
  setPayloads(
    rows: readonly {
      readonly subscriptionId: string;
      readonly messageId: string;
      readonly payload: string;
    }[],
    nowMs: number,
  ): Promise<void>;
  /** Cancels a subscription's pending deliveries (it was disabled); returns how many. */
  cancelPending(subscriptionId: string, nowMs: number): Promise<number>;
  /** Pending deliveries of a hub, by subscription: the queue's depth. */
  pendingCount(hubId: string): Promise<number>;
}

function view(row: Selectable<WebhookSubscriptionsTable>): WebhookSubscriptionWithSecrets {
  return {
    id: row.id,
    hubId: row.hub_id,
    sellerId: row.seller_id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as string[],
    codes: row.codes === null ? null : (JSON.parse(row.codes) as string[]),
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    lastSuccessMs: row.last_success_ms,
    lastFailureMs: row.last_failure_ms,
    previousSecretUntilMs: row.previous_secret_until_ms,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    secret: row.secret,
    previousSecret: row.previous_secret,
  };
}

/** Without its secrets. */
export function publicSubscription(s: WebhookSubscriptionWithSecrets): WebhookSubscription {
  const { secret: _s, previousSecret: _p, ...rest } = s;
  return rest;
}

/** The webhooks repository over `ctx`. */
export function webhooksRepository(ctx: StoreContext): WebhooksRepository {
  const { db } = ctx;
  const getRow = (id: string) =>
    db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return {
    async create(sub) {
      const nowMs = ctx.nowMs();
      const seller = await db
        .selectFrom('sellers')
        .select('id')
        .where('id', '=', sub.sellerId)
        .executeTakeFirst();
      if (!seller)
        throw new LandbridgeError('invalid-input', `no seller ${sub.sellerId}`, [
          { where: { field: 'sellerId' }, why: `no seller ${sub.sellerId}` },
        ]);
      const row = await db
        .insertInto('webhook_subscriptions')
        .values({
          id: `whsub-${randomUUID()}`,
          hub_id: sub.hubId,
          seller_id: sub.sellerId,
          url: sub.url,
          description: sub.description ?? null,
          event_types: JSON.stringify(sub.eventTypes),
          codes: sub.codes ? JSON.stringify(sub.codes) : null,
          secret: sub.secret,
          previous_secret: null,
          previous_secret_until_ms: null,
          enabled: 1,
          disabled_reason: null,
          last_success_ms: null,
          last_failure_ms: null,
          created_at_ms: nowMs,
          updated_at_ms: nowMs,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return publicSubscription(view(row));
    },

    async get(id, options = {}) {
      const row = await getRow(id);
      if (!row || (options.sellerId !== undefined && row.seller_id !== options.sellerId)) return undefined;
      return view(row);
    },

    async list(hubId, options = {}) {
      const rows = await db
        .selectFrom('webhook_subscriptions')
        .selectAll()
        .where('hub_id', '=', hubId)
        .$if(options.sellerId !== undefined, (qb) => qb.where('seller_id', '=', options.sellerId!))
        .orderBy('created_at_ms')
        .orderBy('id')
        .execute();
      return rows.map((r) => publicSubscription(view(r)));
    },

    async update(id, patch) {
      const row = await db
        .updateTable('webhook_subscriptions')
        .set({
          updated_at_ms: ctx.nowMs(),
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.eventTypes !== undefined ? { event_types: JSON.stringify(patch.eventTypes) } : {}),
          ...(patch.codes !== undefined
            ? { codes: patch.codes === null ? null : JSON.stringify(patch.codes) }
            : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
          ...(patch.disabledReason !== undefined ? { disabled_reason: patch.disabledReason } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? publicSubscription(view(row)) : undefined;
    },

    async rotateSecret(id, secret, previousUntilMs) {
      return inTransaction(ctx, async (tx) => {
        const old = await tx.db
          .selectFrom('webhook_subscriptions')
          .select('secret')
          .where('id', '=', id)
          .executeTakeFirst();
        if (!old) return undefined;
        const row = await tx.db
          .updateTable('webhook_subscriptions')
          .set({
            secret,
            previous_secret: old.secret,
            previous_secret_until_ms: previousUntilMs,
            updated_at_ms: tx.nowMs(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return publicSubscription(view(row));
      });
    },

    async delete(id) {
      return inTransaction(ctx, async (tx) => {
        await tx.db.deleteFrom('webhook_attempts').where('subscription_id', '=', id).execute();
        await tx.db.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).execute();
        const r = await tx.db.deleteFrom('webhook_subscriptions').where('id', '=', id).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      });
    },

    async enabledFor(hubId, sellerIds) {
      const out: WebhookSubscriptionWithSecrets[] = [];
      for (const chunk of chunksOf([...new Set(sellerIds)], 900)) {
        const rows = await db
          .selectFrom('webhook_subscriptions')
          .selectAll()
          .where('hub_id', '=', hubId)
          .where('enabled', '=', 1)
          .where('seller_id', 'in', [...chunk])
          .execute();
        out.push(...rows.map(view));
      }
      return out;
    },

    async due(hubId, nowMs, limit) {
      return db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('hub_id', '=', hubId)
        .where('status', '=', 'pending')
        .where('next_attempt_ms', '<=', nowMs)
        .orderBy('next_attempt_ms')
        .orderBy('created_at_ms')
        .limit(limit)
        .execute();
    },

    async recordAttempt(attempt, delivery) {
      await inTransaction(ctx, async (tx) => {
        await tx.db.insertInto('webhook_attempts').values(attempt).execute();
        const { subscription_id, message_id, ...patch } = delivery;
        await tx.db
          .updateTable('webhook_deliveries')
          .set(patch)
          .where('subscription_id', '=', subscription_id)
          .where('message_id', '=', message_id)
          .execute();
      });
    },

    async noteOutcome(id, outcome) {
      await db
        .updateTable('webhook_subscriptions')
        .set({
          ...(outcome.successMs !== undefined ? { last_success_ms: outcome.successMs } : {}),
          ...(outcome.failureMs !== undefined ? { last_failure_ms: outcome.failureMs } : {}),
          ...(outcome.disable !== undefined
            ? { enabled: 0, disabled_reason: outcome.disable, updated_at_ms: ctx.nowMs() }
            : {}),
        })
        .where('id', '=', id)
        .execute();
    },

    async deliveries(subscriptionId, options) {
      return db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('subscription_id', '=', subscriptionId)
        .$if(options.status !== undefined, (qb) => qb.where('status', '=', options.status!))
        .$if(options.cursor !== undefined, (qb) =>
          qb.where((eb) =>
            eb(
              eb.refTuple('created_at_ms', 'message_id'),
              '<',
              eb.tuple(options.cursor![0], options.cursor![1]),
            ),
          ),
        )
        .orderBy('created_at_ms', 'desc')
        .orderBy('message_id', 'desc')
        .limit(options.limit)
        .execute();
    },

    async delivery(subscriptionId, messageId) {
      return db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('subscription_id', '=', subscriptionId)
        .where('message_id', '=', messageId)
        .executeTakeFirst();
    },

    async attempts(subscriptionId, messageIds) {
      if (messageIds.length === 0) return [];
      const out: AttemptRow[] = [];
      for (const chunk of chunksOf([...messageIds], 900))
        out.push(
          ...(await db
            .selectFrom('webhook_attempts')
            .selectAll()
            .where('subscription_id', '=', subscriptionId)
            .where('message_id', 'in', [...chunk])
            .orderBy('attempt')
            .execute()),
        );
      return out;
    },

    async replay(subscriptionId, messageId, nowMs) {
      const r = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_ms: nowMs, updated_at_ms: nowMs, last_error: REPLAY_MARK })
        .where('subscription_id', '=', subscriptionId)
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async replayRange(subscriptionId, fromMs, toMs, nowMs) {
      const r = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_ms: nowMs, updated_at_ms: nowMs, last_error: REPLAY_MARK })
        .where('subscription_id', '=', subscriptionId)
        .where('created_at_ms', '>=', fromMs)
        .where('created_at_ms', '<', toMs)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async setPayloads(rows, nowMs) {
      if (rows.length === 0) return;
      await inTransaction(ctx, async (tx) => {
        for (const r of rows)
          await tx.db
            .updateTable('webhook_deliveries')
            .set({ payload: r.payload, updated_at_ms: nowMs })
            .where('subscription_id', '=', r.subscriptionId)
            .where('message_id', '=', r.messageId)
            .where('payload', 'is', null)
            .execute();
      });
    },

    async cancelPending(subscriptionId, nowMs) {
      const r = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'cancelled', next_attempt_ms: null, updated_at_ms: nowMs })
        .where('subscription_id', '=', subscriptionId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async pendingCount(hubId) {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('hub_id', '=', hubId)
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
