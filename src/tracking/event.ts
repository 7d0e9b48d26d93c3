import { z } from 'zod';
import { CountrySchema, InstantSchema, type Problem } from '../domain/index.ts';
import {
  CLASSIFIERS,
  type Classifier,
  EVENT_CODE_TABLE,
  EVENT_CODES,
  type EventCode,
  type SubjectKind,
} from './codes.ts';
import { s10Problem } from './numbers.ts';

/**
 * One tracking event, in the EPCIS 2.0 spirit: what (the subject and the code), when (the instant and
 * the local offset it was seen at), where (a network node or UN/LOCODE, city and country), why (the
 * code's business step, a reason), and who reported it. Plain data: instants are UTC epoch ms.
 *
 * Identity: `eventId` is the idempotency key. A second event with the same id and a later `updatedAtMs`
 * replaces the first (DCSA TNT 3.0 upsert); `retracted` withdraws it, and the row stays (never deleted).
 */
export interface TrackingEvent {
  readonly eventId: string;
  readonly code: EventCode;
  readonly classifier: Classifier;
  readonly subject: { readonly kind: SubjectKind; readonly id: string };
  /** When it happened (ACT), is planned (PLN) or expected (EST): UTC epoch ms. */
  readonly eventTimeMs: number;
  /** The local offset from UTC where it happened, in minutes (EPCIS `eventTimeZoneOffset`). */
  readonly offsetMinutes: number;
  readonly place: EventPlace;
  /** Who reported it: `operator`, `seller:<id>`, `simulation`, `customs`, a carrier's name… */
  readonly actor: string;
  /** CONSOLIDATED: the container the parcel goes into. */
  readonly containerId?: string;
  /** A container's LOADED / DEPARTED, or a departure's EST/PLN: the dated departure (`service@local time`). */
  readonly departureId?: string;
  readonly reason?: { readonly code: string; readonly text?: string };
  /** HUB_RECEIVED: what the hub measured (the re-weigh audit compares it with the declared values). */
  readonly measured?: {
    readonly weightG: number;
    readonly lengthMm?: number;
    readonly widthMm?: number;
    readonly heightMm?: number;
  };
  /** HANDED_TO_LAST_MILE: the carrier and its tracking number (UPU S10 for posts). */
  readonly carrier?: string;
  readonly lastMileNumber?: string;
  /** The version: a later one of the same `eventId` replaces this (UTC epoch ms). */
  readonly updatedAtMs: number;
  readonly retracted: boolean;
  /** Written by `landbridge simulate`, not seen in the world. */
  readonly simulated: boolean;
  readonly sourceSystem?: string;
  readonly sourceEventId?: string;
}

/** Where an event happened: a node of the network and/or a UN/LOCODE, with city and country. */
export interface EventPlace {
  readonly nodeId?: string;
  readonly locode?: string;
  readonly city?: string;
  readonly country?: string;
}

/** Visible ASCII without spaces: what an event id may hold. */
export const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
/** A reason code: lower-case letters, digits and dashes. */
export const KEBAB_ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * An event as it arrives (API body, JSON file, a CSV row): the subject is a `parcelId` or a
 * `trackingNumber` (parcel), else a `containerId` (container), else a `departureId` (departure, for PLN
 * and EST only). Times are ISO 8601 with an offset, which is kept as the event's local offset.
 */
export const EventInputSchema = z.object({
  eventId: z
    .string()
    .min(1)
    .max(200)
    .regex(VISIBLE_ASCII, 'must be visible ASCII without spaces (a UUID, an EPCIS hash id, a source id)'),
  code: z.enum(EVENT_CODES),
  classifier: z.enum(CLASSIFIERS).default('ACT'),
  parcelId: z.string().min(1).max(100).optional(),
  trackingNumber: z.string().min(1).max(40).optional(),
  containerId: z.string().min(1).max(120).optional(),
  departureId: z.string().min(1).max(120).optional(),
  eventTime: InstantSchema,
  place: z.string().min(1).max(40).optional().describe('A network node id or a UN/LOCODE'),
  city: z.string().trim().min(1).max(100).optional(),
  country: CountrySchema.optional(),
  reason: z
    .object({
      code: z.string().max(40).regex(KEBAB_ID, 'must be a reason code such as manual-review'),
      text: z.string().trim().max(500).optional(),
    })
    .optional(),
  measured: z
    .object({
      weightG: z.number().int().min(1).max(40_000_000),
      lengthMm: z.number().int().min(1).max(20_000).optional(),
      widthMm: z.number().int().min(1).max(3_000).optional(),
      heightMm: z.number().int().min(1).max(3_000).optional(),
    })
    .optional(),
  carrier: z.string().trim().min(1).max(100).optional(),
  lastMileNumber: z.string().trim().min(1).max(40).optional(),
  updatedAt: InstantSchema.optional().describe('The version; a later one replaces an earlier one'),
  retracted: z.boolean().optional(),
  simulated: z.boolean().optional(),
  sourceSystem: z.string().trim().min(1).max(100).optional(),
  sourceEventId: z.string().trim().min(1).max(200).optional(),
});
export type EventInput = z.input<typeof EventInputSchema>;
export type ParsedEventInput = z.output<typeof EventInputSchema>;

