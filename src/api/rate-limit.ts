import type { FastifyReply, FastifyRequest } from 'fastify';

/** One limit: a token bucket refilled at `perSecond`, holding at most `burst` tokens. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** The limits of the API: per API key and per client address; null turns one off. */
export interface RateLimits {
  readonly perKey: RateLimit | null;
  readonly perAddress: RateLimit | null;
}

/** Defaults: generous for an integration, a wall for a flood. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  perKey: { perSecond: 100, burst: 1_000 },
  perAddress: { perSecond: 200, burst: 2_000 },
};

function limitFromEnv(prefix: string, fallback: RateLimit | null): RateLimit | null {
  const rate = process.env[`${prefix}_PER_S`];
  const burst = process.env[`${prefix}_BURST`];
  if (rate === undefined && burst === undefined) return fallback;
  const r = rate === undefined ? (fallback?.perSecond ?? 0) : Number(rate);
  if (!Number.isFinite(r) || r < 0) throw new Error(`${prefix}_PER_S must be a number ≥ 0, got "${rate}"`);
  if (r === 0) return null;
  const b = burst === undefined ? Math.max(r, fallback?.burst ?? r) : Number(burst);
  if (!Number.isFinite(b) || b < 1) throw new Error(`${prefix}_BURST must be a number ≥ 1, got "${burst}"`);
  return { perSecond: r, burst: b };
}

/**
 * The limits from the environment: `LANDBRIDGE_RATE_LIMIT_KEY_PER_S` / `…_KEY_BURST` per API key,
 * `LANDBRIDGE_RATE_LIMIT_ADDRESS_PER_S` / `…_ADDRESS_BURST` per client address; a rate of 0 turns that
 * limit off. Unset: {@link DEFAULT_RATE_LIMITS}.
 */
export function rateLimitsFromEnv(): RateLimits {
  return {
    perKey: limitFromEnv('LANDBRIDGE_RATE_LIMIT_KEY', DEFAULT_RATE_LIMITS.perKey),
    perAddress: limitFromEnv('LANDBRIDGE_RATE_LIMIT_ADDRESS', DEFAULT_RATE_LIMITS.perAddress),
  };
}

/** What taking a token said. */
export interface Taken {
  readonly ok: boolean;
  /** Whole tokens left. */
  readonly remaining: number;
  /** Seconds until the bucket is full again. */
  readonly resetSeconds: number;
  /** When refused: seconds until a token is there. */
  readonly retryAfterSeconds: number;
}

/** Most buckets kept; beyond, full ones (the idle) are forgotten first. */
const MAX_BUCKETS = 100_000;

/** Token buckets by id (an API key's id, a client address). */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    readonly limit: RateLimit,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Takes one token of `id`'s bucket when there is one. */
  take(id: string): Taken {
    const now = this.clock();
    const { perSecond, burst } = this.limit;
    let b = this.#buckets.get(id);
    if (!b) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#forgetIdle(now);
      b = { tokens: burst, atMs: now };
      this.#buckets.set(id, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((now - b.atMs) / 1000) * perSecond);
      b.atMs = now;
    }
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    return {
      ok,
      remaining: Math.floor(b.tokens),
      resetSeconds: Math.ceil((burst - b.tokens) / perSecond),
      retryAfterSeconds: ok ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / perSecond)),
    };
  }

  #forgetIdle(now: number): void {
    const { perSecond, burst } = this.limit;
    for (const [id, b] of this.#buckets)
      if (b.tokens + ((now - b.atMs) / 1000) * perSecond >= burst) this.#buckets.delete(id);
    // all busy: forget the oldest half
    if (this.#buckets.size >= MAX_BUCKETS)
      for (const id of [...this.#buckets.keys()].slice(0, MAX_BUCKETS / 2)) this.#buckets.delete(id);
  }
}

/**
 * A hook that takes a token of the bucket `idOf` names and, when there is none, answers 429 as
 * `application/problem+json` with `Retry-After`; every answer carries `RateLimit-Limit`,
 * `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy` (IETF httpapi draft) for the
 * tightest limit passed.
 */
export function rateLimitHook(
  buckets: TokenBuckets,
  name: 'key' | 'address',
  idOf: (request: FastifyRequest) => string | undefined,
) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const id = idOf(request);
    if (id === undefined) return undefined;
    const t = buckets.take(id);
    const { perSecond, burst } = buckets.limit;
    const shown = reply.getHeader('ratelimit-remaining');
    if (shown === undefined || Number(shown) >= t.remaining) {
      reply.header('ratelimit-limit', String(burst));
      reply.header('ratelimit-remaining', String(t.remaining));
      reply.header('ratelimit-reset', String(t.resetSeconds));
      reply.header('ratelimit-policy', `${burst};w=${Math.ceil(burst / perSecond)};name="${name}"`);
    }
    if (t.ok) return undefined;
    reply
      .code(429)
      .header('retry-after', String(t.retryAfterSeconds))
      .type('application/problem+json')
      .send({
        type: 'https://landbridge.dev/problems/rate-limited',
        title: 'Too many requests',
        status: 429,
        detail: `more than ${perSecond} requests a second (bursts of ${burst}) from this ${name === 'key' ? 'API key' : 'client address'}; try again in ${t.retryAfterSeconds} s`,
        code: 'rate-limited',
        instance: request.url,
      });
    return reply;
  };
}

/** A per-client budget of one route: `limit` requests per `windowMs`, refilled continuously. */
export interface ClientBudget {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * A per-route limiter keyed by the client's address (Fastify's `request.ip`, which honours
 * `trustProxy`), on the same token buckets as the API-wide limits: over budget, 429 with a problem and
 * `Retry-After`. Public tracking uses it so that S10 and hub numbers cannot be enumerated quickly.
 */
export function perClientLimiter(budget: ClientBudget, nowMs: () => number = Date.now) {
  const buckets = new TokenBuckets(
    { perSecond: (budget.limit * 1000) / budget.windowMs, burst: budget.limit },
    nowMs,
  );
  return rateLimitHook(buckets, 'address', (r) => r.ip);
}
