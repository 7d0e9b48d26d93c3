import { LandbridgeError, type LastMileZone, type Network } from '../domain/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import { zoneFor } from '../quote/index.ts';
import { chunksOf } from '../store/context.ts';
import type { ContainerRow, DepartureRow, JourneyRow, Store } from '../store/index.ts';
import { etaKeyOf } from './facts.ts';
import { routeKey } from './route-key.ts';

/** What adopting a plan did. */
export interface Adoption {
  readonly planId: string;
  readonly parcels: number;
  readonly routes: number;
  readonly departures: number;
  readonly containers: number;
}

/**
 * Makes a finished plan the one the hub runs by: each planned parcel gets its route (rides, gateway,
 * last-mile zone) for the ETA and the disruption loop, the plan's departures and containers become
 * known to operations (so the hub can close and load them), and earlier adopted plans are superseded.
 * A held parcel keeps its earlier route, if any.
 */
export async function adoptPlan(
  store: Store,
  options: {
    readonly hubId: string;
    readonly network: Network;
    readonly planId: string;
    readonly nowMs: number;
    readonly cause?: string;
  },
): Promise<Adoption> {
  const { hubId, network, planId, nowMs } = options;
  const job = await store.plans.get(planId);
  if (!job) throw new LandbridgeError('not-found', `no plan ${planId}`);
  if (job.status !== 'done' || job.result === undefined)
    throw new LandbridgeError(
      'conflict',
      `plan ${planId} is ${job.status}: only a finished plan can be adopted`,
    );
  const doc = job.result as PlanDocument;
  const ids = doc.parcels.map((p) => p.id);
  await store.journeys.ensure(hubId, ids);

  const zones = new Map<string, LastMileZone[]>();
  for (const z of network.lastMile) zones.set(z.country, [...(zones.get(z.country) ?? []), z]);
  const destination = new Map<string, { country: string; postcode: string }>();
  for (const chunk of chunksOf(ids, 900)) {
    const rows = await store.db
      .selectFrom('parcels')
      .select(['id', 'consignee_country', 'consignee_postcode'])
      .where('id', 'in', [...chunk])
      .execute();
    for (const r of rows)
      destination.set(r.id, { country: r.consignee_country, postcode: r.consignee_postcode });
  }
  const journeys = await store.journeys.getMany(hubId, ids);
  const updates: Pick<JourneyRow, 'parcel_id' | 'route' | 'plan_id' | 'gateway' | 'zone_id' | 'eta_key'>[] =
    [];
  const pairs = new Map<string, { route: string; departureId: string }>();
  for (const p of doc.parcels) {
    const j = journeys.get(p.id);
    const to = destination.get(p.id);
    if (!j || !to) continue;
    const zone = zoneFor(zones.get(to.country) ?? [], to.postcode)?.id ?? null;
    const route = routeKey({
      rides: p.rides.map((r) => ({ departureId: r.departureId, to: r.to })),
      gateway: p.gateway,
      zoneId: zone,
    });
    updates.push({
      parcel_id: p.id,
      route,
      plan_id: planId,
      gateway: p.gateway,
      zone_id: zone,
      eta_key: etaKeyOf({ ...j, route }),
    });
    for (const r of p.rides)
      pairs.set(`${route}\u0000${r.departureId}`, { route, departureId: r.departureId });
  }
  const departures: DepartureRow[] = doc.departures.map((d) => ({
    hub_id: hubId,
    departure_id: d.id,
    service_id: d.serviceId,
    scheduled_ms: Date.parse(d.departAt),
    estimated_ms: null,
    actual_ms: null,
    cancelled: 0,
    delay_node: null,
    delay_minutes: null,
    reason: null,
    updated_at_ms: nowMs,
  }));
  const containers: ContainerRow[] = doc.departures.flatMap((d) =>
    d.containers.map((c) => ({
      hub_id: hubId,
      container_id: c.id,
      departure_id: d.id,
      plan_id: planId,
      container_type: c.type,
      stage: 'open',
      hold: null,
      last_event_ms: null,
      last_code: null,
      last_node: null,
      created_at_ms: nowMs,
      updated_at_ms: nowMs,
    })),
  );
  await store.transaction(async (tx) => {
    await tx.journeys.setRoutes(updates);
    await tx.journeys.addRoutes(hubId, [...pairs.values()]);
    await tx.journeys.putDepartures(departures, 'ignore');
    await tx.journeys.putContainers(containers);
    await tx.journeys.setPlan(hubId, planId, 'adopted', options.cause ?? null, nowMs);
  });
  return {
    planId,
    parcels: updates.length,
    routes: new Set(updates.map((u) => u.route)).size,
    departures: departures.length,
    containers: containers.length,
  };
}
