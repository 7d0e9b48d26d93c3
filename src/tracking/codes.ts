/**
 * Landbridge's event codes: the table proposed in the project's tracking facts (§9), each mapped to
 * the standards it stands for — GS1 EPCIS 2.0 event type and action with its CBV business step and
 * disposition, DCSA Track & Trace equipment/transport codes (containers), UPU EMSEVT V3 codes
 * (parcels) and IATA Cargo-XML status codes (air). Sources: /work/shared/facts/tracking.md §1.5, §2.2,
 * §3.2, §8, §9 (EPCIS CBV.ttl, DCSA event_domain_v2.0.2 and TNT 3.0, UPU EMSEVT via PRIME, IATA ONE
 * Record StatusCode).
 */

export const EVENT_CODES = [
  'ANNOUNCED',
  'ACCEPTED',
  'HUB_RECEIVED',
  'EXPORT_CUSTOMS_HOLD',
  'EXPORT_CUSTOMS_RELEASED',
  'CONSOLIDATED',
  'GATED_IN',
  'LOADED',
  'DEPARTED',
  'BORDER_CROSSED',
  'DISCHARGED',
  'ARRIVED',
  'IMPORT_CUSTOMS_HOLD',
  'IMPORT_CUSTOMS_RELEASED',
  'DECONSOLIDATED',
  'HANDED_TO_LAST_MILE',
  'OUT_FOR_DELIVERY',
  'DELIVERY_FAILED',
  'DELIVERED',
  'RETURNED',
  'CANCELLED',
] as const;
export type EventCode = (typeof EVENT_CODES)[number];

/**
 * DCSA's event classifier: `PLN` planned, `EST` estimated, `ACT` actual. Only actual events move a
 * parcel's state; planned and estimated ones are kept for its timeline (an EST `DEPARTED` of a
 * departure later than planned is a delay).
 */
export const CLASSIFIERS = ['PLN', 'EST', 'ACT'] as const;
export type Classifier = (typeof CLASSIFIERS)[number];

