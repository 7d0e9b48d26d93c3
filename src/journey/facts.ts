import type { EventRow, IntakeJourneyRow, JourneyRow, ParcelFacts } from '../store/index.ts';
import type { EventCode, HistoryEvent } from '../tracking/index.ts';

/** A re-weigh difference beyond this many grams and this share of the declared weight is flagged. */
export const REWEIGH_TOLERANCE = { grams: 50, fraction: 0.05, volumeFraction: 0.1 } as const;

/** Details an event row keeps as JSON. */
export interface EventDetails {
  readonly measured?: {
    readonly weightG: number;
    readonly lengthMm?: number;
    readonly widthMm?: number;
    readonly heightMm?: number;
  };
  readonly carrier?: string;
  readonly lastMileNumber?: string;
  readonly sourceSystem?: string;
  readonly sourceEventId?: string;
}

const detailsCache = new WeakMap<EventRow, EventDetails>();

const NO_DETAILS: EventDetails = Object.freeze({});

/** The parsed `details` of an event row. */
export function detailsOf(row: EventRow): EventDetails {
  if (row.details === null) return NO_DETAILS;
  let d = detailsCache.get(row);
  if (!d) {
    d = JSON.parse(row.details) as EventDetails;
    detailsCache.set(row, d);
  }
  return d;
}

/**
 * Records the details a new event row was made from (its `details` is their JSON), so that
 * {@link detailsOf} does not parse back what was just written.
 */
export function rememberDetails(row: EventRow, details: EventDetails): void {
  detailsCache.set(row, details);
}

const NO_ETA = new Set(['delivered', 'returned', 'cancelled']);
const AT_HUB = new Set(['announced', 'received', 'loaded']);
const LAST_MILE = new Set(['handed_over', 'out_for_delivery', 'delivery_failed']);

/**
 * The key parcels share an ETA window by: the same route and position (stage, where, since when).
 * Parcels still at the hub share one per route; null without a route or once the journey is over.
 */
export function etaKeyOf(
  j: Pick<JourneyRow, 'route' | 'stage' | 'position_kind' | 'position_node' | 'position_ms'>,
): string | null {
  if (j.route === null || NO_ETA.has(j.stage)) return null;
  if (AT_HUB.has(j.stage)) return `${j.route}|hub`;
  return `${j.route}|${j.stage}|${j.position_kind ?? ''}|${j.position_node ?? ''}|${j.position_ms ?? ''}`;
}

/**
 * Applies what an event tells besides the state (which the state machine sets): where the parcel is
 * and since when, the milestones' instants, the hub's measurements and the re-weigh audit, the
 * last-mile carrier and number, the hold's reason, an exception. Mutates `j`.
 */
export function applyEventFacts(
  j: IntakeJourneyRow,
  e: EventRow,
  facts: ParcelFacts | undefined,
  exception?: string,
): void {
  const t = e.event_time_ms;
  const code = e.code as EventCode;
  j.last_event_ms = j.last_event_ms === null ? t : Math.max(j.last_event_ms, t);
  if (LAST_MILE.has(j.stage)) {
    j.position_kind = 'last-mile';
    j.position_node = null;
    j.position_ms = j.handed_at_ms ?? t;
  } else if (e.place_node !== null) {
    j.position_node = e.place_node;
    j.position_kind = code === 'DEPARTED' ? 'left' : 'at';
    j.position_ms = t;
  }
  switch (code) {
    case 'HUB_RECEIVED': {
      j.received_at_ms ??= t;
      const m = detailsOf(e).measured;
      if (m !== undefined) {
        j.measured_weight_g = m.weightG;
        j.measured_length_mm = m.lengthMm ?? null;
        j.measured_width_mm = m.widthMm ?? null;
        j.measured_height_mm = m.heightMm ?? null;
        if (facts !== undefined) {
          const delta = m.weightG - facts.gross_weight_g;
          j.reweigh_delta_g = delta;
          const weightOff =
            Math.abs(delta) >
            Math.max(REWEIGH_TOLERANCE.grams, REWEIGH_TOLERANCE.fraction * facts.gross_weight_g);
          let volumeOff = false;
          if (m.lengthMm !== undefined && m.widthMm !== undefined && m.heightMm !== undefined) {
            const declared = facts.length_mm * facts.width_mm * facts.height_mm;
            const measured = m.lengthMm * m.widthMm * m.heightMm;
            volumeOff = Math.abs(measured - declared) > REWEIGH_TOLERANCE.volumeFraction * declared;
          }
          j.reweigh_flag = weightOff || volumeOff ? 1 : 0;
        }
      }
      break;
    }
    case 'DEPARTED':
      j.departed_at_ms ??= t;
      break;
    case 'ARRIVED':
      j.arrived_at_ms = t;
      break;
    case 'HANDED_TO_LAST_MILE': {
      j.handed_at_ms = t;
      const d = detailsOf(e);
      if (d.carrier !== undefined) j.carrier = d.carrier;
      if (d.lastMileNumber !== undefined) j.last_mile_number = d.lastMileNumber;
      j.position_kind = 'last-mile';
      j.position_node = null;
      j.position_ms = t;
      break;
    }
    case 'DELIVERED':
      j.delivered_at_ms = t;
      break;
    case 'EXPORT_CUSTOMS_HOLD':
    case 'IMPORT_CUSTOMS_HOLD':
      j.hold_reason = [e.reason_code, e.reason_text].filter(Boolean).join(': ') || null;
      break;
    case 'EXPORT_CUSTOMS_RELEASED':
    case 'IMPORT_CUSTOMS_RELEASED':
      if (j.hold === null) j.hold_reason = null;
      break;
    default:
      break;
  }
  if (exception !== undefined) {
    j.exception = exception;
    j.exception_at_ms = t;
  }
  j.seq += 1;
  j.eta_key = etaKeyOf(j);
}

/** Clears what {@link applyEventFacts} derives, before a replay applies a history again. */
export function resetEventFacts(j: IntakeJourneyRow): void {
  j.last_event_ms = null;
  j.position_node = null;
  j.position_kind = null;
  j.position_ms = null;
  j.received_at_ms = null;
  j.departed_at_ms = null;
  j.arrived_at_ms = null;
  j.handed_at_ms = null;
  j.delivered_at_ms = null;
  j.hold_reason = null;
  j.exception = null;
  j.exception_at_ms = null;
}

/** Event rows as the replay sees them, ordered as recorded. */
export function toHistory(rows: readonly EventRow[]): HistoryEvent[] {
  const sorted = [...rows].sort(
    (a, b) => a.record_time_ms - b.record_time_ms || a.record_index - b.record_index,
  );
  return sorted.map((r, order) => ({
    eventId: r.event_id,
    code: r.code as EventCode,
    classifier: r.classifier,
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    eventTimeMs: r.event_time_ms,
    order,
    containerId: r.container_id,
    retracted: r.retracted === 1,
  }));
}
