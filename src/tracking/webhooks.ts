import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhooks per the Standard Webhooks specification v1.0.0 (facts/tracking.md §4.1): a message is signed
 * with HMAC-SHA256 over `msg_id.timestamp.body` (the exact bytes sent) with a `whsec_` secret, in the
 * headers `webhook-id`, `webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature`
 * (`v1,<base64>`, several space-separated while a secret rotates). Pure computation, no I/O, no clock.
 */

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** How far a receiver's clock may differ from the timestamp, seconds (the reference library's 5 minutes). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The types of messages a seller can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['parcel.event', 'parcel.eta_changed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A secret from 24–64 random bytes: `whsec_` + base64. */
export function webhookSecretFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 24 || bytes.length > 64)
    throw new RangeError('a webhook secret has 24 to 64 random bytes');
  return `${WEBHOOK_SECRET_PREFIX}${Buffer.from(bytes).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  const raw = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  return Buffer.from(raw, 'base64');
}

/**
 * The signature of one message: `v1,` + base64(HMAC-SHA256(secret, `${msgId}.${timestamp}.${body}`)).
 *
 * @example signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')
 * // 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' (the specification's own example)
 */
export function signWebhook(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  if (msgId.includes('.')) throw new RangeError('a webhook message id must not contain "."');
  const mac = createHmac('sha256', keyOf(secret))
    .update(`${msgId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The three headers of a delivery attempt, signed with every secret given (old and new while rotating). */
export function webhookHeaders(
  secrets: readonly string[],
  msgId: string,
  timestampSeconds: number,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signWebhook(s, msgId, timestampSeconds, body)).join(' '),
  };
}

/**
 * Checks a received message as a receiver must: the timestamp within the tolerance of `nowSeconds`, and
 * one of the signatures equal (in constant time) to the one `secret` gives.
 */
export function verifyWebhook(
  secret: string,
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): { readonly ok: true } | { readonly ok: false; readonly why: string } {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (!id || !ts || !sig)
    return { ok: false, why: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  if (!/^\d+$/.test(ts)) return { ok: false, why: 'webhook-timestamp is not Unix seconds' };
  const t = Number(ts);
  if (Math.abs(nowSeconds - t) > toleranceSeconds)
    return { ok: false, why: 'the timestamp is outside the tolerance' };
  const expected = Buffer.from(signWebhook(secret, id, t, body).slice(3), 'base64');
  for (const candidate of sig.split(' ')) {
    const [version, value] = candidate.split(',', 2);
    if (version !== 'v1' || value === undefined) continue;
    const got = Buffer.from(value, 'base64');
    if (got.length === expected.length && timingSafeEqual(got, expected)) return { ok: true };
  }
  return { ok: false, why: 'no signature matches' };
}

/**
 * A message id for a parcel's event: stable across retries and replays (the receiver's idempotency
 * key), without `.`: `msg_` + 22 base64url characters of SHA-256(type | event | parcel).
 */
export function webhookMessageId(type: WebhookEventType, eventId: string, parcelId: string): string {
  return `msg_${createHash('sha256').update(`${type}|${eventId}|${parcelId}`).digest('base64url').slice(0, 22)}`;
}

/**
 * Delays before each attempt, ms: the specification's example schedule, 10 attempts over about 3 days
 * (0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h; the last at about 75 h 35 min).
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
];

/** What to do after an attempt. */
export type AttemptVerdict =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** No attempts left: the message failed; the subscription may be failing persistently. */
  | { readonly kind: 'failed' }
  /** 410 Gone: the receiver asks to stop; the subscription is disabled. */
  | { readonly kind: 'gone' };

/**
 * The verdict on attempt number `attempt` (1 for the first) that answered `status` (undefined: no
 * answer — refused, timed out). Only 2xx succeeds; 3xx is a failure (redirects are not followed);
 * `Retry-After` (seconds) on 429/503 is honoured when longer than the schedule, up to a day.
 * `jitter` in [0, 1) spreads retries by up to ±10 %.
 */
export function judgeAttempt(
  attempt: number,
  status: number | undefined,
  retryAfterSeconds: number | undefined,
  jitter: number,
): AttemptVerdict {
  if (status !== undefined && status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone' };
  if (attempt >= RETRY_SCHEDULE_MS.length) return { kind: 'failed' };
  let delayMs = RETRY_SCHEDULE_MS[attempt]! * (0.9 + 0.2 * jitter);
  if ((status === 429 || status === 503) && retryAfterSeconds !== undefined)
    delayMs = Math.max(delayMs, Math.min(retryAfterSeconds * 1000, 86_400_000));
  return { kind: 'retry', delayMs: Math.round(delayMs) };
}