/** What checking an event needs to know besides the event. */
export interface EventCheckContext {
  /** Node ids of the network, with their UN/LOCODE when they have one. */
  readonly nodes: ReadonlyMap<string, { readonly locode?: string; readonly country: string }>;
  /** The instant the batch arrived (UTC epoch ms): the record time. */
  readonly nowMs: number;
  /** How far in the future an actual event may lie (clocks drift), ms. */
  readonly futureToleranceMs: number;
  readonly actor: string;
}

/** Minutes east of UTC of an ISO 8601 instant's offset (`Z` is 0). */
export function offsetOfIso(text: string): number {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** An instant as ISO 8601 in the given offset, e.g. `2026-12-03T10:00:00+08:00`. */
export function isoWithOffset(atMs: number, offsetMinutes: number): string {
  const local = new Date(atMs + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.trunc(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** `problems` with one more (a new list when there was none). */
function withProblem(problems: Problem[] | undefined, field: string, why: string): Problem[] {
  const list = problems ?? [];
  list.push({ where: { field }, why });
  return list;
}

/** A parsed event whose subject is still a reference (a tracking number the store resolves). */
export interface CheckedEvent {
  readonly event: Omit<TrackingEvent, 'subject'> & {
    readonly subject: { readonly kind: SubjectKind; readonly id?: string; readonly trackingNumber?: string };
    /** Whether the input named its version (`updatedAt`); without, the version is the event time. */
    readonly versioned: boolean;
  };
}

/**
 * Checks one parsed event against the rules that need no store: the subject is one a code allows, the
 * place is a node or a UN/LOCODE, an actual event is not in the future beyond the tolerance, a reason
 * is one the code takes, an S10 last-mile number has its check digit. Returns the event, or the
 * problems (each naming its field, relative to the event).
 */
export function checkEventInput(
  input: ParsedEventInput,
  ctx: EventCheckContext,
):
  | { readonly ok: true; readonly value: CheckedEvent }
  | { readonly ok: false; readonly problems: Problem[] } {
  // Problems are rare: no closure nor array is made per event for them until one is found.
  let problems: Problem[] | undefined;
  const def = EVENT_CODE_TABLE[input.code];

  const subject: CheckedEvent['event']['subject'] =
    input.parcelId !== undefined || input.trackingNumber !== undefined
      ? {
          kind: 'parcel',
          ...(input.parcelId !== undefined ? { id: input.parcelId } : {}),
          ...(input.trackingNumber !== undefined ? { trackingNumber: input.trackingNumber } : {}),
        }
      : input.containerId !== undefined
        ? { kind: 'container', id: input.containerId }
        : input.departureId !== undefined
          ? { kind: 'departure', id: input.departureId }
          : { kind: 'parcel' };
  if (!input.retracted) {
    if (subject.id === undefined && subject.trackingNumber === undefined)
      problems = withProblem(
        problems,
        'parcelId',
        'name the subject: parcelId or trackingNumber, containerId, or departureId',
      );
    else if (subject.kind === 'departure') {
      if (input.classifier === 'ACT')
        problems = withProblem(
          problems,
          'classifier',
          'a departure takes PLN and EST events (its schedule, a delay); record what actually happened on its containers',
        );
      if (input.code !== 'DEPARTED' && input.code !== 'ARRIVED')
        problems = withProblem(
          problems,
          'code',
          'a departure takes DEPARTED and ARRIVED (planned or estimated)',
        );
    } else if (input.classifier === 'ACT' && !def.subjects.includes(subject.kind))
      problems = withProblem(
        problems,
        'code',
        `${input.code} is an event of a ${def.subjects.join(' or ')}, not of a ${subject.kind}`,
      );
    if (input.code === 'CONSOLIDATED' && subject.kind === 'parcel' && input.containerId === undefined)
      problems = withProblem(
        problems,
        'containerId',
        'CONSOLIDATED names the container the parcel goes into',
      );
  }

  const eventTimeMs = Date.parse(input.eventTime);
  if (input.classifier === 'ACT' && eventTimeMs > ctx.nowMs + ctx.futureToleranceMs)
    problems = withProblem(
      problems,
      'eventTime',
      `an actual event cannot lie in the future: ${input.eventTime} is more than ${Math.round(ctx.futureToleranceMs / 60_000)} minutes ahead of the hub's clock`,
    );

  const place: { nodeId?: string; locode?: string; city?: string; country?: string } = {};
  if (input.place !== undefined) {
    const node = ctx.nodes.get(input.place);
    if (node) {
      place.nodeId = input.place;
      if (node.locode) place.locode = node.locode;
      place.country = node.country;
    } else if (/^[A-Z]{2}[A-Z2-9]{3}$/.test(input.place)) {
      place.locode = input.place;
      place.country = input.place.slice(0, 2);
    } else
      problems = withProblem(
        problems,
        'place',
        `"${input.place}" is neither a node of the network nor a UN/LOCODE (such as PLWAW)`,
      );
  }
  if (input.city !== undefined) place.city = input.city;
  if (input.country !== undefined) {
    if (place.country !== undefined && place.country !== input.country && place.nodeId === undefined)
      problems = withProblem(
        problems,
        'country',
        `the place ${input.place} is in ${place.country}, not ${input.country}`,
      );
    place.country = input.country;
  }

  if (input.reason !== undefined && def.reasons.length > 0 && !def.reasons.includes(input.reason.code))
    problems = withProblem(problems, 'reason.code', `${input.code} takes one of ${def.reasons.join(', ')}`);
  if (input.reason === undefined && def.reasonRequired && input.classifier === 'ACT' && !input.retracted)
    problems = withProblem(
      problems,
      'reason',
      `${input.code} needs a reason: one of ${def.reasons.join(', ')}`,
    );
  if (input.measured !== undefined && input.code !== 'HUB_RECEIVED')
    problems = withProblem(problems, 'measured', 'measurements come with HUB_RECEIVED');
  if (input.lastMileNumber !== undefined) {
    const why = /^[A-Za-z]{2}\d{9}[A-Za-z]{2}$/.test(input.lastMileNumber)
      ? s10Problem(input.lastMileNumber.toUpperCase())
      : undefined;
    if (why !== undefined) problems = withProblem(problems, 'lastMileNumber', why);
  }
  const updatedAtMs = input.updatedAt !== undefined ? Date.parse(input.updatedAt) : eventTimeMs;
  if (problems !== undefined) return { ok: false, problems };

  // Built field by field (not by spreading optional parts): the intake checks every event of a batch here.
  const event: { -readonly [K in keyof CheckedEvent['event']]: CheckedEvent['event'][K] } = {
    eventId: input.eventId,
    code: input.code,
    classifier: input.classifier,
    subject,
    eventTimeMs,
    offsetMinutes: offsetOfIso(input.eventTime),
    place,
    actor: ctx.actor,
    updatedAtMs,
    versioned: input.updatedAt !== undefined,
    retracted: input.retracted === true,
    simulated: input.simulated === true,
  };
  if (input.code === 'CONSOLIDATED' && subject.kind === 'parcel' && input.containerId)
    event.containerId = input.containerId;
  if (input.departureId !== undefined) event.departureId = input.departureId;
  if (input.reason !== undefined) event.reason = input.reason;
  if (input.measured !== undefined) event.measured = input.measured;
  if (input.carrier !== undefined) event.carrier = input.carrier;
  if (input.lastMileNumber !== undefined) event.lastMileNumber = input.lastMileNumber.toUpperCase();
  if (input.sourceSystem !== undefined) event.sourceSystem = input.sourceSystem;
  if (input.sourceEventId !== undefined) event.sourceEventId = input.sourceEventId;
  return { ok: true, value: { event } };
}

/**
 * The event as an EPCIS 2.0 JSON-LD event (facts §1.9): ObjectEvent or AggregationEvent with its CBV
 * business step and disposition, `lb:` extensions for what EPCIS has no field for.
 */
export function toEpcis(
  event: TrackingEvent,
  base = 'https://landbridge.example/id',
): Record<string, unknown> {
  const def = EVENT_CODE_TABLE[event.code];
  const uri = (kind: string, id: string) => `${base}/${kind}/${encodeURIComponent(id)}`;
  const subjectUri = uri(
    event.subject.kind === 'container' ? 'equipment' : event.subject.kind,
    event.subject.id,
  );
  const where = event.place.nodeId ?? event.place.locode;
  return {
    type: def.epcis.type,
    eventID:
      event.eventId.startsWith('ni:') || event.eventId.includes(':')
        ? event.eventId
        : `urn:uuid:${event.eventId}`,
    eventTime: new Date(event.eventTimeMs).toISOString(),
    eventTimeZoneOffset:
      isoWithOffset(0, event.offsetMinutes).slice(19) === 'Z'
        ? '+00:00'
        : isoWithOffset(0, event.offsetMinutes).slice(19),
    recordTime: new Date(event.updatedAtMs).toISOString(),
    action: def.epcis.action,
    ...(def.epcis.type === 'AggregationEvent'
      ? {
          parentID:
            event.code === 'CONSOLIDATED' && event.containerId
              ? uri('equipment', event.containerId)
              : subjectUri,
          childEPCs: event.subject.kind === 'parcel' ? [subjectUri] : [],
        }
      : { epcList: [subjectUri] }),
    bizStep: def.epcis.bizStep,
    disposition: def.epcis.disposition,
    ...(where
      ? { readPoint: { id: uri('location', where) }, bizLocation: { id: uri('location', where) } }
      : {}),
    ...(event.retracted
      ? {
          errorDeclaration: {
            declarationTime: new Date(event.updatedAtMs).toISOString(),
            reason: 'incorrect_data',
          },
        }
      : {}),
    'lb:code': event.code,
    'lb:classifier': event.classifier,
    ...(event.reason ? { 'lb:reason': event.reason } : {}),
  };
}
