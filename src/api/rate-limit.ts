import type { FastifyReply, FastifyRequest } from 'fastify';

/** A per-client budget: `limit` requests per `windowMs`, refilled continuously (a token bucket). */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * A small per-route limiter keyed by the client's address (Fastify's `request.ip`, which honours
 * `trustProxy` when the server is behind one): over budget, the request is answered 429 with a
 * problem and `Retry-After`. In memory, per process; buckets idle for a window are forgotten.
 * Public tracking uses it so that S10 and hub numbers cannot be enumerated quickly (facts §9).
 */
export function perClientLimiter(rate: RateLimit, nowMs: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  const perMs = rate.limit / rate.windowMs;
  let sweepAt = nowMs() + rate.windowMs;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const now = nowMs();
    if (now >= sweepAt) {
      for (const [k, b] of buckets) if (now - b.atMs > rate.windowMs) buckets.delete(k);
      sweepAt = now + rate.windowMs;
    }
    const key = request.ip;
    const b = buckets.get(key) ?? { tokens: rate.limit, atMs: now };
    b.tokens = Math.min(rate.limit, b.tokens + (now - b.atMs) * perMs);
    b.atMs = now;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      reply.header('ratelimit-limit', String(rate.limit));
      reply.header('ratelimit-remaining', String(Math.floor(b.tokens)));
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
    reply
      .code(429)
      .header('retry-after', String(retryAfter))
      .type('application/problem+json')
      .send({
        type: 'https://landbridge.dev/problems/rate-limited',
        title: 'Too many requests',
        status: 429,
        detail: `at most ${rate.limit} requests per ${Math.round(rate.windowMs / 1000)} s from one client; retry in ${retryAfter} s`,
        code: 'rate-limited',
        instance: request.url,
      });
    return reply;
  };
}
