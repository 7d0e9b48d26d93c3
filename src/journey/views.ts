import { LandbridgeError } from '../domain/index.ts';
import { type EventRow, type JourneyRow, type Store, withHub } from '../store/index.ts';
import {
  classifyTrackingNumber,
  type EventCode,
  isoWithOffset,
  offsetOfIso,
  type PlaceNames,
  type PublicTracking,
  publicTracking,
  replayParcel,
  statusOf,
  type TrackingLabels,
  type TrackingLanguage,
} from '../tracking/index.ts';
import { detailsOf, toHistory } from './facts.ts';
import { reweighLine } from './hub-actions.ts';
import { parseRoute } from './route-key.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One event of a parcel's timeline: its own, or its container's while it was inside. */
export interface TimelineEvent {
  readonly eventId: string;
  readonly code: EventCode;
  readonly classifier: 'PLN' | 'EST' | 'ACT';
  /** ISO 8601 in the offset where it happened. */
  readonly eventTime: string;
  readonly recordedAt: string;
  readonly place: {
    readonly node: string | null;
    readonly locode: string | null;
    readonly city: string | null;
    readonly country: string | null;
  };
  readonly actor: string;
  /** Set when the parcel followed its container's event (EPCIS aggregation). */
  readonly viaContainer: string | null;
  readonly departureId: string | null;
  readonly reason: { readonly code: string; readonly text: string | null } | null;
  readonly measured: {
    readonly weightG: number;
    readonly lengthMm?: number;
    readonly widthMm?: number;
    readonly heightMm?: number;
  } | null;
  readonly carrier: string | null;
  readonly lastMileNumber: string | null;
  /** Why it was kept although it skipped milestones. */
  readonly exception: string | null;
  readonly retracted: boolean;
  readonly simulated: boolean;
  /** The parcel's status after the event (actual events only). */
  readonly statusAfter: string | null;
}

function timelineEvent(row: EventRow, via: boolean, statusAfter: string | null): TimelineEvent {
  const d = detailsOf(row);
  return {
    eventId: row.event_id,
    code: row.code as EventCode,
    classifier: row.classifier,
    eventTime: isoWithOffset(row.event_time_ms, row.offset_minutes),
    recordedAt: new Date(row.record_time_ms).toISOString(),
    place: {
      node: row.place_node,
      locode: row.place_locode,
      city: row.place_city,
      country: row.place_country,
    },
    actor: row.actor,
    viaContainer: via ? row.subject_id : null,
    departureId: row.departure_id,
    reason: row.reason_code !== null ? { code: row.reason_code, text: row.reason_text } : null,
    measured: d.measured ?? null,
    carrier: d.carrier ?? null,
    lastMileNumber: d.lastMileNumber ?? null,
    exception: row.exception,
    retracted: row.retracted === 1,
    simulated: row.simulated === 1,
    statusAfter,
  };
}

/**
 * A parcel's timeline: its own events (all classifiers, retractions marked) and, for the time it was
 * inside each container, that container's actual events — re-derived by replaying the history, so a
 * container's one DEPARTED row shows on every parcel that was inside. Oldest first.
 */
export async function parcelTimeline(
  store: Store,
  hubId: string,
  parcelId: string,
): Promise<TimelineEvent[]> {
  const own = await store.journeys.eventsOf(hubId, 'parcel', [parcelId]);
  const everIn = new Set<string>();
  for (const r of own) if (r.code === 'CONSOLIDATED' && r.container_id !== null) everIn.add(r.container_id);
  const containerRows = everIn.size > 0 ? await store.journeys.eventsOf(hubId, 'container', [...everIn]) : [];
  const rows = [...own, ...containerRows];
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  const replay = replayParcel(parcelId, toHistory(rows));
  const out: { atMs: number; order: number; e: TimelineEvent }[] = [];
  const shown = new Set<string>();
  replay.steps.forEach((step, i) => {
    const row = byId.get(step.event.eventId)!;
    shown.add(row.event_id);
    out.push({
      atMs: row.event_time_ms,
      order: i,
      e: timelineEvent(row, step.inherited, statusOf(step.state)),
    });
  });
  // Own events the replay does not move the parcel by: planned, estimated, retracted, and any past a refusal.
  for (const r of own)
    if (!shown.has(r.event_id))
      out.push({ atMs: r.event_time_ms, order: Number.MAX_SAFE_INTEGER, e: timelineEvent(r, false, null) });
  return out.sort((a, b) => a.atMs - b.atMs || a.order - b.order).map((x) => x.e);
}

/** The ETA of a journey row, as shown (UTC ISO instants). */
export function etaView(j: JourneyRow) {
  if (j.eta_p50_ms === null || j.eta_p10_ms === null || j.eta_p90_ms === null) return null;
  return {
    p10: iso(j.eta_p10_ms)!,
    p50: iso(j.eta_p50_ms)!,
    p90: iso(j.eta_p90_ms)!,
    basis: (j.eta_basis ?? 'default') as 'observed' | 'default' | 'mixed',
    updatedAt: iso(j.eta_updated_ms),
  };
}

