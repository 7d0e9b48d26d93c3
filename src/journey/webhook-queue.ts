import type { EventRow, IntakeJourneyRow, NewDelivery, ParcelFacts, Repositories } from '../store/index.ts';
import { isoWithOffset, statusOf, webhookMessageId } from '../tracking/index.ts';

/** A parcel's event worth telling its seller: its own, or its container's while it was inside. */
export interface Milestone {
  readonly parcelId: string;
  readonly event: EventRow;
}

/**
 * The `parcel.event` body of a milestone: thin plus summary (Standard Webhooks §payloads), under a few
 * hundred bytes — the event (code, classifier, time with its offset, place, reason) and the parcel's
 * tracking number, order id, status and sequence (monotonic per parcel: receivers drop older updates).
 */
export function parcelEventPayload(
  m: Milestone,
  j: IntakeJourneyRow,
  f: ParcelFacts | undefined,
  sequence: number,
  nowMs: number,
): string {
  const e = m.event;
  return JSON.stringify({
    type: 'parcel.event',
    timestamp: new Date(nowMs).toISOString(),
    data: {
      parcelId: m.parcelId,
      trackingNumber: j.tracking_number,
      ...(f ? { externalOrderId: f.external_order_id } : {}),
      status: statusOf({ stage: j.stage as never, hold: j.hold }),
      sequence,
      event: {
        eventId: e.event_id,
        code: e.code,
        classifier: e.classifier,
        eventTime: isoWithOffset(e.event_time_ms, e.offset_minutes),
        ...(e.place_node || e.place_locode || e.place_city || e.place_country
          ? {
              place: {
                ...(e.place_node ? { node: e.place_node } : {}),
                ...(e.place_locode ? { locode: e.place_locode } : {}),
                ...(e.place_city ? { city: e.place_city } : {}),
                ...(e.place_country ? { country: e.place_country } : {}),
              },
            }
          : {}),
        ...(e.reason_code
          ? { reason: { code: e.reason_code, ...(e.reason_text ? { text: e.reason_text } : {}) } }
          : {}),
        ...(e.subject_kind === 'container' ? { viaContainer: e.subject_id } : {}),
        ...(e.exception ? { exception: e.exception } : {}),
      },
    },
  });
}

/**
 * The deliveries a batch's milestones queue: one per (enabled subscription of the parcel's seller that
 * takes `parcel.event` and the code, milestone). The message id is stable (type, event, parcel), so a
 * repeat of the batch queues nothing twice.
 */
export async function parcelEventDeliveries(
  repos: Pick<Repositories, 'webhooks'>,
  hubId: string,
  milestones: readonly Milestone[],
  journeys: ReadonlyMap<string, IntakeJourneyRow>,
  facts: ReadonlyMap<string, ParcelFacts>,
  nowMs: number,
): Promise<NewDelivery[]> {
  if (milestones.length === 0) return [];
  const sellers = new Set<string>();
  for (const m of milestones) {
    const j = journeys.get(m.parcelId);
    if (j) sellers.add(j.seller_id);
  }
  const subs = (await repos.webhooks.enabledFor(hubId, [...sellers])).filter((s) =>
    s.eventTypes.includes('parcel.event'),
  );
  if (subs.length === 0) return [];
  const bySeller = new Map<string, typeof subs>();
  for (const s of subs) bySeller.set(s.sellerId, [...(bySeller.get(s.sellerId) ?? []), s]);
  // Sequence of each milestone: the parcel's final seq counts back over its later milestones.
  const remaining = new Map<string, number>();
  for (const m of milestones) remaining.set(m.parcelId, (remaining.get(m.parcelId) ?? 0) + 1);
  const out: NewDelivery[] = [];
  for (const m of milestones) {
    const j = journeys.get(m.parcelId)!;
    const left = remaining.get(m.parcelId)! - 1;
    remaining.set(m.parcelId, left);
    const list = bySeller.get(j.seller_id);
    if (!list) continue;
    let payload: string | undefined;
    for (const s of list) {
      if (s.codes !== null && !s.codes.includes(m.event.code)) continue;
      payload ??= parcelEventPayload(m, j, facts.get(m.parcelId), j.seq - left, nowMs);
      out.push({
        hub_id: hubId,
        subscription_id: s.id,
        message_id: webhookMessageId('parcel.event', m.event.event_id, m.parcelId),
        seller_id: j.seller_id,
        event_type: 'parcel.event',
        parcel_id: m.parcelId,
        event_id: m.event.event_id,
        code: m.event.code,
        status: 'pending',
        attempts: 0,
        next_attempt_ms: nowMs,
        payload,
        eta_p10_ms: null,
        eta_p50_ms: null,
        eta_p90_ms: null,
        last_status: null,
        last_error: null,
        created_at_ms: nowMs,
        updated_at_ms: nowMs,
        delivered_at_ms: null,
      });
    }
  }
  return out;
}
