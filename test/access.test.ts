/**
 * Who may call what: every route the server registered (Fastify's own list, so a new route without an
 * entry in src/api/access.ts fails here) called without a key, with a seller key and with the operator
 * key, against the table; and a seller's reach kept to its own records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, type Access } from '../src/api/access.ts';
import { type ApiHub, apiHub, sampleParcel } from './fixtures/api-hub.ts';

describe('the access table over every registered route', () => {
  let hub: ApiHub;
  let own: string;
  let foreign: string;
  let planId: string;

  beforeAll(async () => {
    hub = await apiHub();
    const post = async (key: string, orderId: string) => {
      const res = await hub.app.inject({
        method: 'POST',
        url: '/v1/parcels',
        headers: { authorization: `Bearer ${key}` },
        payload: { parcels: [sampleParcel(orderId)] },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().parcels[0].id as string;
    };
    own = await post(hub.keys.sellerA, 'a-1');
    foreign = await post(hub.keys.sellerB, 'b-1');
    planId = (await hub.store.plans.create({ days: 3 })).id;
  });
  afterAll(() => hub.close());

  /** A concrete URL for a route pattern, with seller A's parcel, a plan, a departure and so on. */
  const concrete = (url: string) =>
    url
      .replace(':parcelId', own)
      .replace('/v1/track/:number', '/v1/track/LB00000000000')
      .replace('/v1/hub/plans/:id', `/v1/hub/plans/${planId}`)
      .replace(
        '/v1/hub/departures/:id',
        `/v1/hub/departures/${encodeURIComponent('cre-duisburg-ala@2026-12-03T09:00')}`,
      )
      .replace('/v1/webhooks/subscriptions/:id', '/v1/webhooks/subscriptions/wh-1')
      .replace(':messageId', 'msg-1')
      .replace('/v1/parcels/:id', `/v1/parcels/${own}`)
      .replace('/v1/plans/:id', `/v1/plans/${planId}`)
      .replace('/v1/customs/messages/:id', '/v1/customs/messages/m-1')
      .replace(':sellerId', 'seller-a')
      .replace(':departureId', encodeURIComponent('cre-duisburg-ala@2026-12-03T09:00'))
      .replace(':code', '610910')
      .replace(':kind', 'order');

  const call = (method: string, url: string, key?: string) =>
    hub.app.inject({
      method: method as 'GET',
      url: concrete(url),
      headers: key ? { authorization: `Bearer ${key}` } : {},
      ...(method === 'GET' ? {} : { payload: {} }),
    });

  it('lists every registered route, and nothing else', () => {
    const registered = hub.app.landbridgeRoutes.map((r) => `${r.method} ${r.url}`);
    const missing = registered.filter((r) => ACCESS[r] === undefined);
    expect(missing, 'routes without an entry in src/api/access.ts').toEqual([]);
    const stale = Object.keys(ACCESS).filter((r) => !registered.includes(r));
    expect(stale, 'entries in src/api/access.ts for routes that do not exist').toEqual([]);
    expect(registered.length).toBeGreaterThan(40);
  });

  it('answers each route as its access says, without a key, as a seller and as the operator', async () => {
    const seen: string[] = [];
    for (const route of hub.app.landbridgeRoutes) {
      const name = `${route.method} ${route.url}`;
      const access = ACCESS[name] as Access;
      const anonymous = await call(route.method, route.url);
      const seller = await call(route.method, route.url, hub.keys.sellerA);
      const operator = await call(route.method, route.url, hub.keys.operator);
      const got = `${name}: none ${anonymous.statusCode}, seller ${seller.statusCode}, operator ${operator.statusCode}`;
      seen.push(got);
      if (access === 'public') {
        expect([401, 403], got).not.toContain(anonymous.statusCode);
        expect(anonymous.statusCode, got).toBeLessThan(500);
        continue;
      }
      expect(anonymous.statusCode, got).toBe(401);
      expect(anonymous.headers['content-type'], got).toMatch(/^application\/problem\+json/);
      expect([401, 403], got).not.toContain(operator.statusCode);
      expect(operator.statusCode, got).toBeLessThan(500);
      if (access === 'operator') {
        expect(seller.statusCode, got).toBe(403);
        expect(seller.json().code, got).toBe('forbidden');
      } else {
        expect([401, 403], got).not.toContain(seller.statusCode);
        expect(seller.statusCode, got).toBeLessThan(500);
      }
    }
    expect(seen.length).toBe(hub.app.landbridgeRoutes.length);
  });

  it('refuses a seller the hub’s planning and disruptions with a 403 problem, whatever the body', async () => {
    const auth = { authorization: `Bearer ${hub.keys.sellerA}` };
    const before = (await hub.store.plans.list()).length;
    for (const payload of [
      { days: 3 },
      {
        basePlanId: planId,
        disruption: {
          nodeId: 'brest',
          from: '2026-12-12T00:00:00Z',
          to: '2026-12-19T00:00:00Z',
          effect: 'closed',
          reason: 'x',
        },
      },
      { nonsense: true },
    ]) {
      const res = await hub.app.inject({ method: 'POST', url: '/v1/plans', headers: auth, payload });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ status: 403, code: 'forbidden' });
    }
    expect((await hub.store.plans.list()).length).toBe(before);
  });

  it('keeps a seller to its own records: another seller’s answers 404 or is left out', async () => {
    const get = (url: string) =>
      hub.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${hub.keys.sellerA}` } });
    expect((await get(`/v1/parcels/${foreign}`)).statusCode).toBe(404);
    expect((await get(`/v1/parcels/${own}`)).statusCode).toBe(200);
    const list = (await get('/v1/parcels?limit=1000')).json().items.map((p: { id: string }) => p.id);
    expect(list).toEqual([own]);
    expect((await get('/v1/parcels?sellerId=seller-b')).statusCode).toBe(403);
    expect((await get(`/v1/plans/${planId}/parcels/${foreign}`)).statusCode).toBe(404);
    expect((await get(`/v1/customs/parcels/${foreign}`)).statusCode).toBe(404);
    expect((await get('/v1/customs/sellers/seller-b/profile')).statusCode).toBe(404);
    const stats = await get('/v1/stats/parcels');
    expect(stats.statusCode).toBe(200);
    expect(JSON.stringify(stats.json())).not.toContain('seller-b');
  });
});
