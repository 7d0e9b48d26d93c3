import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LandbridgeError } from '../domain/index.ts';
import type { NewIdempotencyRecord, Store } from '../store/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { scope: string; key: string; requestHash: string };
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
/** How long a request waits for the same request being answered elsewhere before answering 409. */
const PENDING_WAIT_MS = 30_000;
/** How often a request being answered renews its mark (its heartbeat). */
const MARK_HEARTBEAT_MS = 2_000;
/**
 * A mark not renewed for this long belongs to a process that died mid-request (kill -9, a lost
 * machine): the next request with the key takes it over and runs, instead of waiting a minute for 409.
 */
export const MARK_STALE_MS = 10_000;

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
  const heartbeats = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.principal) return;
    if (!KEY.test(key))
      throw new LandbridgeError('invalid-input', 'Idempotency-Key must be 1–255 visible ASCII characters', [
        { where: { field: 'headers.idempotency-key' }, why: 'must be 1–255 visible ASCII characters' },
      ]);
    const scope = request.principal.sellerId ?? 'operator';
    const hash = requestHash(request);
    let earlier = await store.idempotency.get(scope, key);
    if (earlier && earlier.createdAtMs < nowMs() - IDEMPOTENCY_TTL_MS) {
      // expired, not yet swept: the key is free again
      await store.idempotency.purge(nowMs() - IDEMPOTENCY_TTL_MS);
      earlier = undefined;
    }
    // Mark the key before working, so the same request arriving at another API process meanwhile
    // waits for this answer instead of doing the work twice.
    if (!earlier && !(await store.idempotency.begin(scope, key, hash, MARK_STALE_MS)))
      earlier = await store.idempotency.get(scope, key);
    for (let waited = 0; earlier?.statusCode === 0 && waited < PENDING_WAIT_MS; waited += 50) {
      if (earlier.requestHash !== hash) break;
      // once a second: has the mark's heartbeat stopped (its process died)? Then take the key over.
      if (waited % 1_000 === 0 && (await store.idempotency.begin(scope, key, hash, MARK_STALE_MS))) {
        earlier = undefined;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
      earlier = await store.idempotency.get(scope, key);
    }
    if (earlier?.statusCode === 0 && earlier.requestHash === hash)
      throw new LandbridgeError(
        'conflict',
        'a request with this Idempotency-Key is still being answered; retry it later',
      );
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
    const heartbeat = setInterval(
      () => void store.idempotency.touch(scope, key, hash).catch(() => {}),
      MARK_HEARTBEAT_MS,
    );
    heartbeat.unref();
    heartbeats.set(request, heartbeat);
  });

  const stopHeartbeat = async (request: FastifyRequest) => {
    const heartbeat = heartbeats.get(request);
    if (heartbeat === undefined) return;
    clearInterval(heartbeat);
    heartbeats.delete(request);
  };
  app.addHook('onResponse', stopHeartbeat);
  app.addHook('onRequestAbort', stopHeartbeat);

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = request.idempotency;
    if (!idem) return payload;
    if (reply.statusCode >= 500 || reply.statusCode === 429) {
      await store.idempotency.abandon(idem.scope, idem.key);
      return payload;
    }
    const text =
      typeof payload === 'string'
        ? payload
        : payload instanceof Uint8Array && payload.byteLength <= maxBytes
          ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')
          : undefined;
    if (text === undefined || Buffer.byteLength(text) > maxBytes) {
      reply.header('idempotency-stored', 'false');
      await store.idempotency.abandon(idem.scope, idem.key);
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

/**
 * The record to keep for a request's answer when the route stores it itself, in the transaction of its
 * work (an import): undefined when the answer is over {@link idempotencyMaxBytes}. The server's own
 * `onSend` then finds the key answered and leaves it.
 */
export function keptAnswer(
  idem: NonNullable<FastifyRequest['idempotency']>,
  statusCode: number,
  body: unknown,
): NewIdempotencyRecord | undefined {
  const text = JSON.stringify(body);
  if (Buffer.byteLength(text) > idempotencyMaxBytes()) return undefined;
  return { scope: idem.scope, key: idem.key, requestHash: idem.requestHash, statusCode, responseBody: text };
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
