import { DAY_MS } from '../domain/days.ts';
import { LandbridgeError, type Network } from '../domain/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import { chunksOf } from '../store/context.ts';
import type { Store } from '../store/index.ts';
import {
  type Calibration,
  type DurationDefaults,
  type SimParcel,
  type SimRide,
  scheduledDeparture,
  simulateJourneys,
} from '../tracking/index.ts';
import { adoptPlan } from './adopt.ts';
import { loadDurationModel, recomputeEta } from './eta.ts';
import { calibrationReport } from './exceptions.ts';
import { MAX_EVENT_BATCH, recordEvents } from './intake.ts';
import { EtaRoutes } from './route-key.ts';

/** What a simulation wrote. */
export interface SimulationResult {
  readonly planId: string;
  readonly parcels: number;
  readonly events: number;
  /**
   * How often the simulated deliveries landed inside the P10–P90 window published when their parcel
   * departed (nominal 80 %), over the hub's deliveries of the last 90 days.
   */
  readonly calibration: Calibration;
  readonly ms: number;
}

/**
 * `landbridge simulate`: runs the hub forward from a plan (the given one, adopted first if it is not
 * the adopted one; else the adopted one) up to `nowMs`, seeded, and records the events through the
 * intake marked simulated — in time order, in batches — then recomputes every ETA. Parcels that have
 * events already are left alone (a second run adds nothing).
 */
export async function simulateHub(
  store: Store,
  options: {
    readonly hubId: string;
    readonly network: Network;
    readonly defaults: DurationDefaults;
    readonly nowMs: number;
    readonly seed: string;
    readonly planId?: string;
  },
): Promise<SimulationResult> {
  const started = performance.now();
  const { hubId, network, nowMs } = options;
  const adopted = (await store.journeys.plans(hubId, 'adopted'))[0]?.planId;
  const planId = options.planId ?? adopted;
  if (planId === undefined)
    throw new LandbridgeError('conflict', 'no plan to simulate: name one (--plan) or adopt one first');
  if (planId !== adopted) await adoptPlan(store, { hubId, network, planId, nowMs, cause: 'simulation' });
  const job = await store.plans.get(planId);
  const doc = job!.result as PlanDocument;
  const ids = doc.parcels.map((p) => p.id);
  const journeys = await store.journeys.getMany(hubId, ids);
  const facts = new Map<string, { readyAtMs: number; weightG: number }>();
  for (const chunk of chunksOf(ids, 900)) {
    const rows = await store.db
      .selectFrom('parcels')
      .select(['id', 'ready_at_ms', 'gross_weight_g'])
      .where('id', 'in', [...chunk])
      .execute();
    for (const r of rows) facts.set(r.id, { readyAtMs: Number(r.ready_at_ms), weightG: r.gross_weight_g });
  }
  const parcels: SimParcel[] = [];
  const etaRoutes = new EtaRoutes(network, new Map());
  for (const p of doc.parcels) {
    const j = journeys.get(p.id);
    const f = facts.get(p.id);
    if (!j || !f || p.rides.length === 0 || j.last_event_ms !== null || j.stage !== 'announced') continue;
    // The whole itinerary: every ride, each in its container (loose parcels share one per departure).
    const rides: SimRide[] = [];
    for (const ride of p.rides) {
      const dep = scheduledDeparture(network, ride.departureId);
      if (!dep.ok) break;
      rides.push({
        departureId: ride.departureId,
        serviceId: dep.value.service.id,
        scheduledMs: dep.value.scheduledMs,
        to: ride.to,
        containerId: ride.containerId ?? `${ride.departureId}#loose`,
      });
    }
    if (rides.length !== p.rides.length) continue;
    const route = j.route === null ? null : etaRoutes.get(j.route);
    parcels.push({
      parcelId: p.id,
      readyAtMs: f.readyAtMs,
      weightG: f.weightG,
      ride: rides[0]!,
      onward: rides.slice(1),
      gateway: p.gateway,
      zoneId: j.zone_id,
      ...(route ? { toGatewayMinutes: route.toGatewayMinutes } : {}),
    });
  }
  const model = await loadDurationModel(store, hubId, network, options.defaults, nowMs);
  const events = simulateJourneys({ network, model, parcels, nowMs, seed: options.seed });
  // Day by day, with the ETA recomputed at the end of each: the window a parcel had when it departed
  // is kept, so the calibration report has published windows to judge deliveries by.
  let i = 0;
  while (i < events.length) {
    const dayEnd = Math.min(nowMs, (Math.floor(events[i]!.atMs / DAY_MS) + 1) * DAY_MS);
    let k = i;
    while (k < events.length && events[k]!.atMs < dayEnd) k++;
    for (const batch of chunksOf(events.slice(i, k), MAX_EVENT_BATCH))
      await recordEvents(
        store,
        batch.map((e) => e.input),
        { hubId, network, actor: { role: 'system', name: 'simulation' }, nowMs },
      );
    await recomputeEta(store, {
      hubId,
      network,
      defaults: options.defaults,
      nowMs: dayEnd,
      model,
      draws: 100,
    });
    i = k;
  }
  await recomputeEta(store, { hubId, network, defaults: options.defaults, nowMs });
  const { overall } = await calibrationReport(store, hubId, { nowMs });
  return {
    planId,
    parcels: parcels.length,
    events: events.length,
    calibration: overall,
    ms: Math.round(performance.now() - started),
  };
}