/** What an event can be about: a parcel, a container (ULD, bag), or a dated departure (a train run). */
export const SUBJECT_KINDS = ['parcel', 'container', 'departure'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** One code's meaning and its equivalents in the standards. */
export interface EventCodeDefinition {
  readonly code: EventCode;
  /** The subjects an actual event of this code may be about. */
  readonly subjects: readonly SubjectKind[];
  readonly epcis: {
    readonly type: 'ObjectEvent' | 'AggregationEvent';
    readonly action: 'ADD' | 'OBSERVE' | 'DELETE';
    /** CBV business step short name (`https://ref.gs1.org/cbv/BizStep-<name>`), or an `lb:` extension. */
    readonly bizStep: string;
    readonly disposition: string;
  };
  /** DCSA TNT equipment/transport event codes (containers); empty where none applies. */
  readonly dcsa: readonly string[];
  /** UPU EMSEVT V3 item event codes (parcels); empty where none applies. */
  readonly upu: readonly string[];
  /** IATA Cargo-XML / ONE Record status codes (air); empty where none applies. */
  readonly iata: readonly string[];
  /** Reason codes the event takes; empty: none. With `reasonRequired`, one must be given. */
  readonly reasons: readonly string[];
  readonly reasonRequired: boolean;
}

/** Why customs holds a parcel or container (the customs module writes these). */
export const HOLD_REASONS = [
  'manual-review',
  'inspection',
  'rejected',
  'documents-missing',
  'duties-unpaid',
  'other',
] as const;

/**
 * Why a delivery attempt failed: Landbridge's names for the reasons UPU EMH events carry (the UPU
 * numeric reason list itself is not in the facts and is not reproduced here).
 */
export const DELIVERY_FAILURE_REASONS = [
  'addressee-absent',
  'refused',
  'address-incorrect',
  'addressee-moved',
  'no-access',
  'duties-unpaid',
  'damaged',
  'other',
] as const;

/** Why a parcel goes back to its seller. */
export const RETURN_REASONS = [
  'refused',
  'undeliverable',
  'customs-rejected',
  'seller-request',
  'damaged',
  'other',
] as const;

const P = ['parcel'] as const;
const PC = ['parcel', 'container'] as const;

const def = (
  code: EventCode,
  subjects: readonly SubjectKind[],
  epcis: EventCodeDefinition['epcis'],
  dcsa: readonly string[],
  upu: readonly string[],
  iata: readonly string[],
  reasons: readonly string[] = [],
  reasonRequired = false,
): EventCodeDefinition => ({ code, subjects, epcis, dcsa, upu, iata, reasons, reasonRequired });

const OBS = (bizStep: string, disposition: string) =>
  ({ type: 'ObjectEvent', action: 'OBSERVE', bizStep, disposition }) as const;

/** The code table (facts §9), by code. */
export const EVENT_CODE_TABLE: Readonly<Record<EventCode, EventCodeDefinition>> = {
  ANNOUNCED: def(
    'ANNOUNCED',
    P,
    { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', disposition: 'active' },
    [],
    [],
    ['BKD'],
  ),
  ACCEPTED: def('ACCEPTED', P, OBS('accepting', 'in_progress'), [], ['EMA'], ['RCS']),
  HUB_RECEIVED: def('HUB_RECEIVED', P, OBS('receiving', 'in_progress'), [], ['EMB'], ['FOH', 'RCS']),
  EXPORT_CUSTOMS_HOLD: def(
    'EXPORT_CUSTOMS_HOLD',
    PC,
    OBS('holding', 'lb:customs_hold'),
    ['CUSS', 'CUSI'],
    ['EXA', 'EXB'],
    ['CRC'],
    HOLD_REASONS,
    true,
  ),
  EXPORT_CUSTOMS_RELEASED: def(
    'EXPORT_CUSTOMS_RELEASED',
    PC,
    OBS('lb:customs_release', 'in_progress'),
    ['CUSR'],
    ['EXC'],
    ['CCD'],
  ),
  CONSOLIDATED: def(
    'CONSOLIDATED',
    P,
    { type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', disposition: 'in_progress' },
    ['STUF'],
    [],
    ['PRE', 'MAN'],
  ),
  GATED_IN: def('GATED_IN', PC, OBS('arriving', 'container_closed'), ['GTIN'], [], []),
  LOADED: def('LOADED', PC, OBS('loading', 'in_transit'), ['LOAD'], [], ['MAN']),
  DEPARTED: def('DEPARTED', PC, OBS('departing', 'in_transit'), ['DEPA'], ['EMC'], ['DEP']),
  BORDER_CROSSED: def('BORDER_CROSSED', PC, OBS('transporting', 'in_transit'), ['CROS'], ['EMJ', 'EMK'], []),
  DISCHARGED: def('DISCHARGED', PC, OBS('unloading', 'in_transit'), ['DISC'], [], ['RCF']),
  ARRIVED: def('ARRIVED', PC, OBS('arriving', 'in_progress'), ['ARRI'], ['EMD'], ['ARR']),
  IMPORT_CUSTOMS_HOLD: def(
    'IMPORT_CUSTOMS_HOLD',
    PC,
    OBS('holding', 'lb:customs_hold'),
    ['CUSI', 'CUSS'],
    ['EDB', 'EME'],
    ['CRC', 'TGC'],
    HOLD_REASONS,
    true,
  ),
  IMPORT_CUSTOMS_RELEASED: def(
    'IMPORT_CUSTOMS_RELEASED',
    PC,
    OBS('lb:customs_release', 'in_progress'),
    ['CUSR'],
    ['EDC'],
    ['CCD'],
  ),
  DECONSOLIDATED: def(
    'DECONSOLIDATED',
    PC,
    { type: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking', disposition: 'in_progress' },
    ['STRP'],
    [],
    [],
  ),
  HANDED_TO_LAST_MILE: def(
    'HANDED_TO_LAST_MILE',
    P,
    OBS('departing', 'in_transit'),
    ['GTOT', 'PICK'],
    ['EMF'],
    ['TFD'],
  ),
  OUT_FOR_DELIVERY: def('OUT_FOR_DELIVERY', P, OBS('departing', 'in_progress'), [], ['EDG'], []),
  DELIVERY_FAILED: def(
    'DELIVERY_FAILED',
    P,
    OBS('holding', 'in_progress'),
    [],
    ['EMH'],
    [],
    DELIVERY_FAILURE_REASONS,
    true,
  ),
  DELIVERED: def('DELIVERED', P, OBS('accepting', 'in_progress'), ['DROP'], ['EMI'], ['DLV']),
  RETURNED: def('RETURNED', P, OBS('shipping', 'returned'), [], [], [], RETURN_REASONS),
  CANCELLED: def('CANCELLED', P, OBS('other', 'unavailable'), [], ['EXX'], []),
};

/** Whether `code` is one of Landbridge's event codes. */
export function isEventCode(code: string): code is EventCode {
  return Object.hasOwn(EVENT_CODE_TABLE, code);
}
