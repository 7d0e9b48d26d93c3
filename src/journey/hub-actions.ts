import { LandbridgeError, type Network, type Problem } from '../domain/index.ts';
import type { PlanDocument } from '../plan/index.ts';
import type { Store } from '../store/index.ts';
import { classifyTrackingNumber, isoWithOffset, scheduledDeparture } from '../tracking/index.ts';
import { type EventActor, type RecordResult, recordEvents } from './intake.ts';

/** A receiving scan: the parcel (id or tracking number) and what the hub measured. */
export interface ReceivingScan {
  readonly parcelId?: string;
  readonly trackingNumber?: string;
  readonly weightG: number;
  readonly lengthMm?: number;
  readonly widthMm?: number;
  readonly heightMm?: number;
  /** When it was scanned (ISO 8601 with offset); now when absent. */
  readonly at?: string;
}

/** One parcel's re-weigh audit: declared against measured. */
export interface ReweighLine {
  readonly parcelId: string;
  readonly trackingNumber: string;
  readonly declaredWeightG: number;
  readonly measuredWeightG: number;
  readonly deltaG: number;
  readonly declaredVolumeMm3: number;
  readonly measuredVolumeMm3: number | null;
  /** Beyond the tolerance (50 g and 5 % of the weight, 10 % of the volume). */
  readonly flagged: boolean;
}

interface ActionContext {
  readonly hubId: string;
  readonly network: Network;
  readonly nowMs: number;
  readonly actor?: EventActor;
}

const hubZoneOffset = (network: Network, atMs: number): string => {
  const zone = network.nodes.find((n) => n.id === network.hub)?.zone ?? 'UTC';
  const local = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).format(
    new Date(atMs),
  );
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(local);
  return m ? `${m[1]}:${m[2] ?? '00'}` : 'Z';
};

/** An instant as ISO 8601 in the hub's local offset. */
export function hubIso(network: Network, atMs: number): string {
  const off = hubZoneOffset(network, atMs);
  if (off === 'Z') return new Date(atMs).toISOString();
  const [h, m] = off.split(':').map(Number) as [number, number];
  return isoWithOffset(atMs, h * 60 + Math.sign(h || 1) * m);
}

/**
 * Receiving scans at the hub's gate: one HUB_RECEIVED event per parcel with what was measured, through
 * the intake (all or nothing). Answers with the re-weigh audit of each parcel: the declared weight and
 * volume against the measured ones, and whether the difference is beyond the tolerance.
 */
export async function receiveParcels(
  store: Store,
  scans: readonly ReceivingScan[],
  ctx: ActionContext,
): Promise<{ readonly result: RecordResult; readonly reweigh: readonly ReweighLine[] }> {
  const problems: Problem[] = [];
  scans.forEach((s, i) => {
    if ((s.parcelId === undefined) === (s.trackingNumber === undefined))
      problems.push({
        where: { row: i + 1, field: 'parcelId' },
        why: 'name the parcel by parcelId or trackingNumber (one of them)',
      });
    if (s.trackingNumber !== undefined && classifyTrackingNumber(s.trackingNumber).kind === 'invalid')
      problems.push({ where: { row: i + 1, field: 'trackingNumber' }, why: 'not a valid tracking number' });
  });
  if (problems.length > 0)
    throw new LandbridgeError('invalid-input', 'bad receiving scans; nothing was recorded', problems);
  const events = scans.map((s) => {
    const at = s.at ?? hubIso(ctx.network, ctx.nowMs);
    const ref = s.parcelId ?? s.trackingNumber!.toUpperCase();
    return {
      eventId: `recv:${ref}:${Date.parse(at)}`,
      code: 'HUB_RECEIVED',
      ...(s.parcelId !== undefined ? { parcelId: s.parcelId } : { trackingNumber: s.trackingNumber }),
      eventTime: at,
      place: ctx.network.hub,
      measured: {
        weightG: s.weightG,
        ...(s.lengthMm !== undefined ? { lengthMm: s.lengthMm } : {}),
        ...(s.widthMm !== undefined ? { widthMm: s.widthMm } : {}),
        ...(s.heightMm !== undefined ? { heightMm: s.heightMm } : {}),
      },
    };
  });
  const result = await recordEvents(store, events, {
    hubId: ctx.hubId,
    network: ctx.network,
    actor: ctx.actor ?? { role: 'operator' },
    nowMs: ctx.nowMs,
  });
  const ids = result.parcelsChanged;
  const journeys = await store.journeys.getMany(ctx.hubId, ids);
  const facts = await store.journeys.parcelFacts(ids);
  const reweigh = ids.flatMap((id): ReweighLine[] => {
    const j = journeys.get(id);
    const f = facts.get(id);
    if (!j || !f || j.measured_weight_g === null) return [];
    return [reweighLine(j, f)];
  });
  return { result, reweigh };
}

