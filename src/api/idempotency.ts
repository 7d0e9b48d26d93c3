import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LandbridgeError } from '../domain/index.ts';
import type { Store } from '../store/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { scope: string; key: string; requestHash: string };
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** How long a stored answer is replayed (Stripe keeps 24 h): after it, the key is free again. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/** How often expired answers are swept from the store. */
export const IDEMPOTENCY_SWEEP_MS = 3_600_000;

/**
 * The largest answer kept for replay, in bytes: `LANDBRIDGE_IDEMPOTENCY_MAX_BYTES`, default 2 MiB. A
 * larger answer is sent but not kept (marked `Idempotency-Stored: false`): a retry with the key runs
 * the request again. Only read-only quote batches answer that much; an import of 10,000 parcels (its
 * ids and at most 1,000 flags) stays under it, so an import is never run twice.
 */
export function idempotencyMaxBytes(): number {
  const env = process.env.LANDBRIDGE_IDEMPOTENCY_MAX_BYTES;
  return env && /^\d+$/.test(env) ? Number(env) : 2 * 1024 * 1024;
}

/** The request's fingerprint: method, route and body (raw bytes when the route reads them raw). */
function requestHash(request: FastifyRequest): string {
  const hash = createHash('sha256').update(`${request.method} ${request.routeOptions.url}\n`);
  const body = request.body;
  if (body instanceof Uint8Array) hash.update(body);
  else hash.update(JSON.stringify(body ?? null));
  return hash.digest('hex');
}

/**
 * `Idempotency-Key` on POST routes: the first answer (success or a 4xx) is kept per key and caller for
 * 24 h; a retry with the same key and body gets that answer again, marked `Idempotent-Replayed: true`,
 * and does nothing; the same key with another body is refused (422). Answers over
 * {@link idempotencyMaxBytes} are not kept. Expired answers are swept every hour. Call after
 * authentication.
 */
export function idempotency(app: FastifyInstance, store: Store, nowMs: () => number = Date.now): void {
  const maxBytes = idempotencyMaxBytes();
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.principal) return;
    if (!KEY.test(key))
      throw new LandbridgeError('invalid-input', 'Idempotency-Key must be 1–255 visible ASCII characters');
    const scope = request.principal.sellerId ?? 'operator';
    const hash = requestHash(request);
    let earlier = await store.idempotency.get(scope, key);
    if (earlier && earlier.createdAtMs < nowMs() - IDEMPOTENCY_TTL_MS) {
      // expired, not yet swept: the key is free again
      await store.idempotency.purge(nowMs() - IDEMPOTENCY_TTL_MS);
      earlier = undefined;
    }
    if (earlier) {
      if (earlier.requestHash !== hash) {
        throw new LandbridgeError('invalid-input', 'this Idempotency-Key was used with a different request');
      }
      reply
        .code(earlier.statusCode)
        .header('idempotent-replayed', 'true')
        .type(earlier.statusCode >= 400 ? 'application/problem+json' : 'application/json')
        .send(earlier.responseBody);
      return reply;
    }
    request.idempotency = { scope, key, requestHash: hash };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = request.idempotency;
    if (!idem || reply.statusCode >= 500 || reply.statusCode === 429) return payload;
    const text =
      typeof payload === 'string'
        ? payload
        : payload instanceof Uint8Array && payload.byteLength <= maxBytes
          ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')
          : undefined;
    if (text === undefined || Buffer.byteLength(text) > maxBytes) {
      reply.header('idempotency-stored', 'false');
      return payload;
    }
    await store.idempotency.put({
      scope: idem.scope,
      key: idem.key,
      requestHash: idem.requestHash,
      statusCode: reply.statusCode,
      responseBody: text,
      createdAtMs: nowMs(),
    });
    return payload;
  });
}

/** Forgets stored answers older than 24 h; returns how many. */
export function sweepIdempotency(store: Store, nowMs: () => number = Date.now): Promise<number> {
  return store.idempotency.purge(nowMs() - IDEMPOTENCY_TTL_MS);
}

/** Sweeps now and every hour until the server closes. */
export function scheduleIdempotencySweep(app: FastifyInstance, store: Store, nowMs: () => number): void {
  let timer: NodeJS.Timeout | undefined;
  const sweep = () => void sweepIdempotency(store, nowMs).catch(() => {});
  app.addHook('onReady', async () => {
    sweep();
    timer = setInterval(sweep, IDEMPOTENCY_SWEEP_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
