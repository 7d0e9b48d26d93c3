import type { FastifyReply, FastifyRequest } from 'fastify';
import { LandbridgeError } from '../domain/index.ts';
import { principalOf } from './auth.ts';

/**
 * Who may call a route:
 * - `public`: anyone, no key (health, the API documentation);
 * - `any-key`: the operator and every seller alike: the hub's reference data and calculators, which hold
 *   nothing of any seller (network, departures, quotes, landed cost, load plans, HS, FX);
 * - `seller-own`: the operator, and a seller for its own records only (another seller's answers 404, or
 *   is left out of a list);
 * - `operator`: the hub's operator only; a seller key answers 403 (planning, disruptions and re-plans,
 *   network changes, customs filing and the exchange, hub statistics beyond its own).
 */
export type Access = 'public' | 'any-key' | 'seller-own' | 'operator';

/**
 * Every route of the API and who may call it, by `METHOD /path` as registered. The server enforces it
 * (a seller key on an `operator` route answers 403 before the body is read; a route missing here is
 * refused to sellers), and `test/access.test.ts` calls every registered route with both roles, failing
 * on a route missing from this table. A new route is added here in the same change.
 */
export const ACCESS: Readonly<Record<string, Access>> = {
  'GET /health': 'public',
  'GET /docs': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  // Public tracking by number: milestones at city level, never the consignee; rate-limited per client.
  'GET /v1/track/:number': 'public',

  'GET /v1/network': 'any-key',
  'GET /v1/departures': 'any-key',
  'POST /v1/quotes': 'any-key',
  'POST /v1/landed-cost': 'any-key',
  'POST /v1/load-plans': 'any-key',
  'GET /v1/hs': 'any-key',
  'GET /v1/hs/:code': 'any-key',
  'GET /v1/fx': 'any-key',

  'POST /v1/parcels': 'seller-own',
  'GET /v1/parcels': 'seller-own',
  'GET /v1/parcels/:id': 'seller-own',
  'GET /v1/stats/parcels': 'seller-own',
  'POST /v1/events': 'seller-own',
  'GET /v1/parcels/:id/journey': 'seller-own',
  'POST /v1/webhooks/subscriptions': 'seller-own',
  'GET /v1/webhooks/subscriptions': 'seller-own',
  'GET /v1/webhooks/subscriptions/:id': 'seller-own',
  'PATCH /v1/webhooks/subscriptions/:id': 'seller-own',
  'DELETE /v1/webhooks/subscriptions/:id': 'seller-own',
  'POST /v1/webhooks/subscriptions/:id/rotate-secret': 'seller-own',
  'GET /v1/webhooks/subscriptions/:id/deliveries': 'seller-own',
  'POST /v1/webhooks/subscriptions/:id/deliveries/:messageId/replay': 'seller-own',
  'POST /v1/webhooks/subscriptions/:id/replay': 'seller-own',
  // A seller sees the plans' existence and its own parcels' place in them, never the hub's plan.
  'GET /v1/plans': 'seller-own',
  'GET /v1/plans/:id/parcels/:parcelId': 'seller-own',
  'GET /v1/plans/:id/parcels.csv': 'seller-own',
  'GET /v1/plans/:id/containers/:containerId': 'seller-own',
  'GET /v1/customs/sellers/:sellerId/profile': 'seller-own',
  'GET /v1/customs/declarations': 'seller-own',
  'GET /v1/customs/parcels/:parcelId': 'seller-own',
  'GET /v1/customs/parcels/:parcelId/documents/:kind': 'seller-own',
  'GET /v1/customs/departures/:departureId/destination-data': 'seller-own',

  'POST /v1/plans': 'operator',
  'GET /v1/plans/:id': 'operator',
  'GET /v1/hub/exceptions': 'operator',
  'GET /v1/hub/eta/calibration': 'operator',
  'POST /v1/hub/receiving': 'operator',
  'POST /v1/hub/plans/:id/adopt': 'operator',
  'POST /v1/hub/departures/:id/load': 'operator',
  'POST /v1/hub/departures/:id/depart': 'operator',
  'POST /v1/hub/disruptions': 'operator',
  'GET /v1/customs/profile': 'operator',
  'PUT /v1/customs/profile': 'operator',
  'PUT /v1/customs/sellers/:sellerId/profile': 'operator',
  'POST /v1/customs/references': 'operator',
  'PUT /v1/customs/departures/:departureId/conveyance': 'operator',
  'GET /v1/customs/departures/:departureId/matching': 'operator',
  'POST /v1/customs/departures/:departureId/filings': 'operator',
  'POST /v1/customs/departures/:departureId/departure-report': 'operator',
  'GET /v1/customs/departures/:departureId': 'operator',
  'GET /v1/customs/departures/:departureId/rail-notes': 'operator',
  'POST /v1/customs/parcels/:parcelId/cancel': 'operator',
  'GET /v1/customs/messages': 'operator',
  'GET /v1/customs/messages/:id': 'operator',
  'POST /v1/customs/exchange/run': 'operator',
  'GET /v1/customs/receipts': 'operator',
  'POST /v1/customs/summaries': 'operator',
  'GET /v1/customs/summaries': 'operator',
  'GET /v1/customs/statistics': 'operator',
};

/** The access of a route, by method and URL pattern; undefined when the table has no entry. */
export function accessOf(method: string, url: string): Access | undefined {
  return ACCESS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

/**
 * An `onRequest` hook, after authentication: a seller key on an `operator` route, or on a route the
 * table does not list, answers 403 before anything else is read.
 */
export async function enforceAccess(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const principal = principalOf(request);
  if (principal.role === 'operator') return;
  const url = request.routeOptions.url;
  if (url === undefined) return; // not found: the not-found handler answers
  const access = accessOf(request.method, url);
  if (access === 'operator')
    throw new LandbridgeError(
      'forbidden',
      `${request.method} ${url} is the operator's; a seller key cannot call it`,
    );
  if (access === undefined)
    throw new LandbridgeError(
      'forbidden',
      `${request.method} ${url} has no access rule; only the operator may call it`,
    );
}