/** The re-weigh audit of a journey row. */
export function reweighLine(
  j: {
    parcel_id: string;
    tracking_number: string;
    measured_weight_g: number | null;
    measured_length_mm: number | null;
    measured_width_mm: number | null;
    measured_height_mm: number | null;
    reweigh_flag: number;
  },
  f: { gross_weight_g: number; length_mm: number; width_mm: number; height_mm: number },
): ReweighLine {
  const measuredVolume =
    j.measured_length_mm !== null && j.measured_width_mm !== null && j.measured_height_mm !== null
      ? j.measured_length_mm * j.measured_width_mm * j.measured_height_mm
      : null;
  return {
    parcelId: j.parcel_id,
    trackingNumber: j.tracking_number,
    declaredWeightG: f.gross_weight_g,
    measuredWeightG: j.measured_weight_g ?? 0,
    deltaG: (j.measured_weight_g ?? 0) - f.gross_weight_g,
    declaredVolumeMm3: f.length_mm * f.width_mm * f.height_mm,
    measuredVolumeMm3: measuredVolume,
    flagged: j.reweigh_flag === 1,
  };
}

/** The plan the hub runs by: the given one, or the adopted one. */
async function planDocument(
  store: Store,
  hubId: string,
  planId?: string,
): Promise<{ id: string; doc: PlanDocument }> {
  const id = planId ?? (await store.journeys.plans(hubId, 'adopted'))[0]?.planId;
  if (id === undefined)
    throw new LandbridgeError(
      'conflict',
      'no plan is adopted: adopt one first (POST /v1/hub/plans/{id}/adopt)',
    );
  const job = await store.plans.get(id);
  if (!job || job.status !== 'done' || job.result === undefined)
    throw new LandbridgeError('conflict', `plan ${id} is not a finished plan`);
  return { id, doc: job.result as PlanDocument };
}

/** What closing and loading a departure's containers did. */
export interface LoadOutcome {
  readonly departureId: string;
  readonly planId: string;
  readonly containers: readonly { readonly containerId: string; readonly parcels: number }[];
  readonly consolidated: number;
  /** Planned parcels left out, and why (not received yet, held by customs, already gone). */
  readonly skipped: readonly { readonly parcelId: string; readonly status: string; readonly why: string }[];
  readonly result: RecordResult;
}

/**
 * Closes and loads a departure's containers from the plan: every planned parcel of the departure that
 * stands received at the hub goes into its planned container (CONSOLIDATED; loose cargo into the
 * departure's bag `<departure>#loose`), then each container is gated in and loaded on the departure
 * at the service's origin. Parcels not ready (announced, held) are left out and listed.
 */
