import type { DeliveryRow, Store, WebhookSubscriptionWithSecrets } from '../store/index.ts';
import { REPLAY_MARK } from '../store/index.ts';
import { judgeAttempt, statusOf, webhookHeaders } from '../tracking/index.ts';
import { parcelEventPayload } from './webhook-queue.ts';
import { type WebhookUrlPolicy, webhookUrlProblem } from './webhook-url.ts';

/** One HTTP POST of a message, as the delivery job makes it. */
export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

/** What came back: the status (none: no answer), `Retry-After` seconds, or the error. */
export interface WebhookResponse {
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly error?: string;
}

/** Sends one request; {@link fetchSender} in the server, a fake in tests. */
export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

/** POSTs with `fetch`: redirects are not followed (a 3xx is a failure), the body is read and dropped. */
export const fetchSender: WebhookSender = async (r) => {
  try {
    const res = await fetch(r.url, {
      method: 'POST',
      headers: r.headers,
      body: r.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(r.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    const retry = res.headers.get('retry-after');
    return {
      status: res.status,
      ...(retry !== null && /^\d+$/.test(retry) ? { retryAfterSeconds: Number(retry) } : {}),
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { error: err.name === 'TimeoutError' ? 'timed out' : (err.cause?.code ?? err.message) };
  }
};

/** A subscription failing this long (no success) when a message runs out of attempts is disabled. */
export const PERSISTENT_FAILURE_MS = 3 * 86_400_000;

export interface DeliveryOptions {
  readonly hubId: string;
  readonly nowMs: number;
  readonly send: WebhookSender;
  readonly policy: WebhookUrlPolicy;
  /** Most deliveries attempted in this run. Default 500. */
  readonly limit?: number;
  /** Requests in flight at once. Default 16. */
  readonly concurrency?: number;
  /** Per request. Default 10 s. */
  readonly timeoutMs?: number;
  /** In [0, 1): spreads retries; `Math.random` by default. */
  readonly random?: () => number;
}

export interface DeliveryRun {
  readonly attempted: number;
  readonly delivered: number;
  readonly retrying: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Subscriptions disabled in this run (410 Gone, or failing persistently). */
  readonly disabled: readonly string[];
}

/**
 * The webhook delivery job's body, a plain function (any scheduler can run it: the server's timer,
 * pg-boss): attempts every pending delivery that is due, signed per Standard Webhooks with the
 * subscription's secret (and the previous one while a rotation overlaps), and records each attempt in
 * the delivery log. At-least-once: a delivery stays pending until a 2xx; failures are retried on the
 * schedule of `RETRY_SCHEDULE_MS` (about three days, `Retry-After` honoured); a 410 disables the
 * subscription, as does running out of attempts when it has had no success for three days. The body
 * is fixed at the first attempt, so retries and replays send the same bytes under the same webhook-id.
 */
export async function deliverDueWebhooks(store: Store, options: DeliveryOptions): Promise<DeliveryRun> {
  const { hubId, nowMs } = options;
  const random = options.random ?? Math.random;
  const due = await store.webhooks.due(hubId, nowMs, options.limit ?? 500);
  const subs = new Map<string, WebhookSubscriptionWithSecrets | undefined>();
  for (const d of due)
    if (!subs.has(d.subscription_id))
      subs.set(d.subscription_id, await store.webhooks.get(d.subscription_id));
  await fillPayloads(store, hubId, due, nowMs);

  const run = { attempted: 0, delivered: 0, retrying: 0, failed: 0, cancelled: 0, disabled: [] as string[] };
  const disabled = new Set<string>();
  const urlChecks = new Map<string, Promise<string | undefined>>();
  const attempt = async (d: DeliveryRow) => {
    const sub = subs.get(d.subscription_id);
    if (!sub || !sub.enabled || disabled.has(sub.id)) {
      await store.webhooks.recordAttempt(
        {
          hub_id: hubId,
          subscription_id: d.subscription_id,
          message_id: d.message_id,
          attempt: d.attempts + 1,
          at_ms: nowMs,
          status_code: null,
          error: 'subscription disabled',
          duration_ms: 0,
          replay: 0,
        },
        {
          subscription_id: d.subscription_id,
          message_id: d.message_id,
          status: 'cancelled',
          next_attempt_ms: null,
          updated_at_ms: nowMs,
        },
      );
      run.cancelled++;
      return;
    }
    let check = urlChecks.get(sub.url);
    if (!check) {
      check = webhookUrlProblem(sub.url, options.policy);
      urlChecks.set(sub.url, check);
    }
    const refused = await check;
    const body = d.payload!;
    const timestamp = Math.floor(nowMs / 1000);
    const secrets = [
      sub.secret,
      ...(sub.previousSecret && (sub.previousSecretUntilMs ?? 0) > nowMs ? [sub.previousSecret] : []),
    ];
    const started = performance.now();
    const response: WebhookResponse = refused
      ? { error: `refused: the URL ${refused}` }
      : await options.send({
          url: sub.url,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Landbridge-Webhooks/1',
            ...webhookHeaders(secrets, d.message_id, timestamp, body),
          },
          body,
          timeoutMs: options.timeoutMs ?? 10_000,
        });
    const durationMs = Math.round(performance.now() - started);
    const n = d.attempts + 1;
    const verdict = judgeAttempt(n, response.status, response.retryAfterSeconds, random());
    run.attempted++;
    const patch: Partial<DeliveryRow> = {
      attempts: n,
      last_status: response.status ?? null,
      last_error: response.error ?? (verdict.kind === 'delivered' ? null : `HTTP ${response.status}`),
      updated_at_ms: nowMs,
    };
    if (verdict.kind === 'delivered') {
      Object.assign(patch, { status: 'delivered', delivered_at_ms: nowMs, next_attempt_ms: null });
      run.delivered++;
    } else if (verdict.kind === 'retry') {
      Object.assign(patch, { next_attempt_ms: nowMs + verdict.delayMs });
      run.retrying++;
    } else {
      Object.assign(patch, { status: 'failed', next_attempt_ms: null });
      run.failed++;
    }
    await store.webhooks.recordAttempt(
      {
        hub_id: hubId,
        subscription_id: d.subscription_id,
        message_id: d.message_id,
        attempt: n,
        at_ms: nowMs,
        status_code: response.status ?? null,
        error: response.error ?? null,
        duration_ms: durationMs,
        replay: d.last_error === REPLAY_MARK ? 1 : 0,
      },
      { subscription_id: d.subscription_id, message_id: d.message_id, ...patch },
    );
    if (verdict.kind === 'delivered') await store.webhooks.noteOutcome(sub.id, { successMs: nowMs });
    else {
      const persistent =
        verdict.kind === 'failed' &&
        (sub.lastSuccessMs === null || nowMs - sub.lastSuccessMs > PERSISTENT_FAILURE_MS);
      const reason =
        verdict.kind === 'gone'
          ? 'the endpoint answered 410 Gone'
          : persistent
            ? `no delivery succeeded for ${Math.round(PERSISTENT_FAILURE_MS / 86_400_000)} days; the last message ran out of attempts`
            : undefined;
      await store.webhooks.noteOutcome(sub.id, { failureMs: nowMs, ...(reason ? { disable: reason } : {}) });
      if (reason && !disabled.has(sub.id)) {
        disabled.add(sub.id);
        run.disabled.push(sub.id);
        await store.webhooks.cancelPending(sub.id, nowMs);
      }
    }
  };

  // A few requests at a time; one subscription's messages in order (oldest first).
  const bySub = new Map<string, DeliveryRow[]>();
  for (const d of due) {
    const list = bySub.get(d.subscription_id);
    if (list) list.push(d);
    else bySub.set(d.subscription_id, [d]);
  }
  const lanes = [...bySub.values()];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 16, lanes.length) }, async () => {
    for (let lane = lanes.shift(); lane; lane = lanes.shift()) for (const d of lane) await attempt(d);
  });
  await Promise.all(workers);
  return run;
}

