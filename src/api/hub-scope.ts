import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { LandbridgeError } from '../domain/index.ts';
import { withHub } from '../store/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The hub the request acts on (after authentication). */
    hubId?: string;
  }
}

/** The header a key reaching several hubs names the hub of a request with. */
export const HUB_HEADER = 'landbridge-hub';

/**
 * Runs the rest of an authenticated request in its hub (see `withHub`): the key's home hub, or the hub
 * named in `Landbridge-Hub` when the key reaches it. The store then reads and writes that hub's parcels,
 * plans, network versions and keys only, and the server's hub state is that hub's. A hub the key does
 * not reach is refused (403), without saying whether it exists.
 */
export function hubScope() {
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const principal = request.principal;
    if (!principal) {
      done();
      return;
    }
    const named = request.headers[HUB_HEADER];
    const hubId = typeof named === 'string' && named.trim() !== '' ? named.trim() : principal.hubs[0];
    if (hubId === undefined || !principal.hubs.includes(hubId)) {
      done(new LandbridgeError('forbidden', `this key does not reach hub ${hubId}`));
      return;
    }
    request.hubId = hubId;
    withHub(hubId, done);
  };
}