export async function loadDeparture(
  store: Store,
  departureId: string,
  ctx: ActionContext & { readonly planId?: string },
): Promise<LoadOutcome> {
  const departure = scheduledDeparture(ctx.network, departureId);
  if (!departure.ok) throw new LandbridgeError('not-found', `no departure ${departureId}: ${departure.why}`);
  const { id: planId, doc } = await planDocument(store, ctx.hubId, ctx.planId);
  const planned = doc.parcels.flatMap((p) => {
    const ride = p.rides.find((r) => r.departureId === departureId);
    return ride ? [{ parcelId: p.id, containerId: ride.containerId ?? `${departureId}#loose` }] : [];
  });
  if (planned.length === 0)
    throw new LandbridgeError('not-found', `plan ${planId} puts no parcel on ${departureId}`);
  await store.journeys.ensure(
    ctx.hubId,
    planned.map((p) => p.parcelId),
  );
  const journeys = await store.journeys.getMany(
    ctx.hubId,
    planned.map((p) => p.parcelId),
  );
  const at = hubIso(ctx.network, ctx.nowMs);
  const origin = departure.value.service.legs[0]!.from;
  const ready = new Map<string, string[]>();
  const skipped: { parcelId: string; status: string; why: string }[] = [];
  for (const p of planned) {
    const j = journeys.get(p.parcelId);
    const status = j ? (j.hold ? `${j.hold}-held` : j.stage) : 'unknown';
    if (j?.stage === 'received' && j.hold === null) {
      ready.set(p.containerId, [...(ready.get(p.containerId) ?? []), p.parcelId]);
    } else if (j?.stage === 'loaded' && j.container_id === p.containerId) {
      ready.set(p.containerId, ready.get(p.containerId) ?? []);
    } else
      skipped.push({
        parcelId: p.parcelId,
        status,
        why: j?.hold
          ? `held by ${j.hold} customs`
          : j?.stage === 'announced'
            ? 'not received at the hub yet'
            : `the parcel is ${status}`,
      });
  }
  const containers = [...ready.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const events: object[] = [];
  for (const [containerId, parcels] of containers)
    for (const parcelId of parcels)
      events.push({
        eventId: `cons:${containerId}:${parcelId}`,
        code: 'CONSOLIDATED',
        parcelId,
        containerId,
        eventTime: at,
        place: ctx.network.hub,
      });
  for (const [containerId] of containers) {
    events.push({
      eventId: `gate:${containerId}`,
      code: 'GATED_IN',
      containerId,
      departureId,
      eventTime: at,
      place: origin,
    });
    events.push({
      eventId: `load:${containerId}`,
      code: 'LOADED',
      containerId,
      departureId,
      eventTime: at,
      place: origin,
    });
  }
  if (events.length === 0)
    throw new LandbridgeError(
      'conflict',
      `no parcel of ${departureId} is ready: ${skipped.length} planned parcels are not received or are held`,
    );
  const result = await recordEvents(store, events, {
    hubId: ctx.hubId,
    network: ctx.network,
    actor: ctx.actor ?? { role: 'operator' },
    nowMs: ctx.nowMs,
  });
  return {
    departureId,
    planId,
    containers: containers.map(([containerId, parcels]) => ({ containerId, parcels: parcels.length })),
    consolidated: containers.reduce((n, [, p]) => n + p.length, 0),
    skipped,
    result,
  };
}

/**
 * Confirms a departure: every container loaded on it departs (one DEPARTED event a container, at the
 * service's origin), and with it every parcel inside. `at` is when it left (ISO 8601); now by default.
 */
export async function confirmDeparture(
  store: Store,
  departureId: string,
  ctx: ActionContext & { readonly at?: string },
): Promise<{ readonly departureId: string; readonly containers: number; readonly result: RecordResult }> {
  const departure = scheduledDeparture(ctx.network, departureId);
  if (!departure.ok) throw new LandbridgeError('not-found', `no departure ${departureId}: ${departure.why}`);
  const containers = (await store.journeys.containersOf(ctx.hubId, departureId)).filter(
    (c) => c.stage === 'loaded' || c.stage === 'closed',
  );
  if (containers.length === 0)
    throw new LandbridgeError(
      'conflict',
      `no container is loaded on ${departureId}: load it first (POST /v1/hub/departures/{id}/load)`,
    );
  const at = ctx.at ?? hubIso(ctx.network, ctx.nowMs);
  const origin = departure.value.service.legs[0]!.from;
  const result = await recordEvents(
    store,
    containers.map((c) => ({
      eventId: `dep:${c.container_id}:${departureId}`,
      code: 'DEPARTED',
      containerId: c.container_id,
      departureId,
      eventTime: at,
      place: origin,
    })),
    { hubId: ctx.hubId, network: ctx.network, actor: ctx.actor ?? { role: 'operator' }, nowMs: ctx.nowMs },
  );
  return { departureId, containers: containers.length, result };
}
