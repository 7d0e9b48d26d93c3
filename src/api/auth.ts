import type { FastifyReply, FastifyRequest } from 'fastify';
import { LandbridgeError } from '../domain/index.ts';
import type { ApiPrincipal, Store } from '../store/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: ApiPrincipal;
  }
}

/**
 * The key of a request: `Authorization: Bearer <key>` (the scheme in any case, RFC 9110 §11.1) or
 * `X-Api-Key: <key>`.
 */
export function keyOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  const bearer = auth ? /^bearer[ \t]+(\S+)[ \t]*$/i.exec(auth) : null;
  if (bearer) return bearer[1];
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
}

/** Whether a request carries a valid key (sets `request.principal`); never throws on a bad key. */
export function hasValidKey(store: Store) {
  return async (request: FastifyRequest): Promise<boolean> => {
    const key = keyOf(request);
    if (!key) return false;
    const principal = await store.apiKeys.authenticate(key);
    if (principal) request.principal = principal;
    return principal !== undefined;
  };
}

/** A pre-handler that authenticates the API key and sets `request.principal`, or answers 401. */
export function authenticate(store: Store) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const key = keyOf(request);
    if (!key)
      throw new LandbridgeError('unauthorized', 'an API key is required: Authorization: Bearer <key>');
    const principal = await store.apiKeys.authenticate(key);
    if (!principal) throw new LandbridgeError('unauthorized', 'the API key is unknown or revoked');
    request.principal = principal;
  };
}

/** The authenticated principal of a request that passed `authenticate`. */
export function principalOf(request: FastifyRequest): ApiPrincipal {
  if (!request.principal) throw new LandbridgeError('unauthorized', 'an API key is required');
  return request.principal;
}

/** Refuses a request that is not the operator's. */
export function requireOperator(request: FastifyRequest): void {
  if (principalOf(request).role !== 'operator')
    throw new LandbridgeError('forbidden', 'this needs the operator key');
}
