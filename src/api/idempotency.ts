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

/**
 * `Idempotency-Key` on POST routes: the first answer (success or a 4xx) is kept per key and caller; a
 * retry with the same key and body gets that answer again, marked `Idempotent-Replayed: true`, and does
 * nothing; the same key with another body is refused (422). Call after authentication.
 */
export function idempotency(app: FastifyInstance, store: Store): void {
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.principal) return;
    if (!KEY.test(key))
      throw new LandbridgeError('invalid-input', 'Idempotency-Key must be 1–255 visible ASCII characters');
    const scope = request.principal.sellerId ?? 'operator';
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const earlier = await store.idempotency.get(scope, key);
    if (earlier) {
      if (earlier.requestHash !== requestHash) {
        throw new LandbridgeError('invalid-input', 'this Idempotency-Key was used with a different request');
      }
      reply
        .code(earlier.statusCode)
        .header('idempotent-replayed', 'true')
        .type(earlier.statusCode >= 400 ? 'application/problem+json' : 'application/json')
        .send(earlier.responseBody);
      return reply;
    }
    request.idempotency = { scope, key, requestHash };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = request.idempotency;
    if (!idem || reply.statusCode >= 500 || typeof payload !== 'string') return payload;
    await store.idempotency.put({
      scope: idem.scope,
      key: idem.key,
      requestHash: idem.requestHash,
      statusCode: reply.statusCode,
      responseBody: payload,
    });
    return payload;
  });
}
