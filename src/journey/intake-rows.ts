import { LandbridgeError, type Network, type Problem } from '../domain/index.ts';
import type { ContainerRow, EventRow } from '../store/index.ts';
import type { CheckedEvent, EventCode } from '../tracking/index.ts';
import { rememberDetails } from './facts.ts';

/** The largest batch one call records (`POST /v1/events` takes no more). */
export const MAX_EVENT_BATCH = 10_000;

/** How far in the future an actual event may lie before it is refused (clocks drift), ms. */
export const DEFAULT_FUTURE_TOLERANCE_MS = 10 * 60_000;

/**
 * Who records events. A seller records only the first-mile codes of its own parcels (ANNOUNCED,
 * ACCEPTED, CANCELLED); the operator and the hub's own modules (`system`: the hub's actions, customs,
 * the simulation) record anything.
 */
export type EventActor =
  | { readonly role: 'operator' }
  | { readonly role: 'seller'; readonly sellerId: string }
  | { readonly role: 'system'; readonly name: string };

export const SELLER_CODES: ReadonlySet<EventCode> = new Set(['ANNOUNCED', 'ACCEPTED', 'CANCELLED']);

export interface RecordOptions {
  /** The hub the events belong to (the network's hub node, `xiyong-hub` in the sample). */
  readonly hubId: string;
  readonly network: Network;
  readonly actor: EventActor;
  /** The instant the batch arrives: the record time, and the reference for "in the future" (UTC ms). */
  readonly nowMs: number;
  readonly futureToleranceMs?: number;
  /** Named in every problem (CLI imports). */
  readonly file?: string;
  /** Row number of each input in problems (a CSV file's line); position + 1 when absent. */
  readonly rows?: readonly number[];
  /** The most events one call takes; {@link MAX_EVENT_BATCH} when absent. */
  readonly maxBatch?: number;
  /** The inputs are the event schema's output already (the API's body validator made them): not parsed again. */
  readonly parsed?: boolean;
}

/** What a batch did. */
export interface RecordResult {
  /** Events stored for the first time. */
  readonly recorded: number;
  /** Later versions that replaced an earlier one, and retractions. */
  readonly replaced: number;
  readonly retracted: number;
  /** Events already stored at this version or a later one: nothing done (idempotent). */
  readonly duplicates: number;
  /** Events kept although they skip milestones (facts reported by partners abroad). */
  readonly exceptions: readonly { readonly row: number; readonly eventId: string; readonly why: string }[];
  /** Parcels whose journey changed. */
  readonly parcelsChanged: readonly string[];
  readonly webhooksQueued: number;
  /** Departures an estimated DEPARTED in this batch puts later than their timetable: the disruption loop's cue. */
  readonly delayedDepartures: readonly {
    readonly departureId: string;
    readonly estimatedMs: number;
    readonly eventId: string;
  }[];
}

export function refused(problems: Problem[]): LandbridgeError {
  problems.sort((a, b) => (a.where.row ?? 0) - (b.where.row ?? 0));
  const rows = new Set(problems.map((p) => p.where.row)).size;
  return new LandbridgeError(
    'invalid-input',
    `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${rows} event${rows === 1 ? '' : 's'}; nothing was recorded`,
    problems,
  );
}

export function noteContainerEvent(c: ContainerRow, e: EventRow, nowMs: number): void {
  c.last_event_ms = c.last_event_ms === null ? e.event_time_ms : Math.max(c.last_event_ms, e.event_time_ms);
  c.last_code = e.code;
  if (e.place_node !== null) c.last_node = e.place_node;
  if (e.departure_id !== null) c.departure_id = e.departure_id;
  c.updated_at_ms = nowMs;
}

export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    let list = out.get(k);
    if (!list) {
      list = [];
      out.set(k, list);
    }
    list.push(r);
  }
  return out;
}

/** The stored row of a checked event. */
export function toEventRow(
  hubId: string,
  e: CheckedEvent['event'],
  subjectId: string,
  nowMs: number,
  index: number,
): EventRow {
  // Most events carry no details or only measurements: those skip building the object piece by piece.
  const more =
    e.carrier !== undefined ||
    e.lastMileNumber !== undefined ||
    e.sourceSystem !== undefined ||
    e.sourceEventId !== undefined;
  const details = more
    ? {
        ...(e.measured !== undefined ? { measured: e.measured } : {}),
        ...(e.carrier !== undefined ? { carrier: e.carrier } : {}),
        ...(e.lastMileNumber !== undefined ? { lastMileNumber: e.lastMileNumber } : {}),
        ...(e.sourceSystem !== undefined ? { sourceSystem: e.sourceSystem } : {}),
        ...(e.sourceEventId !== undefined ? { sourceEventId: e.sourceEventId } : {}),
      }
    : e.measured !== undefined
      ? { measured: e.measured }
      : undefined;
  const row: EventRow = {
    hub_id: hubId,
    event_id: e.eventId,
    subject_kind: e.subject.kind,
    subject_id: subjectId,
    code: e.code,
    classifier: e.classifier,
    event_time_ms: e.eventTimeMs,
    offset_minutes: e.offsetMinutes,
    place_node: e.place.nodeId ?? null,
    place_locode: e.place.locode ?? null,
    place_city: e.place.city ?? null,
    place_country: e.place.country ?? null,
    actor: e.actor,
    container_id: e.containerId ?? null,
    departure_id: e.departureId ?? (e.subject.kind === 'departure' ? (e.subject.id ?? null) : null),
    reason_code: e.reason?.code ?? null,
    reason_text: e.reason?.text ?? null,
    details: details !== undefined ? JSON.stringify(details) : null,
    exception: null,
    updated_at_ms: e.updatedAtMs,
    record_time_ms: nowMs,
    record_index: index,
    retracted: e.retracted ? 1 : 0,
    simulated: e.simulated ? 1 : 0,
  };
  if (details !== undefined) rememberDetails(row, details);
  return row;
}