/** A parcel's journey as its seller and the operator see it. */
export async function parcelJourney(
  store: Store,
  hubId: string,
  parcelId: string,
  options: { readonly sellerId?: string } = {},
) {
  const facts = (await store.journeys.parcelFacts([parcelId])).get(parcelId);
  if (!facts || (options.sellerId !== undefined && facts.seller_id !== options.sellerId))
    throw new LandbridgeError('not-found', `no parcel ${parcelId}`);
  // A parcel's journey row is made on first need; a read of one that exists writes nothing.
  let j = await store.journeys.get(hubId, parcelId);
  if (j === undefined) {
    await store.journeys.ensure(hubId, [parcelId]);
    j = (await store.journeys.get(hubId, parcelId))!;
  }
  const events = await parcelTimeline(store, hubId, parcelId);
  const route = j.route === null ? null : parseRoute(j.route);
  return {
    parcelId,
    sellerId: j.seller_id,
    externalOrderId: facts.external_order_id,
    trackingNumber: j.tracking_number,
    status: statusOf({ stage: j.stage as never, hold: j.hold }),
    stage: j.stage,
    hold: j.hold === null ? null : { kind: j.hold, reason: j.hold_reason },
    containerId: j.container_id,
    destinationCountry: j.destination_country,
    lastMile: j.carrier || j.last_mile_number ? { carrier: j.carrier, number: j.last_mile_number } : null,
    route:
      route === null
        ? null
        : { planId: j.plan_id, rides: [...route.rides], gateway: route.gateway, zoneId: route.zoneId },
    eta: etaView(j),
    reweigh: j.measured_weight_g === null ? null : reweighLine(j, facts),
    milestones: {
      receivedAt: iso(j.received_at_ms),
      departedAt: iso(j.departed_at_ms),
      arrivedAt: iso(j.arrived_at_ms),
      handedOverAt: iso(j.handed_at_ms),
      deliveredAt: iso(j.delivered_at_ms),
    },
    exception: j.exception === null ? null : { why: j.exception, at: iso(j.exception_at_ms) },
    sequence: j.seq,
    events,
  };
}
export type ParcelJourneyView = Awaited<ReturnType<typeof parcelJourney>>;

/**
 * The public view of a parcel by tracking number (the hub's or its last mile's S10): milestones with
 * labels in `language`, places at city level, the ETA window. Never the consignee.
 *
 * @throws LandbridgeError `invalid-input` (field `number`) for a number whose format or check digit is
 * wrong; `not-found` for a valid number no parcel has.
 */
export async function trackPublic(
  store: Store,
  /** The hub to look in; undefined: the hub the number belongs to (numbers are unique across hubs). */
  hubId: string | undefined,
  number: string,
  language: TrackingLanguage,
  data: { readonly labels: TrackingLabels; readonly places: PlaceNames },
): Promise<PublicTracking> {
  const kind = classifyTrackingNumber(number);
  if (kind.kind === 'invalid')
    throw new LandbridgeError('invalid-input', `not a tracking number: ${kind.why}`, [
      { where: { field: 'number' }, why: kind.why },
    ]);
  const j = (await store.journeys.byNumbers([kind.number])).get(kind.number);
  if (!j || (hubId !== undefined && j.hub_id !== hubId))
    throw new LandbridgeError('not-found', `no parcel with tracking number ${kind.number}`);
  const hub = j.hub_id;
  const timeline = await withHub(hub, () => parcelTimeline(store, hub, j.parcel_id));
  const milestones = timeline
    .filter((e) => e.classifier === 'ACT' && !e.retracted && e.statusAfter !== null)
    .map((e) => ({
      code: e.code,
      eventTimeMs: Date.parse(e.eventTime),
      offsetMinutes: offsetOfIso(e.eventTime),
      place: {
        ...(e.place.node !== null ? { nodeId: e.place.node } : {}),
        ...(e.place.city !== null ? { city: e.place.city } : {}),
        ...(e.place.country !== null ? { country: e.place.country } : {}),
      },
    }));
  return publicTracking(
    {
      number: kind.number,
      kind: kind.kind,
      status: statusOf({ stage: j.stage as never, hold: j.hold }),
      destinationCountry: j.destination_country,
      milestones,
      eta:
        j.eta_p50_ms !== null && j.eta_p10_ms !== null && j.eta_p90_ms !== null
          ? {
              p10Ms: j.eta_p10_ms,
              p50Ms: j.eta_p50_ms,
              p90Ms: j.eta_p90_ms,
              basis: (j.eta_basis ?? 'default') as 'observed' | 'default' | 'mixed',
            }
          : null,
      carrier: j.carrier,
      lastMileNumber: j.last_mile_number,
    },
    data.labels,
    data.places,
    language,
  );
}