/**
 * Builds the body of deliveries queued without one (set-wise queues: ETA changes, disruptions) from
 * the parcel's journey now, and stores it, so every later attempt sends the same bytes.
 */
async function fillPayloads(store: Store, hubId: string, due: DeliveryRow[], nowMs: number): Promise<void> {
  const empty = due.filter((d) => d.payload === null);
  if (empty.length === 0) return;
  const parcelIds = [...new Set(empty.map((d) => d.parcel_id))];
  const journeys = await store.journeys.getMany(hubId, parcelIds);
  const facts = await store.journeys.parcelFacts(parcelIds);
  const events = await store.journeys.eventsById(hubId, [
    ...new Set(empty.filter((d) => d.event_type === 'parcel.event').map((d) => d.event_id)),
  ]);
  const filled: DeliveryRow[] = [];
  for (const d of empty) {
    const j = journeys.get(d.parcel_id);
    const f = facts.get(d.parcel_id);
    let payload: string;
    if (d.event_type === 'parcel.event' && j) {
      const e = events.get(d.event_id);
      if (!e) continue;
      payload = parcelEventPayload({ parcelId: d.parcel_id, event: e }, j, f, j.seq, d.created_at_ms);
    } else {
      payload = JSON.stringify({
        type: d.event_type,
        timestamp: new Date(d.created_at_ms).toISOString(),
        data: {
          parcelId: d.parcel_id,
          ...(j
            ? {
                trackingNumber: j.tracking_number,
                status: statusOf({ stage: j.stage as never, hold: j.hold }),
              }
            : {}),
          ...(f ? { externalOrderId: f.external_order_id } : {}),
          eta: {
            p10: d.eta_p10_ms === null ? null : new Date(Number(d.eta_p10_ms)).toISOString(),
            p50: d.eta_p50_ms === null ? null : new Date(Number(d.eta_p50_ms)).toISOString(),
            p90: d.eta_p90_ms === null ? null : new Date(Number(d.eta_p90_ms)).toISOString(),
          },
          causeEventId: d.event_id,
        },
      });
    }
    d.payload = payload;
    filled.push(d);
  }
  await store.webhooks.setPayloads(
    filled.map((d) => ({ subscriptionId: d.subscription_id, messageId: d.message_id, payload: d.payload! })),
    nowMs,
  );
  // Deliveries whose event vanished cannot be sent.
  for (const d of empty)
    if (d.payload === null)
      await store.webhooks.recordAttempt(
        {
          hub_id: hubId,
          subscription_id: d.subscription_id,
          message_id: d.message_id,
          attempt: d.attempts + 1,
          at_ms: nowMs,
          status_code: null,
          error: `event ${d.event_id} not found`,
          duration_ms: 0,
          replay: 0,
        },
        {
          subscription_id: d.subscription_id,
          message_id: d.message_id,
          status: 'cancelled',
          next_attempt_ms: null,
          updated_at_ms: nowMs,
        },
      );
  due.splice(0, due.length, ...due.filter((d) => d.payload !== null));
}
